import { PostgresAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'

// Issue 14: a rectification that changes the requester's email address waits for the new address
// to be confirmed by its own link before any register row may take it.

function withId(db: Kysely<any>, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('address_changes'))
    .addColumn('case_id', 'integer', (c) => c.notNull().unique().references('cases.id').onDelete('cascade'))
    .addColumn('from_email', 'text', notNull)
    .addColumn('to_email', 'text', notNull)
    .addColumn('to_email_key', 'text', notNull)
    // Only the hash of the link's token (like verification_tokens).
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', notNull)
    .addColumn('confirmed_at', 'text')
    // The new address's owner said "this wasn't me".
    .addColumn('declined_at', 'text')
    .addColumn('created_at', 'text', notNull)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('address_changes').execute()
}
