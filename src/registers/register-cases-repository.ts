import type { Executor } from '../db/connection.js'

/** What the registers write to cases themselves: completing one without staff, and retention's minimisation. */
export async function markCaseCompleted(db: Executor, caseId: number, at: string): Promise<void> {
  await db.updateTable('cases').set({ status: 'completed', closed_at: at, updated_at: at }).where('id', '=', caseId).execute()
}

/** Closed before the cut-off and not yet minimised, oldest id first. */
export async function casesToMinimise(db: Executor, cutoff: string): Promise<number[]> {
  const rows = await db
    .selectFrom('cases')
    .leftJoin('case_minimisations', 'case_minimisations.case_id', 'cases.id')
    .select('cases.id')
    .where('cases.closed_at', 'is not', null)
    .where('cases.closed_at', '<', cutoff)
    .where('case_minimisations.case_id', 'is', null)
    .orderBy('cases.id')
    .execute()
  return rows.map((r) => r.id)
}

export async function isMinimised(db: Executor, caseId: number): Promise<boolean> {
  return (await db.selectFrom('case_minimisations').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined
}

/**
 * Reduces a closed case to its minimal record: reference, type, relationship, dates, outcome
 * (status) and who handled it (assignee, the actors of its timeline events) stay; the address,
 * name, free text, messages, status links, event particulars and queued email go.
 */
export async function minimiseCase(trx: Executor, caseId: number, at: string): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, extension_reason: null, subject_name: null, subject_email: null, updated_at: at })
    .where('id', '=', caseId)
    .execute()
  await trx.deleteFrom('case_messages').where('case_id', '=', caseId).execute()
  await trx.deleteFrom('case_access_tokens').where('case_id', '=', caseId).execute()
  await trx.deleteFrom('outbox').where('case_id', '=', caseId).execute()
  await trx.updateTable('case_events').set({ data: null }).where('case_id', '=', caseId).where('kind', 'in', ['note', 'status_changed', 'extended', 'recipient_checked']).execute()
  await trx.updateTable('case_recipient_notifications').set({ reason: null }).where('case_id', '=', caseId).execute()
  await trx.updateTable('rectification_proposals').set({ stored_value: null, proposed_value: null }).where('case_id', '=', caseId).execute()
  await trx.updateTable('submissions').set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, subject_name: null, subject_email: null }).where('case_id', '=', caseId).execute()
  await trx.insertInto('case_minimisations').values({ case_id: caseId, minimised_at: at }).execute()
}
