import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { createDb } from '../../src/db/connection.js'
import { testDatabaseUrl } from '../helpers/db.js'

/** Connected systems: migration 017 adds systems.config (null for the seeded registers) and drops it again (SQLite and, with TEST_DATABASE_URL, PostgreSQL). */
async function migrator(db: Kysely<any>) {
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema
  }
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
}

t.test('migration 017 adds systems.config and comes down again', async (t) => {
  const db = createDb(await testDatabaseUrl(t)) as unknown as Kysely<any>
  t.teardown(() => db.destroy())
  const m = await migrator(db)
  t.notOk((await m.migrateTo('015_data_map')).error)
  t.notOk((await m.migrateTo('017_system_config')).error)
  const rows = await db.selectFrom('systems').select(['key', 'config']).orderBy('key').execute()
  t.same(rows, [{ key: 'candidates', config: null }, { key: 'newsletter', config: null }], 'the registers have no config')
  await db.updateTable('systems').set({ config: '{"to":"x@example.se"}' }).where('key', '=', 'newsletter').execute()
  t.notOk((await m.migrateTo('015_data_map')).error)
  const cols = (await db.introspection.getTables()).find((tb) => tb.name === 'systems')!.columns.map((c) => c.name)
  t.notOk(cols.includes('config'), 'dropped')
  t.notOk((await m.migrateToLatest()).error, 'and up again')
})
