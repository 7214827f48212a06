import { appendAudit } from '../audit/log.js'
import type { Executor } from '../db/connection.js'
import { isLang, type Lang } from '../i18n/index.js'
import { emailKey } from '../intake/validate.js'
import { countRecent, recordEvent } from '../security/rate-limit.js'
import { hashToken, keyedHash, newToken } from '../security/tokens.js'
import { looksLikeApiToken, type StaffDeps } from './accounts.js'
import { LoginThrottle, type Attempt } from './login-throttle.js'
import type { StaffMfa } from './mfa.js'
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password-hash.js'
import {
  deleteSession,
  findApiTokenWithStaff,
  findSessionWithStaff,
  findStaffByEmailKey,
  findStaffById,
  insertSession,
  purgeExpiredSessions,
  touchApiToken,
  touchSession,
  updateStaff,
} from './repository.js'
import type { Role } from './roles.js'

export const SESSION_COOKIE = 'dsr_staff'
export const IDLE_MS = 30 * 60_000
export const ABSOLUTE_MS = 8 * 3_600_000
/** last_seen_at / last_used_at are rewritten at most this often, to spare writes. */
export const TOUCH_MS = 60_000
/** How long a password-checked session may wait for its TOTP code. */
export const MFA_STEP_MS = 5 * 60_000
/** Wrong codes a half-signed-in session may send before it ends and the password is asked again. */
export const MFA_MAX_TRIES = 5

/**
 * Deletes the sessions past their end or idle limit (a request on one is refused anyway; the row
 * would otherwise stay for ever, naming who was signed in when). Returns how many went.
 */
export function purgeEndedSessions(db: Executor, now: Date): Promise<number> {
  return purgeExpiredSessions(db, now.toISOString(), new Date(now.getTime() - IDLE_MS).toISOString())
}

/** The signed-in staff member, as routes see it in request.staff. */
export interface SignedInStaff {
  id: number
  email: string
  name: string
  role: Role
  lang: Lang
}

export interface ResolvedSession {
  /** SHA-256 of the cookie's id: the row's key, and what the staff CSRF token is bound to. */
  idHash: string
  staff: SignedInStaff
  /** False while the TOTP code is still owed: such a session grants nothing but the code form. */
  mfaPassed: boolean
  totpEnabled: boolean
}

export type LoginResult =
  | { outcome: 'ok'; sessionId: string; mfaRequired: boolean; staff: SignedInStaff; deviceCookie: string | null }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; waitMinutes: number }

export type MfaStepResult =
  | { outcome: 'ok'; sessionId: string; staff: SignedInStaff; deviceCookie: string }
  | { outcome: 'invalid' }
  | { outcome: 'ended' }
  | { outcome: 'throttled'; waitMinutes: number }

function signedIn(row: { id: number; email: string; name: string; role: string; lang: string }): SignedInStaff {
  return { id: row.id, email: row.email, name: row.name, role: row.role as Role, lang: isLang(row.lang) ? row.lang : 'sv' }
}

/**
 * Sign-in and sessions. The cookie holds a random 256-bit id; the database keeps only its
 * SHA-256 (staff_sessions.id_hash). Each login makes a new id (no session fixation), and a
 * session ends after 30 idle minutes or 8 hours, whichever comes first.
 */
export class StaffSessions {
  private readonly throttle: LoginThrottle

  constructor(
    private readonly deps: StaffDeps,
    private readonly mfa: StaffMfa,
  ) {
    this.throttle = new LoginThrottle(deps.config.sessionSecret)
    // Made now rather than at the first unknown address, which would otherwise take one hash longer.
    dummyHash(deps.config.passwordHashCost).catch(() => {})
  }

  private async newSession(db: Executor, staffId: number, mfaPassed: boolean, at: Date): Promise<string> {
    const id = newToken()
    await insertSession(db, {
      id_hash: hashToken(id),
      staff_id: staffId,
      mfa_passed: mfaPassed ? 1 : 0,
      created_at: at.toISOString(),
      last_seen_at: at.toISOString(),
      expires_at: new Date(at.getTime() + (mfaPassed ? ABSOLUTE_MS : MFA_STEP_MS)).toISOString(),
    })
    return id
  }

