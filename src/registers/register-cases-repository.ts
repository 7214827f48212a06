import type { Executor } from '../db/connection.js'

/** Retention's part on the registers' own tables: the reasons and values that may name someone go. */
export async function clearRegisterParticulars(trx: Executor, caseId: number): Promise<void> {
  await trx.updateTable('case_recipient_notifications').set({ reason: null }).where('case_id', '=', caseId).execute()
  await trx.updateTable('rectification_proposals').set({ stored_value: null, proposed_value: null }).where('case_id', '=', caseId).execute()
}
