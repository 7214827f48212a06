import type { Kysely } from 'kysely'

// Issue 15: the clock stops only for a reason the law allows (EDPB Guidelines 01/2022 §159:
// identity doubt under Art. 12(6), or asking an access requester to specify, recital 63) and
// together with the message that asked. Pauses from before, opened by any move to
// awaiting_requester, keep counting (they happened) but their reason is not known.

export async function up(db: Kysely<any>): Promise<void> {
  // The message that asked the requester; null for pauses from before this migration.
  await db.schema.alterTable('case_pauses').addColumn('message_id', 'integer').execute()
  await db.updateTable('case_pauses').set({ reason: 'unspecified' }).where('reason', '=', 'awaiting_requester').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.updateTable('case_pauses').set({ reason: 'awaiting_requester' }).where('reason', '=', 'unspecified').execute()
  await db.schema.alterTable('case_pauses').dropColumn('message_id').execute()
}
