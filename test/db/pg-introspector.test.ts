/**
 * The PostgreSQL introspector sees the connection's own schema only (src/db/pg-introspector.ts).
 * Kysely's own one read every schema and looked each up again by name, so a schema dropped by
 * another user of the database at the wrong moment failed a migration with
 * `schema "…" does not exist` (seen when test files running in parallel dropped theirs).
 */
import { sql } from 'kysely'
import t from 'tap'
import { migrateToLatest } from '../../src/db/migrate.js'
import { onPostgres, testDb } from '../helpers/db.js'

const needsPg = { skip: onPostgres ? false : 'needs PostgreSQL: set TEST_DATABASE_URL=postgres://… (docs/postgresql.md)' }

t.test('tables are those of the current schema only, each once', needsPg, async (t) => {
  const mine = await testDb(t, 'mine')
  await testDb(t, 'theirs') // a second migrated schema in the same database
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(mine)).rows[0].s
  const tables = await mine.introspection.getTables()
  t.ok(tables.length > 10, `${tables.length} tables`)
  t.same([...new Set(tables.map((x) => x.schema))], [schema], 'all in the current schema')
  t.equal(new Set(tables.map((x) => x.name)).size, tables.length, 'no table twice')
  t.notOk(tables.some((x) => x.name.startsWith('kysely_')), "Kysely's own tables left out by default")
  const internal = await mine.introspection.getTables({ withInternalKyselyTables: true })
  t.ok(internal.some((x) => x.name === 'kysely_migration'), '… and there when asked for')
  const outbox = tables.find((x) => x.name === 'outbox')!
  t.ok(outbox.columns.find((c) => c.name === 'id')?.isAutoIncrementing, 'serial id seen as auto-incrementing')
  t.equal(outbox.columns.find((c) => c.name === 'to_address')?.isNullable, false, 'not null seen')
})

t.test('a schema dropped by someone else while introspecting does not fail it', needsPg, async (t) => {
  const mine = await testDb(t, 'mine')
  const other = await testDb(t, 'other')
  const otherSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(other)).rows[0].s
  // A repeatable-read snapshot still shows the other schema's catalog rows after it is dropped;
  // anything that then looks it up by name fails. Kysely's introspector did, every time.
  await mine
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`select 1`.execute(trx)
      await sql`drop schema ${sql.id(otherSchema)} cascade`.execute(other)
      const tables = await trx.introspection.getTables({ withInternalKyselyTables: true })
      t.ok(tables.some((x) => x.name === 'kysely_migration'), 'introspected')
    })
  t.equal((await migrateToLatest(mine)).results?.length, 0, 'and migrating again finds everything in place')
})
