import type { Executor } from '../db/connection.js'
import { addCaseEvent } from './repository.js'

/** Event data keys that may hold personal free text (notes, reasons, forwarded bodies). */
const FREE_TEXT_KEYS = ['text', 'reason', 'body']

/**
 * Reduces an answered question to its reference, dates and outcome (the privacy policy: the
 * question is deleted as soon as it has been answered). Contact details, the question, every
 * message and note, the submission and the sent emails go; the answer still waiting in the
 * outbox is kept only until it is sent (purgeMinimisedMail removes it then).
 */
export async function minimiseCase(trx: Executor, caseId: number, at: string): Promise<void> {
  const c = await trx.selectFrom('cases').select(['email', 'email_key']).where('id', '=', caseId).executeTakeFirstOrThrow()
  await trx
    .updateTable('cases')
    .set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, controller_name: null, controller_email: null, refusal_reason: null, partial_refusal_reason: null, subject_name: null, subject_email: null, minimised_at: at, updated_at: at })
    .where('id', '=', caseId)
    .execute()
  await trx.deleteFrom('case_messages').where('case_id', '=', caseId).execute()
  const events = await trx.selectFrom('case_events').select(['id', 'data']).where('case_id', '=', caseId).execute()
  for (const e of events) {
    if (!e.data) continue
    const data = JSON.parse(e.data) as Record<string, unknown>
    if (!FREE_TEXT_KEYS.some((k) => k in data)) continue
    for (const k of FREE_TEXT_KEYS) delete data[k]
    await trx.updateTable('case_events').set({ data: JSON.stringify(data) }).where('id', '=', e.id).execute()
  }
  await trx.deleteFrom('submissions').where('case_id', '=', caseId).execute()
  await trx.deleteFrom('outbox').where('case_id', '=', caseId).where('status', 'in', ['sent', 'failed']).execute()
  if (c.email) {
    await trx.deleteFrom('outbox').where('kind', '=', 'verify').where('to_address', 'in', [c.email, c.email_key]).where('status', 'in', ['sent', 'failed']).execute()
  }
  await addCaseEvent(trx, { caseId, kind: 'minimised', actor: { type: 'system' }, at })
}

/** Sent emails of minimised cases (the answer, once delivered) are deleted too. */
export async function purgeMinimisedMail(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('status', 'in', ['sent', 'failed'])
    .where('case_id', 'in', db.selectFrom('cases').select('id').where('minimised_at', 'is not', null))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
