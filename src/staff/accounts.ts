import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import type { NewStaff, Staff } from '../db/schema.js'
import type { Lang } from '../i18n/index.js'
import { MAX_NAME } from '../intake/request-types.js'
import { cleanLine, emailKey, isValidEmail, normaliseEmail } from '../intake/validate.js'
import { hashToken, newToken } from '../security/tokens.js'
import type { Actor } from './actor.js'
import { staffError, type DomainError } from './errors.js'
import { countRecent, recordEvent } from '../security/rate-limit.js'
import { keyedHash } from '../security/tokens.js'
import { hashPassword, verifyPassword } from './password-hash.js'
import { releaseCasesOf } from '../routing/release.js'
import { checkPassword } from './password-policy.js'
import {
  countActiveAdmins,
  countStaff,
  deleteSessionsOf,
  findSetupToken,
  findStaffByEmailKey,
  findStaffById,
  insertApiToken,
  insertSetupToken,
  insertStaff,
  listStaff,
  revokeApiTokensOf,
  updateStaff,
  useSetupToken,
} from './repository.js'
import { isRole, type Role } from './roles.js'

export interface StaffDeps {
  db: Db
  config: Config
  now: () => Date
}

export interface NewStaffInput {
  email: string
  name: string
  role: string
  password: string
  lang?: Lang
}

/** What lists show: no hashes, no secrets. */
export interface StaffSummary {
  id: number
  email: string
  name: string
  role: Role
  disabled: boolean
  mfa: boolean
  lastLoginAt: string | null
}

export type SetupTokenState = 'valid' | 'unknown' | 'used' | 'expired' | 'done'

const HOUR = 3_600_000
export const SETUP_PURPOSE = 'first_admin'
export const API_TOKEN_PREFIX = 'dsr_'

/** API tokens: a recognisable prefix (secret scanners find it in leaked code) and 256 random bits. */
export function looksLikeApiToken(value: string): boolean {
  return /^dsr_[A-Za-z0-9_-]{43}$/.test(value)
}

function summary(s: Staff): StaffSummary {
  return { id: s.id, email: s.email, name: s.name, role: s.role as Role, disabled: s.disabled === 1, mfa: s.totp_enabled === 1, lastLoginAt: s.last_login_at }
}

async function audit(db: Executor, actor: Actor, action: string, at: Date, target: number | null, data: Record<string, unknown> | null = null) {
  await appendAudit(db, { actorType: actor.type, actorId: actor.id, action, target: target === null ? null : `staff:${target}`, data, at })
}

/** Staff accounts: creation, passwords, roles, disabling, API tokens and the first administrator's setup link. */
export class StaffAccounts {
  constructor(private readonly deps: StaffDeps) {}

  /** Every problem with a new account's fields, by field; empty when all is well. */
  problems(input: NewStaffInput, password2?: string): DomainError[] {
    const errors: DomainError[] = []
    const email = normaliseEmail(input.email ?? '')
    if (!isValidEmail(email)) errors.push(staffError('invalid_email', 'email'))
    const name = cleanLine(input.name)
    if (!name || name.length > MAX_NAME) errors.push(staffError('invalid_name', 'name'))
    if (!isRole(input.role)) errors.push(staffError('invalid_role', 'role'))
    const pw = checkPassword(input.password ?? '', { email, name })
    if (pw) errors.push(staffError(`password_${pw}`, 'password'))
    else if (password2 !== undefined && password2 !== input.password) errors.push(staffError('password_mismatch', 'password2'))
    return errors
  }

  /**
   * The row of a new account, checked, normalised and with its password hashed (slow, so before
   * any transaction); both ways of adding a member go through it, so they apply the same rules.
   */
  private async newStaffRow(input: NewStaffInput): Promise<{ row: NewStaff; at: Date }> {
    const [problem] = this.problems(input)
    if (problem) throw problem
    const email = normaliseEmail(input.email)
    const passwordHash = await hashPassword(input.password, this.deps.config.passwordHashCost)
    const at = this.deps.now()
    const row = {
      email,
      email_key: emailKey(email),
      name: cleanLine(input.name) as string,
      role: input.role,
      password_hash: passwordHash,
      lang: input.lang ?? 'sv',
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
    }
    return { row, at }
  }