  /**
   * Checks an email and password. Unknown address, wrong password and disabled account give
   * the same answer after the same work: one lookup, the throttle check, exactly one Argon2
   * verification, and on failure the same three throttle rows and one audit row.
   * `previousSessionId` (the cookie the browser came with, if any) is ended, so an id planted
   * before login is worthless after it.
   */
  async login(input: { email: string; password: string; ip: string; deviceCookie?: string; previousSessionId?: string }): Promise<LoginResult> {
    const { db } = this.deps
    const at = this.deps.now()
    const key = emailKey(input.email)
    const staff = key === '' ? undefined : await findStaffByEmailKey(db, key)
    const attempt: Attempt = { emailKey: key, ip: input.ip, knownDevice: this.throttle.isKnownDevice(input.deviceCookie, staff?.id ?? null) }

    const verdict = await this.throttle.check(db, attempt, at)
    if (!verdict.ok) return { outcome: 'throttled', waitMinutes: verdict.waitMinutes }

    // A disabled account is checked against the dummy hash, exactly like an unknown address: its
    // own stored hash may carry other Argon2 parameters (made before they changed, or by a tool
    // with argon2's defaults, and never renewed because the account cannot sign in), and checking
    // that hash would take measurably longer or shorter than the dummy, telling the account apart.
    const dummy = await dummyHash(this.deps.config.passwordHashCost)
    const member = staff?.disabled === 0 ? staff : undefined
    const ok = (await verifyPassword(member ? member.password_hash : dummy, input.password)) && member !== undefined

    if (!ok || !member) {
      await db.transaction().execute(async (trx) => {
        await this.throttle.recordFailure(trx, attempt, at)
        // The typed address is never recorded: only the account's id, when there is one.
        await appendAudit(trx, { actorType: 'staff', actorId: staff?.id ?? null, action: 'staff.login_failed', target: null, data: { factor: 'password' }, at })
      })
      return { outcome: 'invalid' }
    }

    // The password is right: a hash from older parameters is renewed, so from now on a wrong
    // password for this account costs what the dummy costs, like an unknown address.
    const renewedHash = needsRehash(member.password_hash, this.deps.config.passwordHashCost) ? await hashPassword(input.password, this.deps.config.passwordHashCost) : null
    if (input.previousSessionId) await deleteSession(db, hashToken(input.previousSessionId))
    const mfaRequired = member.totp_enabled === 1
    return db.transaction().execute(async (trx) => {
      if (renewedHash) await updateStaff(trx, member.id, { password_hash: renewedHash })
      const sessionId = await this.newSession(trx, member.id, !mfaRequired, at)
      if (!mfaRequired) await this.completed(trx, member.id, attempt, at, false)
      return { outcome: 'ok' as const, sessionId, mfaRequired, staff: signedIn(member), deviceCookie: mfaRequired ? null : this.throttle.deviceCookie(member.id) }
    })
  }

  private async completed(db: Executor, staffId: number, attempt: Attempt, at: Date, mfa: boolean) {
    await this.throttle.recordSuccess(db, attempt, at)
    await updateStaff(db, staffId, { last_login_at: at.toISOString() })
    await appendAudit(db, { actorType: 'staff', actorId: staffId, action: 'staff.login', target: `staff:${staffId}`, data: { mfa }, at })
  }

