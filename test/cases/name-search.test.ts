import t from 'tap'
import { sql } from 'kysely'
import { listQueue } from '../../src/cases/queue-repository.js'
import { isPostgres } from '../../src/db/connection.js'
import { testDb } from '../helpers/db.js'

const ALL = ['new', 'in_progress', 'awaiting_requester', 'completed', 'rejected', 'withdrawn', 'forwarded']

const row = (n: number, name: string | null) => ({
  reference: `DSR-2026-${String(n).padStart(6, '0')}`, type: 'erasure', status: n % 2 ? 'new' : 'completed', email: `p${n}@example.test`, email_key: `p${n}@example.test`, name,
  relationship: null, consent_kind: null, details: null, incorrect_value: null, correct_value: null, lang: 'sv', channel: 'web', received_at: '2026-10-01T08:00:00.000Z',
  verified_at: null, due_date: '2026-11-01', extended: 0, extension_reason: null, closed_at: null, assignee_id: null, created_at: '2026-10-01T08:00:00.000Z', updated_at: '2026-10-01T08:00:00.000Z',
})

t.test('the name search index follows every insert, rename and deletion (an erased name is not found)', async (t) => {
  const db = await testDb(t)
  await db.insertInto('cases').values([row(1, 'Anna Åberg'), row(2, 'JOHANNA ÖST'), row(3, 'Erik Annerstedt'), row(4, null), row(5, 'anna-lena björk')]).execute()
  const refs = async (q: string) => (await listQueue(db, { status: ALL, q }, { size: 200 })).items.map((c) => c.reference).sort()
  t.same(await refs('ANNA'), ['DSR-2026-000001', 'DSR-2026-000002', 'DSR-2026-000005'], 'substring, any case')
  t.same(await refs('åbe'), ['DSR-2026-000001'])
  t.same(await refs('öst'), ['DSR-2026-000002'], 'Ö folds to ö')
  t.same(await refs('ann'), ['DSR-2026-000001', 'DSR-2026-000002', 'DSR-2026-000003', 'DSR-2026-000005'])
  t.same(await refs('nna-le'), ['DSR-2026-000005'], 'punctuation is text')
  t.same(await refs('zzz'), [], 'no match')

  await db.updateTable('cases').set({ name: null }).where('reference', '=', 'DSR-2026-000001').execute()
  await db.updateTable('cases').set({ name: 'Karin Ek' }).where('reference', '=', 'DSR-2026-000002').execute()
  await db.deleteFrom('cases').where('reference', '=', 'DSR-2026-000005').execute()
  t.same(await refs('anna'), [], 'erased, renamed and deleted names are gone from the index')
  t.same(await refs('karin'), ['DSR-2026-000002'], 'the new name is found')
  t.same(await refs('ann'), ['DSR-2026-000003'])

  if (isPostgres(db)) {
    const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'cases_name_trgm_idx' and schemaname = current_schema()`.execute(db)
    t.match(idx.rows[0]?.indexdef ?? '', /gin \(lower\(name\) \S*gin_trgm_ops\)/, 'the pg_trgm index exists')
  }
})
