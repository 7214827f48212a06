import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely'
import Database from 'better-sqlite3'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { createDb } from '../../src/db/connection.js'
import { hashPlainSuppressions } from '../../src/registers/suppression-conversion.js'
import { suppressionHash } from '../../src/registers/suppression-hash.js'
import { onPostgres, skipOnPostgres, testDatabaseUrl } from '../helpers/db.js'

/** The hashed suppression list (runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL). */
async function migrator(db: Kysely<any>) {
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema
  }
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
}

const KEY = 'k'.repeat(40)
const ADDRESS = 'legacy-address@example.se'

t.test('migration 016 adds the restriction columns and the hashed list; the start-up step hashes and scrubs the plain rows', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-m016-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'portal.db')
  const db = createDb(await testDatabaseUrl(t, file)) as unknown as Kysely<any>
  t.teardown(() => db.destroy())
  const m = await migrator(db)
  t.notOk((await m.migrateTo('015_data_map')).error)
  await db.insertInto('suppressions').values([
    { email_normalized: ADDRESS, reason: 'one_click', case_id: null, created_at: '2026-10-01T00:00:00.000Z' },
    { email_normalized: 'second@example.se', reason: 'objection', case_id: null, created_at: '2026-10-02T00:00:00.000Z' },
  ]).execute()
  const up = await m.migrateToLatest()
  t.notOk(up.error)
  t.ok(up.results?.some((r) => r.migrationName === '016_registers_act' && r.status === 'Success'))

  t.equal(await hashPlainSuppressions(db as never, KEY, 1), 2, 'both rows converted, a batch at a time')
  t.equal((await db.selectFrom('suppressions').selectAll().execute()).length, 0, 'no plain address left')
  const rows = await db.selectFrom('suppression_hashes').selectAll().orderBy('created_at').execute()
  t.match(rows, [
    { email_hash: suppressionHash(KEY, ADDRESS), reason: 'one_click', created_at: '2026-10-01T00:00:00.000Z', unsubscribe_token_hash: null },
    { email_hash: suppressionHash(KEY, 'second@example.se'), reason: 'objection' },
  ])
  t.notMatch(JSON.stringify(rows), /example\.se/)
  t.equal(await hashPlainSuppressions(db as never, KEY), 0, 'nothing to do on the next start')
  if (!onPostgres) {
    // SQLite keeps deleted bytes in free pages: the step rewrites the file so the address is gone from it.
    const bytes = Buffer.concat([readFileSync(file), existsSync(file + '-wal') ? readFileSync(file + '-wal') : Buffer.alloc(0)])
    t.equal(bytes.indexOf(ADDRESS), -1, 'the address is nowhere in the database file')
  }

  await db.insertInto('newsletter_subscribers').values({ email: 'a@example.se', email_normalized: 'a@example.se', subscribed_at: 'x', status: 'subscribed', unsubscribe_token_hash: 'h', created_at: 'x', updated_at: 'x', restricted_at: '2026-11-01T00:00:00.000Z' }).execute()
  const names = Object.keys(migrations).sort()
  t.notOk((await m.migrateTo(names[names.indexOf('016_registers_act') - 1])).error, 'down')
  await t.rejects(db.selectFrom('suppression_hashes').selectAll().execute(), 'the table is gone')
  t.notOk((await m.migrateToLatest()).error, 'and up again')
  t.same(await db.selectFrom('newsletter_subscribers').select('restricted_at').execute(), [{ restricted_at: null }])
})

t.test('the scrub waits out a connection that keeps the WAL busy, instead of leaving the old pages in it', skipOnPostgres('the WAL and its checkpoints'), async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-m016-busy-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'portal.db')
  const db = createDb(file) as unknown as Kysely<any>
  t.teardown(() => db.destroy())
  const m = await migrator(db)
  t.notOk((await m.migrateTo('015_data_map')).error)
  await db.insertInto('suppressions').values({ email_normalized: ADDRESS, reason: 'one_click', case_id: null, created_at: '2026-10-01T00:00:00.000Z' }).execute()
  t.notOk((await m.migrateToLatest()).error)
  // Another connection reading an old snapshot: a truncating checkpoint cannot finish while it
  // reads, and gives up after the busy timeout (shortened here from the app's 5 s) saying "busy".
  await sql`pragma busy_timeout = 100`.execute(db)
  const reader = new Database(file)
  t.teardown(() => reader.close())
  reader.exec('begin')
  reader.prepare('select count(*) from suppressions').get()
  setTimeout(() => reader.exec('commit'), 600)
  t.equal(await hashPlainSuppressions(db as never, KEY), 1)
  // Before the fix, the step returned after one busy answer with the WAL still holding the address.
  t.equal(statSync(file + '-wal', { throwIfNoEntry: false })?.size ?? 0, 0, 'the WAL is empty: every page was checkpointed')
  t.equal(readFileSync(file).indexOf(ADDRESS), -1, 'the address is nowhere in the database file')
})
