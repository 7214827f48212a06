import { Migrator, PostgresAdapter, sql, type Kysely, type MigrationResultSet } from 'kysely'
import { migrations } from '../../migrations/index.js'

/**
 * On PostgreSQL the migration tables are pinned to the connection's current schema: Kysely
 * otherwise looks for them in every schema of the database, and a second portal (or a test run)
 * in another schema of the same database would make it think they already exist here. The
 * introspector it asks sees that schema alone too (pg-introspector.ts), so a schema dropped
 * elsewhere meanwhile cannot fail the migration.
 * Several instances starting at once are safe: Kysely takes an advisory lock while migrating.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const row = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)
    migrationTableSchema = row.rows[0]?.schema ?? undefined
    if (!migrationTableSchema) throw new Error('PostgreSQL has no current schema: check search_path (the schema must exist)')
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
  const result = await migrator.migrateToLatest()
  if (result.error) throw result.error
  return result
}
