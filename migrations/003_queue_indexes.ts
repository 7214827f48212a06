import type { Kysely } from 'kysely'

// Frozen: indexes for the staff case queue (src/cases/queue-repository.ts). Checked with
// EXPLAIN QUERY PLAN on 100,000 seeded cases (bench/queue.ts):
//  - cases_status_received_idx: a status tab sorted by received date (newest first) reads the
//    page straight from the index instead of sorting every case of that status;
//  - cases_assignee_status_due_idx: "my cases" / "unassigned" per status in due order, without
//    walking the assignee's (mostly closed) history in cases_assignee_idx;
//  - cases_name_idx: a name search has to scan (substring, any case), and scanning this narrow
//    covering index is several times faster than scanning the table.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_status_received_idx').on('cases').columns(['status', 'received_at', 'id']).execute()
  await db.schema.createIndex('cases_assignee_status_due_idx').on('cases').columns(['assignee_id', 'status', 'due_date', 'id']).execute()
  await db.schema.createIndex('cases_name_idx').on('cases').column('name').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_name_idx').execute()
  await db.schema.dropIndex('cases_assignee_status_due_idx').execute()
  await db.schema.dropIndex('cases_status_received_idx').execute()
}
