import type { Kysely } from 'kysely'

// Issue 15 §5: requests made for someone else (a guardian, a power of attorney, another
// representative). The submission carries what the form said until it is confirmed; the case keeps
// it, with the proof file (a path under DATA_DIR/proofs, never served) and when staff checked the
// representative's authority. Nullable columns: every existing row is a request about oneself.

const SHARED = ['on_behalf_kind', 'subject_name', 'subject_email', 'proof_file', 'proof_name', 'proof_type'] as const

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['submissions', 'cases']) {
    for (const column of SHARED) await db.schema.alterTable(table).addColumn(column, 'text').execute()
  }
  await db.schema.alterTable('cases').addColumn('authority_checked_at', 'text').execute()
  await db.schema.alterTable('cases').addColumn('authority_checked_by', 'integer').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('authority_checked_by').execute()
  await db.schema.alterTable('cases').dropColumn('authority_checked_at').execute()
  for (const table of ['cases', 'submissions']) {
    for (const column of [...SHARED].reverse()) await db.schema.alterTable(table).dropColumn(column).execute()
  }
}
