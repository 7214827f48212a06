import type { ColumnDefinitionBuilder, Kysely } from 'kysely'

// Frozen. The registers act (restrict, and a suppression list without addresses):
//  - newsletter_subscribers.restricted_at and candidates.restricted_at: set while processing is
//    restricted (Art. 18): the row is only stored — not sent to, not changed by an import, not
//    erased by retention — until staff lift it;
//  - suppression_hashes: the suppression list as keyed hashes (HMAC-SHA256 of the normalised
//    address under SUPPRESSION_KEY), never the address. unsubscribe_token_hash keeps a deleted
//    subscriber's unsubscribe link answering "already unsubscribed".
// A migration cannot read settings, so it cannot hash: the old `suppressions` table keeps its
// rows here, and the application moves them (hashed) into suppression_hashes and deletes them
// when it starts (src/registers/suppression-conversion.ts). The old table stays, empty, for that step.

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('newsletter_subscribers').addColumn('restricted_at', 'varchar(32)').execute()
  await db.schema.alterTable('candidates').addColumn('restricted_at', 'varchar(32)').execute()
  await db.schema
    .createTable('suppression_hashes')
    .addColumn('email_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('reason', 'varchar(32)', notNull) // one_click | unsubscribe_page | request | objection | withdraw_consent | staff | erasure | restricted
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('unsubscribe_token_hash', 'varchar(64)')
    .execute()
  await db.schema.createIndex('suppression_hashes_created_idx').on('suppression_hashes').columns(['created_at', 'email_hash']).execute()
  await db.schema.createIndex('suppression_hashes_token_idx').on('suppression_hashes').column('unsubscribe_token_hash').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('suppression_hashes').execute()
  await db.schema.alterTable('candidates').dropColumn('restricted_at').execute()
  await db.schema.alterTable('newsletter_subscribers').dropColumn('restricted_at').execute()
}
