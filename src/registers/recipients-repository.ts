import type { Executor } from '../db/connection.js'
import type { CaseRecipientNotification } from '../db/schema.js'

export async function hasRecipientRows(db: Executor, caseId: number): Promise<boolean> {
  const rows = await db.selectFrom('case_recipient_notifications').select('id').where('case_id', '=', caseId).limit(1).execute()
  return rows.length > 0
}

/** A pending row unless the recipient already has one (a mark staff made stays). */
export async function addPendingRecipient(db: Executor, caseId: number, recipient: string, at: string): Promise<void> {
  await db
    .insertInto('case_recipient_notifications')
    .values({ case_id: caseId, recipient, status: 'pending', reason: null, staff_id: null, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['case_id', 'recipient']).doNothing())
    .execute()
}

export async function recipientRows(db: Executor, caseId: number): Promise<CaseRecipientNotification[]> {
  return db.selectFrom('case_recipient_notifications').selectAll().where('case_id', '=', caseId).execute()
}

export async function saveRecipientStatus(
  db: Executor,
  row: { caseId: number; recipient: string; status: CaseRecipientNotification['status']; reason: string | null; staffId: number; at: string },
): Promise<void> {
  const { status, reason, staffId, at } = row
  await db
    .insertInto('case_recipient_notifications')
    .values({ case_id: row.caseId, recipient: row.recipient, status, reason, staff_id: staffId, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['case_id', 'recipient']).doUpdateSet({ status, reason, staff_id: staffId, updated_at: at }))
    .execute()
}
