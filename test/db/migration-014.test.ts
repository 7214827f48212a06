import { Migrator, PostgresAdapter, sql } from 'kysely'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { listQueue } from '../../src/cases/queue-repository.js'
import { createDb, isPostgres, type Db } from '../../src/db/connection.js'
import { testDatabaseUrl } from '../helpers/db.js'

/** The columns of each of the cases table's indexes that 014 touches, key and included. */
async function indexColumns(db: Db): Promise<Record<string, string>> {
  const names = ['cases_status_due_idx', 'cases_due_idx', 'cases_email_key_idx', 'cases_reference_id_idx']
  const out: Record<string, string> = {}
  if (isPostgres(db)) {
    const rows = await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and tablename = 'cases'`.execute(db)
    for (const r of rows.rows) if (names.includes(r.name)) out[r.name] = r.def.replace(/^.*USING btree /, '')
    return out
  }
  for (const name of names) {
    const cols = (await sql<{ name: string }>`select name from pragma_index_info(${name})`.execute(db)).rows.map((r) => r.name)
    if (cols.length) out[name] = `(${cols.join(', ')})`
  }
  return out
}

t.test('migration 014: the due-order indexes carry the searched columns, and down restores the indexes of before', async (t) => {
  const db = createDb(await testDatabaseUrl(t))
  t.teardown(() => db.destroy())
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const migrationTableSchema = pg ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema : undefined
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
  t.notOk((await migrator.migrateTo('013_name_search')).error)
  const before = await indexColumns(db)

  const at = '2026-11-01T08:00:00.000Z'
  const base = {
    type: 'access', status: 'in_progress', email: 'a@example.se', name: 'Åsa Öberg', relationship: null, consent_kind: null, details: null, incorrect_value: null, correct_value: null,
    lang: 'sv', channel: 'web', received_at: at, verified_at: at, assignee_id: null, extended: 0, extension_reason: null, closed_at: null, created_at: at, updated_at: at,
  }
  await db.insertInto('cases').values([
    { ...base, reference: 'DSR-2026-000001', email_key: 'anna@example.se', due_date: '2026-12-03' },
    { ...base, reference: 'DSR-2026-000002', email_key: 'bo@example.se', due_date: '2026-12-01', name: 'Bo Berg' },
    { ...base, reference: 'DSR-2026-000003', email_key: 'cia@example.se', due_date: '2026-12-02', status: 'completed' },
  ]).execute()

  const up = await migrator.migrateTo('014_queue_search_indexes')
  t.notOk(up.error)
  const after = await indexColumns(db)
  if (pg) {
    t.match(after.cases_status_due_idx, /^\(status, due_date, id\) INCLUDE \(email_key, reference, name\)/)
    t.match(after.cases_due_idx, /^\(due_date, id\) INCLUDE \(email_key, reference, name\)/)
    t.match(after.cases_email_key_idx, /^\(email_key\) INCLUDE \(id\)/)
    t.match(after.cases_reference_id_idx, /^\(reference\) INCLUDE \(id\)/)
  } else {
    t.same(after, { cases_status_due_idx: '(status, due_date, id, email_key, reference, name)', cases_due_idx: '(due_date, id, email_key, reference, name)', cases_email_key_idx: '(email_key)' })
  }
  // The walk that tests each entry (searchIdListMax 0) finds the same cases in the same order.
  for (const status of [undefined, ['in_progress', 'completed']]) {
    const q = async (q: string) => (await listQueue(db, { status, q }, {}, { searchIdListMax: 0 })).items.map((c) => c.reference)
    t.same(await q('öberg'), status ? ['DSR-2026-000003', 'DSR-2026-000001'] : ['DSR-2026-000001'])
    t.same(await q('berg'), status ? ['DSR-2026-000002', 'DSR-2026-000003', 'DSR-2026-000001'] : ['DSR-2026-000002', 'DSR-2026-000001'])
    t.same(await q('bo@'), ['DSR-2026-000002'])
  }

  const down = await migrator.migrateTo('013_name_search')
  t.notOk(down.error)
  t.same(await indexColumns(db), before, 'down restores the indexes as they were')
  t.equal((await db.selectFrom('cases').select('id').execute()).length, 3, 'no rows lost either way')
})
