import type { Executor } from '../db/connection.js'

/** The queries of an answered question's minimisation on the case's own tables (src/cases/minimise.ts). */

/** Event data keys that may hold personal free text (notes, reasons, forwarded bodies). */
const FREE_TEXT_KEYS = ['text', 'reason', 'body']

/** The case's address as it stands before it is cleared (its confirmation emails are found by it). */
export async function caseAddress(trx: Executor, caseId: number) {
  return trx.selectFrom('cases').select(['email', 'email_key']).where('id', '=', caseId).executeTakeFirstOrThrow()
}

/** Contact details, the question and every message go; event particulars lose their free text. */
export async function reduceAnsweredCase(trx: Executor, caseId: number, at: string): Promise<void> {
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
}

/** The minimised cases' ids, as a subquery (not run here): the outbox's purge deletes their sent emails in one statement. */
export function minimisedCaseIds(db: Executor) {
  return db.selectFrom('cases').select('id').where('minimised_at', 'is not', null)
}