  /**
   * The second step for members with TOTP: on the right code the half-signed-in session is
   * replaced by a full one with a new id. Wrong codes count towards the login throttle, and
   * after MFA_MAX_TRIES the session ends.
   */
  async completeMfa(input: { sessionId: string; code: string; ip: string; deviceCookie?: string }): Promise<MfaStepResult> {
    const { db } = this.deps
    const at = this.deps.now()
    const pending = await this.resolve(input.sessionId)
    if (!pending || pending.mfaPassed) return { outcome: 'ended' }
    const attempt: Attempt = { emailKey: emailKey(pending.staff.email), ip: input.ip, knownDevice: this.throttle.isKnownDevice(input.deviceCookie, pending.staff.id) }
    const verdict = await this.throttle.check(db, attempt, at)
    if (!verdict.ok) return { outcome: 'throttled', waitMinutes: verdict.waitMinutes }

    if (!(await this.mfa.verify(pending.staff.id, input.code))) {
      const triesKey = keyedHash(this.deps.config.sessionSecret, 'staff-mfa:' + pending.idHash)
      const tries = await db.transaction().execute(async (trx) => {
        await this.throttle.recordFailure(trx, attempt, at)
        await recordEvent(trx, 'staff_mfa_try', triesKey, at.toISOString())
        await appendAudit(trx, { actorType: 'staff', actorId: pending.staff.id, action: 'staff.login_failed', target: null, data: { factor: 'totp' }, at })
        return countRecent(trx, 'staff_mfa_try', triesKey, new Date(at.getTime() - MFA_STEP_MS).toISOString())
      })
      if (tries >= MFA_MAX_TRIES) {
        await deleteSession(db, pending.idHash)
        return { outcome: 'ended' }
      }
      return { outcome: 'invalid' }
    }
    return db.transaction().execute(async (trx) => {
      await deleteSession(trx, pending.idHash)
      const sessionId = await this.newSession(trx, pending.staff.id, true, at)
      await this.completed(trx, pending.staff.id, attempt, at, true)
      return { outcome: 'ok' as const, sessionId, staff: pending.staff, deviceCookie: this.throttle.deviceCookie(pending.staff.id) }
    })
  }

  /** The session a cookie names, or null (and the row deleted) when it is unknown, expired, idle too long or its member disabled. */
  async resolve(sessionId: string | undefined): Promise<ResolvedSession | null> {
    if (!sessionId || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null
    const { db } = this.deps
    const idHash = hashToken(sessionId)
    const row = await findSessionWithStaff(db, idHash)
    if (!row) return null
    const now = this.deps.now()
    const nowMs = now.getTime()
    const lastSeen = new Date(row.last_seen_at).getTime()
    if (row.disabled === 1 || nowMs >= new Date(row.expires_at).getTime() || nowMs - lastSeen >= IDLE_MS) {
      await deleteSession(db, idHash)
      return null
    }
    if (nowMs - lastSeen >= TOUCH_MS) await touchSession(db, idHash, now.toISOString())
    return { idHash, staff: signedIn(row), mfaPassed: row.mfa_passed === 1, totpEnabled: row.totp_enabled === 1 }
  }

  async logout(session: ResolvedSession): Promise<void> {
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      await deleteSession(trx, session.idHash)
      await appendAudit(trx, { actorType: 'staff', actorId: session.staff.id, action: 'staff.logout', target: `staff:${session.staff.id}`, at })
    })
  }

  /** The member an `Authorization: Bearer` token acts for, or null (unknown, revoked, or member disabled). */
  async resolveApiToken(token: string): Promise<SignedInStaff | null> {
    if (!looksLikeApiToken(token)) return null
    const row = await findApiTokenWithStaff(this.deps.db, hashToken(token))
    if (!row || row.revoked_at !== null || row.disabled === 1) return null
    const now = this.deps.now()
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= TOUCH_MS) await touchApiToken(this.deps.db, row.token_id, now.toISOString())
    return signedIn(row)
  }

  /**
   * The member's own language setting, changed by the language switch while signed in: every staff
   * page (and their reminders) follows it from then on. Audited as `staff.lang`, from and to.
   */
  async setLang(staffId: number, lang: Lang): Promise<void> {
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      const before = await findStaffById(trx, staffId)
      if (!before || before.lang === lang) return
      await updateStaff(trx, staffId, { lang, updated_at: at.toISOString() })
      await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'staff.lang', target: `staff:${staffId}`, data: { from: before.lang, to: lang }, at })
    })
  }
}
