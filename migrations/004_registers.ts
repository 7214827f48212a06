import { PostgresAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'

// Frozen: the newsletter and recruitment registers (issue 5), the suppression list, the Art. 19
// recipient checklist, proposed rectifications, and what closed-case minimisation needs.

function withId(db: Kysely<any>, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('newsletter_subscribers'))
    .addColumn('email', 'varchar(320)', notNull)
    .addColumn('email_normalized', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(400)')
    .addColumn('phone', 'varchar(64)')
    .addColumn('source', 'varchar(200)')
    .addColumn('subscribed_at', 'varchar(32)', notNull)
    .addColumn('status', 'varchar(16)', notNull)
    .addColumn('unsubscribed_at', 'varchar(32)')
    // SHA-256 of the unsubscribe token; the token itself is derived (HMAC), never stored.
    .addColumn('unsubscribe_token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute()

  await withId(db, db.schema.createTable('candidates'))
    // email/name/phone go when the record is erased; email_hash (keyed) stays to prove the withdrawal.
    .addColumn('email', 'varchar(320)')
    .addColumn('email_normalized', 'varchar(320)', (c) => c.unique())
    .addColumn('email_hash', 'varchar(64)', notNull)
    .addColumn('name', 'varchar(400)')
    .addColumn('phone', 'varchar(64)')
    .addColumn('cv_path', 'varchar(500)')
    .addColumn('cv_filename', 'varchar(255)')
    .addColumn('cv_content_type', 'varchar(100)')
    .addColumn('cv_size', 'integer')
    .addColumn('consent_given_at', 'varchar(32)', notNull)
    .addColumn('consent_expires_at', 'varchar(32)', notNull)
    .addColumn('status', 'varchar(16)', notNull)
    .addColumn('withdrawn_at', 'varchar(32)')
    .addColumn('erased_at', 'varchar(32)')
    .addColumn('erasure_reason', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('candidates_status_expires_idx').on('candidates').columns(['status', 'consent_expires_at']).execute()
  await db.schema.createIndex('candidates_email_hash_idx').on('candidates').column('email_hash').execute()

  await db.schema
    .createTable('suppressions')
    .addColumn('email_normalized', 'varchar(320)', (c) => c.primaryKey())
    .addColumn('reason', 'varchar(32)', notNull) // one_click | unsubscribe_page | request | objection | withdraw_consent | staff
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('suppressions_created_idx').on('suppressions').columns(['created_at', 'email_normalized']).execute()

  // Art. 19: one row per case and recipient category from the processing register.
  await withId(db, db.schema.createTable('case_recipient_notifications'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('recipient', 'varchar(64)', notNull)
    .addColumn('status', 'varchar(16)', notNull) // pending | notified | not_notified
    .addColumn('reason', 'text')
    .addColumn('staff_id', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .addUniqueConstraint('case_recipient_notifications_case_recipient', ['case_id', 'recipient'])
    .execute()

  await withId(db, db.schema.createTable('rectification_proposals'))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('register', 'varchar(16)', notNull) // candidates | newsletter_subscribers
    .addColumn('record_id', 'integer', notNull)
    .addColumn('field', 'varchar(16)', notNull) // email | name | phone
    .addColumn('stored_value', 'text')
    .addColumn('proposed_value', 'text')
    .addColumn('status', 'varchar(16)', notNull) // pending | applied | rejected
    .addColumn('decided_by', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('rectification_proposals_case_idx').on('rectification_proposals').column('case_id').execute()

  // Closed cases older than the retention period keep only a minimal record; a row here says it
  // was done (kept apart from cases so the case type and its users stay as they are).
  await db.schema
    .createTable('case_minimisations')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
    .addColumn('minimised_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('cases_closed_idx').on('cases').columns(['closed_at', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_closed_idx').execute()
  for (const table of ['case_minimisations', 'rectification_proposals', 'case_recipient_notifications', 'suppressions', 'candidates', 'newsletter_subscribers']) {
    await db.schema.dropTable(table).execute()
  }
}
