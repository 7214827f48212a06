import { appendAudit } from '../audit/log.js'
import type { Staff } from '../db/schema.js'
import type { StaffDeps } from './accounts.js'
import { staffActor, type Actor } from './actor.js'
import { advanceTotpStep, findStaffById, updateStaff } from './repository.js'
import { SecretBox } from './secret-box.js'
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js'

export const TOTP_ISSUER = 'Xtractor DSR'

export type Enrolment = { enabled: true } | { enabled: false; secret: string; uri: string }

/**
 * Optional TOTP second factor. The secret is stored sealed (AES-256-GCM, key from SESSION_SECRET
 * via HKDF: see secret-box.ts) in staff.totp_secret; while totp_enabled is 0 it is an enrolment
 * in progress. Every accepted code advances staff.totp_last_step, so no code works twice.
 */
export class StaffMfa {
  private readonly box: SecretBox

  constructor(private readonly deps: StaffDeps) {
    this.box = new SecretBox(deps.config.sessionSecret, 'staff-totp-secret')
  }

  private context(staffId: number): string {
    return `staff:${staffId}`
  }

  private secretOf(staff: Staff): string | null {
    return staff.totp_secret ? this.box.open(staff.totp_secret, this.context(staff.id)) : null
  }

  /** The enrolment in progress (started on first call and kept until confirmed), or that MFA is already on. */
  async enrolment(staffId: number): Promise<Enrolment> {
    const staff = await findStaffById(this.deps.db, staffId)
    if (!staff) throw new Error('staff not found')
    if (staff.totp_enabled === 1) return { enabled: true }
    let secret = this.secretOf(staff)
    if (!secret) {
      secret = newTotpSecret()
      await updateStaff(this.deps.db, staffId, { totp_secret: this.box.seal(secret, this.context(staffId)), totp_last_step: null, updated_at: this.deps.now().toISOString() })
    }
    return { enabled: false, secret, uri: otpauthUri(secret, staff.email, TOTP_ISSUER) }
  }

  /** Checks a code against the member's secret and uses up its time step. */
  async verify(staffId: number, code: string): Promise<boolean> {
    const staff = await findStaffById(this.deps.db, staffId)
    const secret = staff ? this.secretOf(staff) : null
    if (!staff || !secret) return false
    const step = matchTotp(secret, code, this.deps.now(), staff.totp_last_step)
    return step !== null && (await advanceTotpStep(this.deps.db, staffId, step))
  }

  /** Turns MFA on when the code matches the enrolment's secret. */
  async enable(staffId: number, code: string): Promise<boolean> {
    const staff = await findStaffById(this.deps.db, staffId)
    if (!staff || staff.totp_enabled === 1 || !this.secretOf(staff)) return false
    if (!(await this.verify(staffId, code))) return false
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      await updateStaff(trx, staffId, { totp_enabled: 1, updated_at: at.toISOString() })
      await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'staff.mfa_enable', target: `staff:${staffId}`, at })
    })
    return true
  }

  /** Turns MFA off with a current code; the secret is forgotten. */
  async disable(staffId: number, code: string): Promise<boolean> {
    const staff = await findStaffById(this.deps.db, staffId)
    if (!staff || staff.totp_enabled !== 1) return false
    if (!(await this.verify(staffId, code))) return false
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      await updateStaff(trx, staffId, { totp_enabled: 0, totp_secret: null, totp_last_step: null, updated_at: at.toISOString() })
      await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'staff.mfa_disable', target: `staff:${staffId}`, at })
    })
    return true
  }

  /** For the CLI: an administrator clears a member's lost second factor. */
  async reset(staffId: number, actor: Actor = staffActor(staffId)): Promise<void> {
    const at = this.deps.now()
    await this.deps.db.transaction().execute(async (trx) => {
      await updateStaff(trx, staffId, { totp_enabled: 0, totp_secret: null, totp_last_step: null, updated_at: at.toISOString() })
      await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'staff.mfa_disable', target: `staff:${staffId}`, data: { reset: true }, at })
    })
  }
}
