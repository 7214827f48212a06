import type { Executor } from '../db/connection.js'
import type { Insertable } from 'kysely'
import type { RectificationProposal, RectificationProposalTable } from '../db/schema.js'

export async function insertProposal(db: Executor, values: Insertable<RectificationProposalTable>): Promise<void> {
  await db.insertInto('rectification_proposals').values(values).execute()
}

export async function proposalsFor(db: Executor, caseId: number): Promise<RectificationProposal[]> {
  return db.selectFrom('rectification_proposals').selectAll().where('case_id', '=', caseId).orderBy('id').execute()
}

/** A proposal of this case only: an id from another case's form is not found. */
export async function findProposal(db: Executor, caseId: number, id: number): Promise<RectificationProposal | undefined> {
  return db.selectFrom('rectification_proposals').selectAll().where('id', '=', id).where('case_id', '=', caseId).executeTakeFirst()
}

export async function markRejected(db: Executor, id: number, staffId: number, at: string): Promise<void> {
  await db.updateTable('rectification_proposals').set({ status: 'rejected', decided_by: staffId, decided_at: at }).where('id', '=', id).execute()
}

/** The proposal as applied: the field and both values as they were at the moment of the change. */
export async function markApplied(db: Executor, id: number, values: { field: RectificationProposal['field']; stored: string | null; value: string; staffId: number; at: string }): Promise<void> {
  await db
    .updateTable('rectification_proposals')
    .set({ status: 'applied', field: values.field, stored_value: values.stored, proposed_value: values.value, decided_by: values.staffId, decided_at: values.at })
    .where('id', '=', id)
    .execute()
}
