import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { computeCaseDeadline } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { addCaseEvent, insertCase, markCaseCompleted } from '../cases/records.js'

/**
 * What the registers do to a case without staff: the steps show on the timeline as events of kind
 * 'register_<action>' (e.g. register_suppressed), and the case is completed with a normal
 * status_changed event so reports and the queue count it like any other.
 */
export async function recordAction(trx: Executor, caseId: number, action: string, data: Record<string, unknown>, at: string): Promise<void> {
  await addCaseEvent(trx, { caseId, kind: `register_${action}`, actor: { type: 'system' }, data: Object.keys(data).length ? data : null, at })
}

export async function completeCase(trx: Executor, c: Case, at: string): Promise<Case> {
  if (c.status === 'completed') return c
  await markCaseCompleted(trx, c.id, at)
  await addCaseEvent(trx, { caseId: c.id, kind: 'status_changed', actor: { type: 'system' }, data: { from: c.status, to: 'completed' }, at })
  return { ...c, status: 'completed', closed_at: at, updated_at: at }
}

/**
 * A case for a request that arrived and was carried out in the same moment (an unsubscribe link):
 * submitted, verified by holding the link, done, completed, all at `at`.
 */
export async function openCompletedCase(
  trx: Executor,
  input: { type: string; email: string; emailKey: string; name: string | null; relationship: string | null; lang: string; via: string },
  at: Date,
): Promise<Case> {
  const iso = at.toISOString()
  const deadline = computeCaseDeadline({ receivedAt: iso, verifiedAt: iso, pauses: [], extended: false, today: stockholmDate(at), eves: false, immediate: true })
  const created = await insertCase(
    trx,
    {
      type: input.type,
      status: 'new',
      email: input.email,
      email_key: input.emailKey,
      name: input.name,
      relationship: input.relationship,
      consent_kind: null,
      details: null,
      incorrect_value: null,
      correct_value: null,
      lang: input.lang,
      channel: 'web',
      received_at: iso,
      verified_at: iso,
      due_date: deadline.dueDate,
      created_at: iso,
      updated_at: iso,
    },
    Number(stockholmDate(at).slice(0, 4)),
  )
  await addCaseEvent(trx, { caseId: created.id, kind: 'submitted', actor: { type: 'requester' }, data: { channel: 'web', via: input.via }, at: iso })
  return created
}
