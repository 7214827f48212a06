import { PostgresAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'

// Frozen: staff accounts, sessions, API tokens, the audit chain, case messages, pauses and job runs.

function withId(db: Kysely<any>, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()
const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0)

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('staff'))
    .addColumn('email', 'text', notNull)
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', notNull)
    .addColumn('role', 'text', notNull)
    .addColumn('password_hash', 'text', notNull)
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled', 'integer', flag)
    .addColumn('totp_last_step', 'integer')
    .addColumn('disabled', 'integer', flag)
    .addColumn('lang', 'text', (c) => c.notNull().defaultTo('sv'))
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('last_login_at', 'text')
    .execute()

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('mfa_passed', 'integer', flag)
    .addColumn('created_at', 'text', notNull)
    .addColumn('last_seen_at', 'text', notNull)
    .addColumn('expires_at', 'text', notNull)
    .execute()
  await db.schema.createIndex('staff_sessions_staff_idx').on('staff_sessions').column('staff_id').execute()

  await withId(db, db.schema.createTable('api_tokens'))
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('created_at', 'text', notNull)
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()

  await withId(db, db.schema.createTable('setup_tokens'))
    .addColumn('purpose', 'text', notNull)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', notNull)
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', notNull)
    .execute()

  // Append-only: each row carries the hash of the one before, so an edit anywhere breaks the chain.
  await withId(db, db.schema.createTable('audit_log'))
    .addColumn('at', 'text', notNull)
    .addColumn('actor_type', 'text', notNull)
    .addColumn('actor_id', 'integer')
    .addColumn('action', 'text', notNull)
    .addColumn('case_id', 'integer')
    .addColumn('target', 'text')
    .addColumn('data', 'text')
    .addColumn('prev_hash', 'text', notNull)
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute()
  await db.schema.createIndex('audit_log_case_idx').on('audit_log').columns(['case_id', 'id']).execute()

  await withId(db, db.schema.createTable('case_messages'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('direction', 'text', notNull)
    .addColumn('body', 'text', notNull)
    .addColumn('staff_id', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('template', 'text')
    .addColumn('lang', 'text')
    .addColumn('created_at', 'text', notNull)
    .execute()
  await db.schema.createIndex('case_messages_case_idx').on('case_messages').columns(['case_id', 'id']).execute()

  // Each email to a requester carries its own status link; all stay valid, all are stored hashed.
  await withId(db, db.schema.createTable('case_access_tokens'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', notNull)
    .execute()

  await withId(db, db.schema.createTable('case_pauses'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('reason', 'text', notNull)
    .addColumn('started_at', 'text', notNull)
    .addColumn('ended_at', 'text')
    .execute()
  await db.schema.createIndex('case_pauses_case_idx').on('case_pauses').column('case_id').execute()

  await withId(db, db.schema.createTable('message_templates'))
    .addColumn('key', 'text', notNull)
    .addColumn('lang', 'text', notNull)
    .addColumn('title', 'text', notNull)
    .addColumn('subject', 'text', notNull)
    .addColumn('body', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .addColumn('updated_by', 'integer')
    .addUniqueConstraint('message_templates_key_lang', ['key', 'lang'])
    .execute()

  // One row per job and period: whichever process inserts it first runs the job, nobody runs it twice.
  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', notNull)
    .addColumn('period', 'text', notNull)
    .addColumn('started_at', 'text', notNull)
    .addColumn('finished_at', 'text')
    .addColumn('result', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period'])
    .execute()

  await db.schema.createIndex('cases_assignee_idx').on('cases').columns(['assignee_id', 'due_date', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_assignee_idx').execute()
  for (const table of ['job_runs', 'message_templates', 'case_pauses', 'case_access_tokens', 'case_messages', 'audit_log', 'setup_tokens', 'api_tokens', 'staff_sessions', 'staff']) {
    await db.schema.dropTable(table).execute()
  }
}
