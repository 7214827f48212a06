import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { createDb } from '../../src/db/connection.js'
import { purposes as transcribed, recipients as transcribedRecipients } from '../helpers/policy-transcription.js'
import { testDatabaseUrl } from '../helpers/db.js'

/** Issue 19 §1: the map moves into the database, seeded from the transcription (runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL). */
async function migrator(db: Kysely<any>) {
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    migrationTableSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema
  }
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
}

const UNDECIDED = ['events_travel', 'questions', 'product_development', 'statistics_advertising', 'customer_relations']

t.test('migration 015 seeds purposes, categories and the two registers from the transcription, and comes down again', async (t) => {
  const db = createDb(await testDatabaseUrl(t)) as unknown as Kysely<any>
  t.teardown(() => db.destroy())
  const m = await migrator(db)
  t.notOk((await m.migrateTo('014_queue_search_indexes')).error)
  // A team renamed before the upgrade: the register it owned gets no owner (and doctor says so).
  await db.updateTable('teams').set({ key: 'recruiting' }).where('key', '=', 'recruitment').execute()
  const up = await m.migrateToLatest()
  t.notOk(up.error)
  t.ok(up.results?.some((r) => r.migrationName === '015_data_map' && r.status === 'Success'))

  const purposes = await db.selectFrom('purposes').selectAll().orderBy('position').execute()
  t.same(purposes.map((p) => p.id), transcribed.map((p) => p.id), "today's ids, in today's order")
  for (const p of purposes) {
    const old = transcribed.find((x) => x.id === p.id)!
    t.same(JSON.parse(p.relationships), old.relationships, `${p.id}: the same relationships`)
    t.same(JSON.parse(p.title), old.title, `${p.id}: title`)
    t.same(JSON.parse(p.description), old.description, `${p.id}: description`)
    t.same(JSON.parse(p.recipient_categories), old.recipientIds, `${p.id}: recipient categories`)
    t.equal(p.role, old.role)
    const basis = p.legal_basis === null ? null : JSON.parse(p.legal_basis)
    if (UNDECIDED.includes(p.id)) t.equal(basis, null, `${p.id}: the policy states no basis, so it is undecided`)
    else if (old.legalBasis.article) t.same(basis, { article: old.legalBasis.article, text: old.legalBasis.text }, `${p.id}: the policy's basis`)
    else t.same(basis, { article: null, text: old.legalBasis.text }, `${p.id}: the client's basis, as the policy says`)
    // Nothing shown to the public talks about what the policy does not say.
    const shown = [p.title, p.description, p.legal_basis ?? '', p.data_categories, p.data_subjects, p.retention, p.source].join(' ')
    t.notMatch(shown, /polic/i, `${p.id}: no internal remark in its public texts`)
  }
  t.match(JSON.parse(purposes.find((p) => p.id === 'questions')!.note!).sv, /ingen rättslig grund/, 'the old basis remark became an internal note')

  const categories = await db.selectFrom('recipient_categories').selectAll().orderBy('position').execute()
  t.same(categories.map((c) => c.key), transcribedRecipients.map((r) => r.id))
  t.same(categories.filter((c) => c.general === 1).map((c) => c.key), ['service_providers', 'payment_providers_banks', 'authorities'])

  const systems = await db.selectFrom('systems').leftJoin('teams', 'teams.id', 'systems.owner_team_id').select(['systems.key', 'systems.kind', 'teams.key as team', 'systems.recipients', 'systems.transfers']).orderBy('systems.key').execute()
  t.same(systems, [
    { key: 'candidates', kind: 'register', team: null, recipients: '[]', transfers: '[]' },
    { key: 'newsletter', kind: 'register', team: 'marketing', recipients: '[]', transfers: '[]' },
  ])
  t.same(await db.selectFrom('system_purposes').selectAll().orderBy('system_key').execute(), [
    { system_key: 'candidates', purpose_id: 'recruitment' },
    { system_key: 'newsletter', purpose_id: 'newsletter' },
  ])

  // A system's purposes must exist; a deleted system takes its links with it.
  await t.rejects(db.insertInto('system_purposes').values({ system_key: 'newsletter', purpose_id: 'nope' }).execute(), 'an unknown purpose is refused by the database')

  const names = Object.keys(migrations).sort()
  t.notOk((await m.migrateTo(names[names.indexOf('015_data_map') - 1])).error, 'down')
  await t.rejects(db.selectFrom('purposes').select('id').execute(), 'the tables are gone')
  t.notOk((await m.migrateToLatest()).error, 'and up again')
  t.equal((await db.selectFrom('purposes').select('id').execute()).length, transcribed.length)
})
