import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { authorityPending } from '../cases/authority.js'
import { addCaseEvent } from '../cases/records.js'
import type { Lang } from '../i18n/index.js'
import type { Relationship } from '../intake/request-types.js'
import { caseFail } from './errors.js'
import { addPendingRecipient, hasRecipientRows, recipientRows, saveRecipientStatus } from './recipients-repository.js'
import { localise, purposes, purposesFor, recipientsFor, type Recipient } from './processing-register.js'

/** Art. 19: after these, every recipient that may hold the data is told, or the case says why not. */
export const CHECKLIST_TYPES = ['erasure', 'rectification', 'restriction'] as const

export const RECIPIENT_STATUSES = ['pending', 'notified', 'not_notified'] as const
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number]

/** The recipient categories the processing register ties to the requester's relationship (all when unknown). */
export function recipientsForCase(c: Pick<Case, 'relationship'>): Recipient[] {
  const ps = c.relationship ? purposesFor(c.relationship as Relationship) : purposes
  return recipientsFor(ps.map((p) => p.id))
}

export async function needsChecklist(db: Executor, c: Case): Promise<boolean> {
  if ((CHECKLIST_TYPES as readonly string[]).includes(c.type)) return true
  return hasRecipientRows(db, c.id)
}

/** Adds the pending rows for a case whose erasure was carried out by the registers themselves. */
export async function ensureRecipientChecklist(trx: Executor, c: Pick<Case, 'id' | 'relationship'>, at: string): Promise<void> {
  for (const r of recipientsForCase(c)) await addPendingRecipient(trx, c.id, r.id, at)
}

export interface ChecklistItem {
  id: string
  name: string
  description: string
  status: RecipientStatus
  reason: string | null
  updatedAt: string | null
}

export async function checklistFor(db: Executor, c: Case, lang: Lang): Promise<ChecklistItem[]> {
  const rows = await recipientRows(db, c.id)
  const byId = new Map(rows.map((r) => [r.recipient, r]))
  return recipientsForCase(c).map((r) => {
    const row = byId.get(r.id)
    return { id: r.id, name: localise(r.name, lang), description: localise(r.description, lang), status: row?.status ?? 'pending', reason: row?.reason ?? null, updatedAt: row?.status === 'pending' ? null : (row?.updated_at ?? null) }
  })
}

/** Staff mark one recipient notified, or not notified with the reason (e.g. never received the data). */
export async function setRecipientStatus(trx: Executor, c: Case, input: { recipient: string; status: string; reason: string | null }, staffId: number, now: Date): Promise<void> {
  if (!recipientsForCase(c).some((r) => r.id === input.recipient)) throw caseFail('unknown_recipient')
  if (!(RECIPIENT_STATUSES as readonly string[]).includes(input.status)) throw caseFail('bad_status')
  const reason = input.reason?.trim() || null
  if (input.status === 'not_notified' && !reason) throw caseFail('recipient_reason_required')
  const at = now.toISOString()
  const status = input.status as RecipientStatus
  await saveRecipientStatus(trx, { caseId: c.id, recipient: input.recipient, status, reason, staffId, at })
  await addCaseEvent(trx, { caseId: c.id, kind: 'recipient_checked', actor: { type: 'staff', id: staffId }, data: { recipient: input.recipient, status, ...(reason ? { reason } : {}) }, at })
  await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'case.recipient', caseId: c.id, target: input.recipient, data: { status }, at: now })
}

/** The staff form: one recipient marked, in its own transaction. */
export async function markRecipient(db: Db, c: Case, form: { recipient?: string; status?: string; reason?: string }, staffId: number, now: Date): Promise<void> {
  // Issue 15 §5: nothing is done in the registers for a representative whose authority is unchecked.
  if (authorityPending(c)) throw caseFail('unchecked')
  const input = { recipient: form.recipient ?? '', status: form.status ?? '', reason: (form.reason ?? '').slice(0, 1000) }
  await db.transaction().execute((trx) => setRecipientStatus(trx, c, input, staffId, now))
}
