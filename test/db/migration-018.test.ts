import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { createDb } from '../../src/db/connection.js'
import { testDatabaseUrl } from '../helpers/db.js'

/** Fulfilment tasks' table: up, a row in and out with the same types on both drivers, and down again (SQLite; PostgreSQL with TEST_DATABASE_URL). */
async function migrator(db: Kysely<any>) {
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema
  }
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
}

t.test('migration 018 creates case_tasks and drops it again', async (t) => {
  const db = createDb(await testDatabaseUrl(t)) as unknown as Kysely<any>
  t.teardown(() => db.destroy())
  const m = await migrator(db)
  const names = Object.keys(migrations)
  t.notOk((await m.migrateTo(names[names.indexOf('018_case_tasks') - 1])).error)
  t.notOk((await m.migrateTo('018_case_tasks')).error)
  const at = '2026-12-07T10:00:00.000Z'
  const c = await db
    .insertInto('cases')
    .values({ reference: 'DSR-2026-000001', type: 'access', status: 'new', email: 'a@example.se', email_key: 'a@example.se', lang: 'sv', channel: 'web', received_at: at, due_date: '2027-01-07', created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow()
  const row = await db
    .insertInto('case_tasks')
    .values({ case_id: c.id, system_key: 'crm', action: 'access', status: 'running', next_attempt_at: at, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow()
  t.equal(typeof row.id, 'number')
  t.equal(row.attempts, 0, 'attempts default to 0, a number on both drivers')
  t.equal(row.result, null)
  t.equal(row.next_attempt_at, at)
  t.notOk((await m.migrateTo(names[names.indexOf('018_case_tasks') - 1])).error, 'down')
  await t.rejects(db.selectFrom('case_tasks').selectAll().execute(), 'the table is gone')
})
