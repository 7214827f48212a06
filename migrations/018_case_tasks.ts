import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely'

// Fulfilment tasks: one row per system a case reaches (src/tasks). The row is also its own dispatch
// entry: `next_attempt_at` set in the transaction that starts the task makes it due for the task
// worker, which leases it (`lease_until`) as the mail outbox leases its rows, so a start is never
// lost across restarts and two instances never run the same task at once.

function withId(db: Kysely<any>, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('case_tasks'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('system_key', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'integer')
    .addColumn('approved_at', 'text')
    // The change plan's summary as shown when approved: the approval is of these words.
    .addColumn('plan_summary', 'text')
    // JSON {rows?, records?, message?}; emptied with the package or the case's minimisation.
    .addColumn('result', 'text')
    // The handler's or owner's note, or a waiver's reason.
    .addColumn('note', 'text')
    // SHA-256 of the one-time token a webhook's callback or an email supplier's link carries.
    .addColumn('callback_token_hash', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Due for the worker (a connector call, an email reminder) at this time; null: nothing to do.
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('reminded_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('case_tasks_case_idx').on('case_tasks').columns(['case_id', 'system_key']).execute()
  await db.schema.createIndex('case_tasks_due_idx').on('case_tasks').column('next_attempt_at').execute()
  await db.schema.createIndex('case_tasks_token_idx').on('case_tasks').column('callback_token_hash').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_tasks').execute()
}
