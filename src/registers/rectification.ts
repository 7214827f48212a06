import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Executor } from '../db/connection.js'
import type { Case, RectificationProposal } from '../db/schema.js'
import { addCaseEvent } from '../cases/repository.js'
import { cleanReason } from '../cases/refusal.js'
import { findAddressChange } from '../intake/address-change.js'
import { cleanLine, emailKey, isValidEmail, normaliseEmail } from '../intake/validate.js'
import { isLinkLikeName } from '../intake/name-rule.js'
import { recordAction } from './case-actions.js'
import { candidateEmailHash, findCandidate, findCandidateByEmail, updateCandidate } from './candidates-repository.js'
import { ensureRecipientChecklist } from './recipient-checklist.js'

export const RECTIFIABLE_FIELDS = ['email', 'name', 'phone'] as const
export type RectifiableField = (typeof RECTIFIABLE_FIELDS)[number]

const PHONE = /^\+?[0-9][0-9 ()-]{5,30}$/

/** Which contact detail a proposed value most likely is; staff can change it before applying. */
export function guessField(value: string): RectifiableField {
  if (isValidEmail(normaliseEmail(value))) return 'email'
  if (PHONE.test(value.trim())) return 'phone'
  return 'name'
}

/** From a confirmed candidate rectification: the proposed value next to the stored one, for staff. */
export async function proposeRectification(trx: Executor, c: Case, at: string): Promise<void> {
  const candidate = await findCandidateByEmail(trx, c.email_key)
  const proposed = (c.correct_value ?? '').trim()
  if (!candidate || candidate.status === 'erased' || !proposed) {
    await recordAction(trx, c.id, 'no_candidate', {}, at)
    return
  }
  const field = guessField(proposed.split('\n')[0])
  await trx
    .insertInto('rectification_proposals')
    .values({ case_id: c.id, register: 'candidates', record_id: candidate.id, field, stored_value: candidate[field], proposed_value: proposed.split('\n')[0].slice(0, 400), status: 'pending', decided_by: null, decided_at: null, created_at: at })
    .execute()
  await recordAction(trx, c.id, 'rectification_proposed', { candidateId: candidate.id, field }, at)
}

export async function proposalsFor(db: Executor, caseId: number): Promise<RectificationProposal[]> {
  return db.selectFrom('rectification_proposals').selectAll().where('case_id', '=', caseId).orderBy('id').execute()
}

export class RectificationError extends Error {
  constructor(readonly code: 'not_found' | 'decided' | 'erased' | 'bad_field' | 'bad_value' | 'email_taken' | 'reason_required' | 'address_unconfirmed') {
    super(code)
  }
}

/** Validates and cleans a value for a field; null when it is not acceptable. */
function cleanValue(field: RectifiableField, raw: string): string | null {
  const v = cleanLine(raw)
  if (!v) return null
  if (field === 'email') return isValidEmail(normaliseEmail(v)) ? normaliseEmail(v) : null
  if (field === 'phone') return PHONE.test(v) ? v : null
  return v.length <= 200 && !isLinkLikeName(v) ? v : null
}

/** Applies (or rejects) a proposal: the candidate's record changes, the timeline and audit log say so. */
export async function decideProposal(
  trx: Executor,
  config: Config,
  c: Case,
  input: { proposalId: number; decision: 'apply' | 'reject'; field: string; value: string; reason?: string | null },
  staffId: number,
  now: Date,
): Promise<{ field: RectifiableField; applied: boolean; reason?: string }> {
  const at = now.toISOString()
  const p = await trx.selectFrom('rectification_proposals').selectAll().where('id', '=', input.proposalId).where('case_id', '=', c.id).executeTakeFirst()
  if (!p) throw new RectificationError('not_found')
  if (p.status !== 'pending') throw new RectificationError('decided')
  if (input.decision === 'reject') {
    // Art. 12(4): a refusal tells the requester why; the reason goes into the message.
    const reason = cleanReason(input.reason)
    if (!reason) throw new RectificationError('reason_required')
    await trx.updateTable('rectification_proposals').set({ status: 'rejected', decided_by: staffId, decided_at: at }).where('id', '=', p.id).execute()
    await addCaseEvent(trx, { caseId: c.id, kind: 'rectification_rejected', actor: { type: 'staff', id: staffId }, data: { field: p.field, reason }, at })
    await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'register.rectification_reject', caseId: c.id, target: `candidate:${p.record_id}`, at: now })
    return { field: p.field, applied: false, reason }
  }
  if (!(RECTIFIABLE_FIELDS as readonly string[]).includes(input.field)) throw new RectificationError('bad_field')
  const field = input.field as RectifiableField
  const value = cleanValue(field, input.value)
  if (value === null) throw new RectificationError('bad_value')
  const candidate = await findCandidate(trx, p.record_id)
  if (!candidate || candidate.status === 'erased') throw new RectificationError('erased')
  const stored = candidate[field]
  if (field === 'email') {
    const key = emailKey(value)
    // A requested change of address waits for the new address's own confirmation (issue 14).
    const change = await findAddressChange(trx, c.id)
    if (change && (change.confirmed_at === null || change.to_email_key !== key)) throw new RectificationError('address_unconfirmed')
    const other = await findCandidateByEmail(trx, key)
    if (other && other.id !== candidate.id) throw new RectificationError('email_taken')
    await updateCandidate(trx, candidate.id, { email: value, email_normalized: key, email_hash: candidateEmailHash(config.sessionSecret, key), updated_at: at })
  } else {
    await updateCandidate(trx, candidate.id, { [field]: value, updated_at: at })
  }
  await trx.updateTable('rectification_proposals').set({ status: 'applied', field, stored_value: stored, proposed_value: value, decided_by: staffId, decided_at: at }).where('id', '=', p.id).execute()
  await addCaseEvent(trx, { caseId: c.id, kind: 'rectification_applied', actor: { type: 'staff', id: staffId }, data: { field }, at })
  await ensureRecipientChecklist(trx, c, at)
  await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'register.rectification_apply', caseId: c.id, target: `candidate:${candidate.id}`, data: { field }, at: now })
  return { field, applied: true }
}
