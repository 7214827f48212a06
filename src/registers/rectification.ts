import { appendAudit } from '../audit/log.js'
import { finishRegisterTask } from '../tasks/engine.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { authorityPending } from '../cases/authority.js'
import { addCaseEvent } from '../cases/records.js'
import { cleanReason } from '../cases/refusal.js'
import { findAddressChange } from '../intake/address-change.js'
import { cleanLine, emailKey, isValidEmail, normaliseEmail } from '../intake/validate.js'
import { isLinkLikeName } from '../intake/name-rule.js'
import { t, type Lang } from '../i18n/index.js'
import { recordAction } from './case-actions.js'
import { candidateEmailHash, findCandidate, findCandidateByEmail, updateCandidate } from './candidates-repository.js'
import { caseFail } from './errors.js'
import { ensureRecipientChecklist } from './recipient-checklist.js'
import { findProposal, insertProposal, markApplied, markRejected } from './rectification-repository.js'

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
  await insertProposal(trx, { case_id: c.id, register: 'candidates', record_id: candidate.id, field, stored_value: candidate[field], proposed_value: proposed.split('\n')[0].slice(0, 400), status: 'pending', decided_by: null, decided_at: null, created_at: at })
  await recordAction(trx, c.id, 'rectification_proposed', { candidateId: candidate.id, field }, at)
}

/** Validates and cleans a value for a field; null when it is not acceptable. */
export function cleanValue(field: RectifiableField, raw: string): string | null {
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
  const p = await findProposal(trx, c.id, input.proposalId)
  if (!p) throw caseFail('not_found')
  if (p.status !== 'pending') throw caseFail('decided')
  if (input.decision === 'reject') {
    // Art. 12(4): a refusal tells the requester why; the reason goes into the message.
    const reason = cleanReason(input.reason)
    if (!reason) throw caseFail('reason_required')
    await markRejected(trx, p.id, staffId, at)
    await addCaseEvent(trx, { caseId: c.id, kind: 'rectification_rejected', actor: { type: 'staff', id: staffId }, data: { field: p.field, reason }, at })
    await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'register.rectification_reject', caseId: c.id, target: `candidate:${p.record_id}`, at: now })
    return { field: p.field, applied: false, reason }
  }
  if (!(RECTIFIABLE_FIELDS as readonly string[]).includes(input.field)) throw caseFail('bad_field')
  const field = input.field as RectifiableField
  const value = cleanValue(field, input.value)
  if (value === null) throw caseFail('bad_value')
  const candidate = await findCandidate(trx, p.record_id)
  if (!candidate || candidate.status === 'erased') throw caseFail('erased')
  // Art. 19's list comes from where the data is found: made before a changed address hides it.
  await ensureRecipientChecklist(trx, c, at, config.suppressionKey)
  const stored = candidate[field]
  if (field === 'email') {
    const key = emailKey(value)
    // A requested change of address waits for the new address's own confirmation (issue 14).
    const change = await findAddressChange(trx, c.id)
    if (change && (change.confirmed_at === null || change.to_email_key !== key)) throw caseFail('address_unconfirmed')
    const other = await findCandidateByEmail(trx, key)
    if (other && other.id !== candidate.id) throw caseFail('email_taken')
    await updateCandidate(trx, candidate.id, { email: value, email_normalized: key, email_hash: candidateEmailHash(config.sessionSecret, key), updated_at: at })
  } else {
    await updateCandidate(trx, candidate.id, { [field]: value, updated_at: at })
  }
  await markApplied(trx, p.id, { field, stored, value, staffId, at })
  await addCaseEvent(trx, { caseId: c.id, kind: 'rectification_applied', actor: { type: 'staff', id: staffId }, data: { field }, at })
  await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'register.rectification_apply', caseId: c.id, target: `candidate:${candidate.id}`, data: { field }, at: now })
  return { field, applied: true }
}

/** The case steps a decision takes afterwards (CaseService's, so its rules and events apply). */
export interface CaseSteps {
  get(id: number): Promise<Case>
  sendMessage(actor: StaffRef, caseId: number, input: { text: string; lang: Lang; refusal: boolean }): Promise<unknown>
  changeStatus(actor: StaffRef, caseId: number, to: string): Promise<unknown>
}
type StaffRef = { id: number; role: string }

/**
 * Staff decide a proposal from the case page: the register changes (or not), the requester gets
 * a case message saying what was done (and why not, Art. 12(4)), and an applied one completes the case.
 */
export async function decideRectification(
  deps: { db: Db; config: Config; cases: CaseSteps },
  c: Case,
  form: { proposal?: string; decision?: string; field?: string; value?: string; reason?: string },
  staff: StaffRef,
  now: Date,
): Promise<void> {
  // Issue 15 §5: nothing is done in the registers for a representative whose authority is unchecked.
  if (authorityPending(c)) throw caseFail('unchecked')
  const input = {
    proposalId: /^\d{1,12}$/.test(form.proposal ?? '') ? Number(form.proposal) : -1,
    decision: form.decision === 'reject' ? ('reject' as const) : ('apply' as const),
    field: form.field ?? '',
    value: form.value ?? '',
    reason: (form.reason ?? '').slice(0, 5000),
  }
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const decided = await decideProposal(trx, deps.config, c, input, staff.id, now)
    // The candidate register's task on the case is done by this decision (src/tasks).
    await finishRegisterTask(trx, c.id, 'candidates', decided.applied ? 'completed' : 'waived', decided.applied ? null : (decided.reason ?? null), now)
    return decided
  })
  const lang: Lang = c.lang === 'en' ? 'en' : 'sv'
  const field = t(lang, `registers.fields.${outcome.field}`).toLowerCase()
  const text = t(lang, outcome.applied ? 'registers.rectification.appliedMessage' : 'registers.rectification.rejectedMessage', { field, reason: outcome.reason ?? '' })
  await deps.cases.sendMessage(staff, c.id, { text, lang, refusal: !outcome.applied })
  if (outcome.applied) {
    const current = await deps.cases.get(c.id)
    if (current.status === 'new') await deps.cases.changeStatus(staff, c.id, 'in_progress')
    if (current.status === 'new' || current.status === 'in_progress') await deps.cases.changeStatus(staff, c.id, 'completed')
  }
}
