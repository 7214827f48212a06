import { Migrator, PostgresAdapter, sql } from 'kysely'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { createDb } from '../../src/db/connection.js'
import { testDatabaseUrl } from '../helpers/db.js'

t.test('migration 010 (EDPB 01/2022 §159): pauses opened by the old awaiting_requester rule become reason unspecified, and keep counting', async (t) => {
  const db = createDb(await testDatabaseUrl(t))
  t.teardown(() => db.destroy())
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
  const before = await migrator.migrateTo('006_access_packages')
  t.notOk(before.error)

  const at = '2026-11-01T08:00:00.000Z'
  const base = {
    type: 'access', status: 'awaiting_requester', email: 'a@example.se', email_key: 'a@example.se', name: 'A', relationship: null, consent_kind: null, details: null,
    incorrect_value: null, correct_value: null, lang: 'sv', channel: 'web', received_at: at, verified_at: at, due_date: '2026-12-01', assignee_id: null,
    extended: 0, extension_reason: null, closed_at: null, created_at: at, updated_at: at,
  }
  const open = await db.insertInto('cases').values({ ...base, reference: 'DSR-2026-000001' }).returning('id').executeTakeFirstOrThrow()
  const done = await db.insertInto('cases').values({ ...base, reference: 'DSR-2026-000002', status: 'in_progress' }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('case_pauses').values([
    { case_id: open.id, reason: 'awaiting_requester', started_at: '2026-11-10T08:00:00.000Z', ended_at: null },
    { case_id: done.id, reason: 'awaiting_requester', started_at: '2026-11-02T08:00:00.000Z', ended_at: '2026-11-04T08:00:00.000Z' },
  ]).execute()

  const after = await migrator.migrateToLatest()
  t.notOk(after.error)
  t.ok(after.results?.some((r) => r.migrationName === '010_pause_reasons' && r.status === 'Success'))
  const rows = await db.selectFrom('case_pauses').select(['case_id', 'reason', 'started_at', 'ended_at', 'message_id']).orderBy('case_id').execute()
  t.same(rows, [
    { case_id: open.id, reason: 'unspecified', started_at: '2026-11-10T08:00:00.000Z', ended_at: null, message_id: null },
    { case_id: done.id, reason: 'unspecified', started_at: '2026-11-02T08:00:00.000Z', ended_at: '2026-11-04T08:00:00.000Z', message_id: null },
  ], 'the open period is still open (the clock still stands still), with reason unspecified')

  // Back to the migration before 010 (later migrations come down with it).
  const names = Object.keys(migrations).sort()
  const down = await migrator.migrateTo(names[names.indexOf('010_pause_reasons') - 1])
  t.notOk(down.error)
  t.same((await db.selectFrom('case_pauses').select('reason').execute()).map((r) => r.reason), ['awaiting_requester', 'awaiting_requester'], 'down restores the old reason')
})
