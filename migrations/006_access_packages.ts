import { PostgresAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'

// Issue 6: the copy of a requester's data (Art. 15 access, Art. 20 portability), the files staff
// add from other systems, and the one-time download codes (stored only as keyed hashes).

function withId(db: Kysely<any>, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('access_packages'))
    .addColumn('case_id', 'integer', (c) => c.notNull().unique().references('cases.id').onDelete('cascade'))
    .addColumn('status', 'varchar(16)', notNull) // compiled | reviewed | sent | deleted
    .addColumn('lang', 'varchar(8)', notNull)
    // The compiled document (JSON), sealed at rest; null once deleted.
    .addColumn('data', 'text')
    .addColumn('record_count', 'integer', notNull)
    .addColumn('compiled_at', 'varchar(32)', notNull)
    .addColumn('compiled_by', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('cover_letter', 'text')
    .addColumn('reviewed_at', 'varchar(32)')
    .addColumn('reviewed_by', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('sent_at', 'varchar(32)')
    .addColumn('sent_by', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('delete_after', 'varchar(32)')
    .addColumn('deleted_at', 'varchar(32)')
    .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('access_packages_delete_idx').on('access_packages').columns(['status', 'delete_after']).execute()

  await withId(db, db.schema.createTable('access_package_files'))
    .addColumn('package_id', 'integer', (c) => c.notNull().references('access_packages.id').onDelete('cascade'))
    // Random, chosen by the server; relative to DATA_DIR (packages/...), never a served folder.
    .addColumn('stored_name', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('original_name', 'varchar(255)', notNull)
    .addColumn('extension', 'varchar(16)', notNull)
    .addColumn('content_type', 'varchar(100)', notNull)
    .addColumn('size', 'integer', notNull)
    .addColumn('sha256', 'varchar(64)', notNull)
    .addColumn('uploaded_by', 'integer', (c) => c.references('staff.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('access_package_files_package_idx').on('access_package_files').column('package_id').execute()

  await withId(db, db.schema.createTable('access_package_codes'))
    .addColumn('package_id', 'integer', (c) => c.notNull().references('access_packages.id').onDelete('cascade'))
    // HMAC-SHA-256 under SESSION_SECRET: six digits cannot be tried offline from a database copy.
    .addColumn('code_hash', 'varchar(64)', notNull)
    .addColumn('expires_at', 'varchar(32)', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', notNull)
    .execute()
  await db.schema.createIndex('access_package_codes_package_idx').on('access_package_codes').columns(['package_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['access_package_codes', 'access_package_files', 'access_packages']) {
    await db.schema.dropTable(table).execute()
  }
}
