import type { Executor } from '../db/connection.js'
import type { AddressChange, Case } from '../db/schema.js'
import { addCaseEvent } from '../cases/records.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'
import { t, type Lang } from '../i18n/index.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { ImmediateDeps } from '../registers/immediate-actions.js'
import { hashToken, newToken } from '../security/tokens.js'
import { emailKey, parseEmail } from './email-address.js'
import { decideAddressChangeRow, findAddressChange, findAddressChangeByTokenHash, findAddressChanges, insertAddressChange } from './repository.js'

const HOUR = 3_600_000

export type AddressChangeState = 'pending' | 'confirmed' | 'declined' | 'expired'

/** As the staff API shows it: `confirmedAt` stays null until the new address confirms by its own link. */
export interface AddressChangeJson {
  from: string
  to: string
  confirmedAt: string | null
  expiresAt: string
  state: AddressChangeState
}

/**
 * The new address a rectification asks for, when its "correct" value is an email address other
 * than the requester's own (the first line, as the candidate proposal reads it); otherwise null.
 */
export function requestedAddress(c: Pick<Case, 'type' | 'correct_value' | 'email_key'>): string | null {
  if (c.type !== 'rectification' || !c.correct_value) return null
  const parsed = parseEmail(c.correct_value.split('\n')[0])
  return parsed.ok && parsed.key !== c.email_key ? parsed.email : null
}

export function addressChangeState(row: Pick<AddressChange, 'confirmed_at' | 'declined_at' | 'expires_at'>, now: Date): AddressChangeState {
  if (row.confirmed_at) return 'confirmed'
  if (row.declined_at) return 'declined'
  return row.expires_at <= now.toISOString() ? 'expired' : 'pending'
}

export function toAddressChangeJson(row: AddressChange, now: Date): AddressChangeJson {
  return { from: row.from_email, to: row.to_email, confirmedAt: row.confirmed_at, expiresAt: row.expires_at, state: addressChangeState(row, now) }
}

export { findAddressChange }

/** For a page of cases: each case's address change as the staff API shows it. */
export async function addressChangesByCase(db: Executor, caseIds: number[], now: Date): Promise<Map<number, AddressChangeJson>> {
  if (caseIds.length === 0) return new Map()
  const rows = await findAddressChanges(db, caseIds)
  return new Map(rows.map((r) => [r.case_id, toAddressChangeJson(r, now)]))
}

export async function findAddressChangeByToken(db: Executor, token: string): Promise<AddressChange | undefined> {
  return findAddressChangeByTokenHash(db, hashToken(token))
}

/**
 * Called as the case opens: a request to change the address sends its own link to the new address.
 * That address has confirmed nothing yet, so the email carries none of the requester's words.
 */
export async function startAddressChange(trx: Executor, c: Case, deps: ImmediateDeps, now: Date): Promise<void> {
  const to = requestedAddress(c)
  if (!to) return
  const { config } = deps
  const at = now.toISOString()
  const token = newToken()
  await insertAddressChange(trx, {
    case_id: c.id,
    from_email: c.email,
    to_email: to,
    to_email_key: emailKey(to),
    token_hash: hashToken(token),
    expires_at: new Date(now.getTime() + config.verifyTokenTtlHours * HOUR).toISOString(),
    confirmed_at: null,
    declined_at: null,
    created_at: at,
  })
  const lang = c.lang as Lang
  const mail = deps.renderEmail('address-verify', lang, 'confirm.address.emailSubject', { link: `${config.publicUrl}/verify/${token}`, hours: config.verifyTokenTtlHours })
  await enqueueEmail(
    trx,
    { kind: 'verify_address', to, caseId: c.id, ...mail, headers: { 'Content-Language': lang, 'Auto-Submitted': 'auto-generated' }, verifyTokenHash: hashToken(token) },
    { from: config.mailFrom, now, seal: deps.seal },
  )
  await addCaseEvent(trx, { caseId: c.id, kind: 'address_change_requested', actor: { type: 'system' }, data: {}, at })
}

export type AddressDecision = { state: 'unknown' | 'used' | 'expired' } | { state: 'done' }

/**
 * Confirms (or declines) the new address once. The conditions on the update are the single point
 * where two posts at once are told apart: only one changes the row.
 */
export async function decideAddressChange(trx: Executor, token: string, decision: 'confirm' | 'decline', now: Date): Promise<AddressDecision> {
  const at = now.toISOString()
  const row = await findAddressChangeByToken(trx, token)
  if (!row) return { state: 'unknown' }
  const state = addressChangeState(row, now)
  if (state === 'expired') return { state: 'expired' }
  if (state !== 'pending') return { state: 'used' }
  if (!(await decideAddressChangeRow(trx, row.id, decision, at))) return { state: 'used' }
  await addCaseEvent(trx, { caseId: row.case_id, kind: decision === 'confirm' ? 'address_confirmed' : 'address_declined', actor: { type: 'requester' }, data: {}, at })
  return { state: 'done' }
}

/** For the staff case page: where the change of address stands, and what staff may do. */
export async function addressChangeNotice(db: Executor, caseId: number, lang: Lang, now: Date): Promise<{ state: AddressChangeState; title: string; text: string } | null> {
  const row = await findAddressChange(db, caseId)
  if (!row) return null
  const state = addressChangeState(row, now)
  const params = { from: row.from_email, to: row.to_email, expires: stockholmDateTime(row.expires_at), at: row.confirmed_at ? stockholmDateTime(row.confirmed_at) : '' }
  return { state, title: t(lang, 'confirm.staff.title'), text: t(lang, `confirm.staff.${state}`, params) }
}
