import { appendAudit } from '../audit/log.js'
import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { addCaseEvent } from '../cases/repository.js'
import type { Lang } from '../i18n/index.js'
import type { Relationship } from '../intake/request-types.js'
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
  const rows = await db.selectFrom('case_recipient_notifications').select('id').where('case_id', '=', c.id).limit(1).execute()
  return rows.length > 0
}

/** Adds the pending rows for a case whose erasure was carried out by the registers themselves. */
export async function ensureRecipientChecklist(trx: Executor, c: Pick<Case, 'id' | 'relationship'>, at: string): Promise<void> {
  for (const r of recipientsForCase(c)) {
    await trx
      .insertInto('case_recipient_notifications')
      .values({ case_id: c.id, recipient: r.id, status: 'pending', reason: null, staff_id: null, created_at: at, updated_at: at })
      .onConflict((oc) => oc.columns(['case_id', 'recipient']).doNothing())
      .execute()
  }
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
  const rows = await db.selectFrom('case_recipient_notifications').selectAll().where('case_id', '=', c.id).execute()
  const byId = new Map(rows.map((r) => [r.recipient, r]))
  return recipientsForCase(c).map((r) => {
    const row = byId.get(r.id)
    return { id: r.id, name: localise(r.name, lang), description: localise(r.description, lang), status: row?.status ?? 'pending', reason: row?.reason ?? null, updatedAt: row?.status === 'pending' ? null : (row?.updated_at ?? null) }
  })
}

export class ChecklistError extends Error {
  constructor(readonly code: 'unknown_recipient' | 'bad_status' | 'reason_required') {
    super(code)
  }
}

/** Staff mark one recipient notified, or not notified with the reason (e.g. never received the data). */
export async function setRecipientStatus(trx: Executor, c: Case, input: { recipient: string; status: string; reason: string | null }, staffId: number, now: Date): Promise<void> {
  if (!recipientsForCase(c).some((r) => r.id === input.recipient)) throw new ChecklistError('unknown_recipient')
  if (!(RECIPIENT_STATUSES as readonly string[]).includes(input.status)) throw new ChecklistError('bad_status')
  const reason = input.reason?.trim() || null
  if (input.status === 'not_notified' && !reason) throw new ChecklistError('reason_required')
  const at = now.toISOString()
  const status = input.status as RecipientStatus
  await trx
    .insertInto('case_recipient_notifications')
    .values({ case_id: c.id, recipient: input.recipient, status, reason, staff_id: staffId, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['case_id', 'recipient']).doUpdateSet({ status, reason, staff_id: staffId, updated_at: at }))
    .execute()
  await addCaseEvent(trx, { caseId: c.id, kind: 'recipient_checked', actor: { type: 'staff', id: staffId }, data: { recipient: input.recipient, status, ...(reason ? { reason } : {}) }, at })
  await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'case.recipient', caseId: c.id, target: input.recipient, data: { status }, at: now })
}
