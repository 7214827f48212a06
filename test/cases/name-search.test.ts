import t from 'tap'
import { sql } from 'kysely'
import { listQueue } from '../../src/cases/queue-repository.js'
import { createDb, isPostgres, type Db } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { onPostgres, testDb } from '../helpers/db.js'

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

/** Names where case folding, punctuation and LIKE's special characters could part the two databases. */
const NAMES = ['NILS LÖVGREN', 'Åsa Öberg', 'ÄNGLA Ärlig', 'Erik Söderberg', 'Berit Berg', 'Bertil Bergström', 'anders andersson', 'Anders Sandberg', '100% Test_Person', 'O\'Brien Zoë', 'Märta  Lund', 'Seán García', 'ÅÄÖ åäö', null, 'Robert Lindberg', 'Alexander Bernadotte']
const SEARCHES = ['lövgren', 'LÖVGREN', 'åsa', 'ÖBERG', 'ängla', 'ber', 'BERG', 'berg', 'and', 'söderberg', '100%', 't_p', 'ZOË', 'märta', 'åäö', 'ÅÄÖ ÅÄÖ', 'xqz', 'p1', 'p10@', 'dsr', 'DSR-2026-0000', '2026-00001', 'sean', 'o\'b', 'a "b']
const FILTERS: Array<[string, string[] | undefined]> = [['open', undefined], ['all', ALL], ['completed', ['completed']], ['new', ['new']]]

async function answers(db: Db): Promise<Record<string, string[]>> {
  // A few hundred rows, so a common text has enough matches to be searched both ways.
  const rows = Array.from({ length: 320 }, (_, i) => row(i + 1, NAMES[i % NAMES.length]))
  await db.insertInto('cases').values(rows).execute()
  const out: Record<string, string[]> = {}
  for (const q of SEARCHES) {
    for (const [label, status] of FILTERS) {
      for (const searchIdListMax of [undefined, 0, 40]) {
        const items = (await listQueue(db, { status, q }, { size: 200 }, { searchIdListMax })).items
        out[`${q} | ${label} | max ${searchIdListMax ?? 'default'}`] = items.map((c) => c.reference)
      }
    }
  }
  return out
}

t.test('the same search finds the same cases, by id or by walk, and on SQLite and PostgreSQL', async (t) => {
  const here = await answers(await testDb(t))
  for (const [key, refs] of Object.entries(here)) {
    const [q, label] = key.split(' | ')
    t.same(refs, here[`${q} | ${label} | max default`], `${key}: the same either way`)
  }
  t.ok(here['ber | all | max default'].length > 40, 'a common text has more matches than the smallest id list')
  t.same(here['lövgren | all | max 0'].length, 20, 'LÖVGREN found by lövgren')
  if (!onPostgres) return
  // On PostgreSQL, the same rows in SQLite give the same answers.
  const lite = createDb(':memory:')
  t.teardown(() => lite.destroy())
  await migrateToLatest(lite)
  t.same(here, await answers(lite), 'PostgreSQL and SQLite agree')
})