  /** Creates an account; throws a staff DomainError on the first problem, or 'exists' when the address is taken. */
  async create(input: NewStaffInput, actor: Actor, via: 'cli' | 'web' | 'setup' = actor.type === 'cli' ? 'cli' : 'web'): Promise<number> {
    const { row, at } = await this.newStaffRow(input)
    return this.deps.db.transaction().execute(async (trx) => {
      if (await findStaffByEmailKey(trx, row.email_key)) throw staffError('exists', 'email')
      const id = await insertStaff(trx, row)
      await audit(trx, actor, 'staff.add', at, id, { role: input.role, via })
      return id
    })
  }

  async findByEmail(email: string): Promise<Staff | undefined> {
    return findStaffByEmailKey(this.deps.db, emailKey(email))
  }

  async findById(id: number): Promise<Staff | undefined> {
    return findStaffById(this.deps.db, id)
  }

  async list(): Promise<StaffSummary[]> {
    return (await listStaff(this.deps.db)).map(summary)
  }

  /**
   * Sets a new password and ends the member's sessions (all of them, or all but the one
   * given: changing your own password keeps you signed in where you did it).
   */
  async setPassword(staffId: number, password: string, actor: Actor, opts: { keepSessionHash?: string } = {}): Promise<void> {
    const staff = await findStaffById(this.deps.db, staffId)
    if (!staff) throw staffError('not_found')
    const problem = checkPassword(password, { email: staff.email, name: staff.name })
    if (problem) throw staffError(`password_${problem}`, 'password')
    const hash = await hashPassword(password, this.deps.config.passwordHashCost)
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      await updateStaff(trx, staffId, { password_hash: hash, updated_at: at.toISOString() })
      const ended = await deleteSessionsOf(trx, staffId, opts.keepSessionHash)
      await audit(trx, actor, 'staff.passwd', at, staffId, { sessionsEnded: ended })
    })
  }

  /**
   * A member changes their own password: the current one is asked again (5 wrong tries in
   * 15 minutes and the form stops answering for a while), other sessions end.
   */
  async changeOwnPassword(staffId: number, current: string, next: string, keepSessionHash: string): Promise<'ok' | 'wrong' | 'throttled'> {
    const { db, config } = this.deps
    const at = this.deps.now()
    const key = keyedHash(config.sessionSecret, 'staff-pwchange:' + staffId)
    if ((await countRecent(db, 'staff_pw_change', key, new Date(at.getTime() - 15 * 60_000).toISOString())) >= 5) return 'throttled'
    const staff = await findStaffById(db, staffId)
    if (!staff) throw staffError('not_found')
    if (!(await verifyPassword(staff.password_hash, current))) {
      await recordEvent(db, 'staff_pw_change', key, at.toISOString())
      return 'wrong'
    }
    await this.setPassword(staffId, next, { type: 'staff', id: staffId }, { keepSessionHash })
    return 'ok'
  }

  /** Disables an account: its sessions end and its API tokens are revoked at once. The last active admin cannot be disabled. */
  async disable(staffId: number, actor: Actor): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
    if (actor.type === 'staff' && actor.id === staffId) throw staffError('own_account')
    const at = this.deps.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const staff = await findStaffById(trx, staffId)
      if (!staff) throw staffError('not_found')
      if (staff.role === 'admin' && staff.disabled === 0 && (await countActiveAdmins(trx)) <= 1) throw staffError('last_admin')
      await updateStaff(trx, staffId, { disabled: 1, updated_at: at.toISOString() })
      const sessionsEnded = await deleteSessionsOf(trx, staffId)
      const tokensRevoked = await revokeApiTokensOf(trx, staffId, at.toISOString())
      const casesReleased = await releaseCasesOf(trx, staffId, at)
      await audit(trx, actor, 'staff.disable', at, staffId, { sessionsEnded, tokensRevoked, casesReleased })
      return { sessionsEnded, tokensRevoked }
    })
  }

  /** Changes a role. Nobody changes their own, and the last active admin stays an admin. */
  async setRole(staffId: number, role: string, actor: Actor): Promise<void> {
    if (!isRole(role)) throw staffError('invalid_role', 'role')
    if (actor.type === 'staff' && actor.id === staffId) throw staffError('own_account')
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      const staff = await findStaffById(trx, staffId)
      if (!staff) throw staffError('not_found')
      if (staff.role === role) return
      if (staff.role === 'admin' && staff.disabled === 0 && (await countActiveAdmins(trx)) <= 1) throw staffError('last_admin')
      await updateStaff(trx, staffId, { role, updated_at: at.toISOString() })
      await audit(trx, actor, 'staff.role', at, staffId, { from: staff.role, to: role })
    })
  }

  /** A new API token for the member (it acts with their role); only its hash is stored, so show it now or never. */
  async createApiToken(staffId: number, name: string | null, actor: Actor): Promise<string> {
    const token = API_TOKEN_PREFIX + newToken()
    const at = this.deps.now()
    const label = name === null ? null : cleanLine(name)?.slice(0, 200) ?? null
    await this.deps.db.transaction().execute(async (trx) => {
      const staff = await findStaffById(trx, staffId)
      if (!staff || staff.disabled === 1) throw staffError('not_found')
      const tokenId = await insertApiToken(trx, { staffId, tokenHash: hashToken(token), name: label, createdAt: at.toISOString() })
      await audit(trx, actor, 'token.create', at, staffId, { tokenId })
    })
    return token
  }

  /** Revokes every API token the member has; returns how many were still live. */
  async revokeApiTokens(staffId: number, actor: Actor): Promise<number> {
    const at = this.deps.now()
    return this.deps.db.transaction().execute(async (trx) => {
      if (!(await findStaffById(trx, staffId))) throw staffError('not_found')
      const revoked = await revokeApiTokensOf(trx, staffId, at.toISOString())
      await audit(trx, actor, 'token.revoke', at, staffId, { revoked })
      return revoked
    })
  }

  // The first administrator

  async hasStaff(): Promise<boolean> {
    return (await countStaff(this.deps.db)) > 0
  }

  /** On a database with no staff, a one-time link token valid one hour; null once anyone exists. */
  async issueSetupToken(): Promise<string | null> {
    if (await this.hasStaff()) return null
    const token = newToken()
    const at = this.deps.now()
    await insertSetupToken(this.deps.db, { purpose: SETUP_PURPOSE, tokenHash: hashToken(token), expiresAt: new Date(at.getTime() + HOUR).toISOString(), createdAt: at.toISOString() })
    return token
  }

  async setupTokenState(token: string, db: Executor = this.deps.db): Promise<{ state: SetupTokenState; id?: number }> {
    if ((await countStaff(db)) > 0) return { state: 'done' }
    const row = await findSetupToken(db, hashToken(token))
    if (!row || row.purpose !== SETUP_PURPOSE) return { state: 'unknown' }
    if (row.used_at) return { state: 'used' }
    if (row.expires_at <= this.deps.now().toISOString()) return { state: 'expired' }
    return { state: 'valid', id: row.id }
  }

  /** Creates the first administrator through the setup link; refused once anyone exists or the link is spent. */
  async completeSetup(token: string, input: Omit<NewStaffInput, 'role'>): Promise<{ ok: true; id: number } | { ok: false; state: Exclude<SetupTokenState, 'valid'> }> {
    const { row, at } = await this.newStaffRow({ ...input, role: 'admin' })
    return this.deps.db.transaction().execute(async (trx) => {
      const { state, id: tokenId } = await this.setupTokenState(token, trx)
      if (state !== 'valid' || tokenId === undefined) return { ok: false as const, state: state as Exclude<SetupTokenState, 'valid'> }
      if (!(await useSetupToken(trx, tokenId, at.toISOString()))) return { ok: false as const, state: 'used' as const }
      const id = await insertStaff(trx, row)
      await audit(trx, { type: 'system', id: null }, 'staff.add', at, id, { role: 'admin', via: 'setup' })
      return { ok: true as const, id }
    })
  }
}
