import t from 'tap'
import { prepared } from '../../src/db/prepared.js'
import { testDb } from '../helpers/db.js'


t.test('a prepared query is built once per database and runs with each call’s values', async (t) => {
  const a = await testDb(t)
  const b = await testDb(t)
  let builds = 0
  const insert = prepared<{ key: string; at: string | undefined }, { id: number }>((db, p) => {
    builds += 1
    // 'prep' is a constant of the query; key and at are the caller's.
    return db.insertInto('rate_events').values({ bucket: 'prep', key_hash: p.key, created_at: p.at! }).returning('id')
  })
  const count = prepared<{ key: string }, { n: number }>((db, p) =>
    db
      .selectFrom('rate_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('bucket', '=', 'prep')
      .where('key_hash', '=', p.key),
  )

  const first = await insert(a, { key: 'k1', at: '2026-11-25T10:00:00.000Z' })
  const second = await insert(a, { key: 'k2', at: '2026-11-25T10:00:01.000Z' })
  t.equal(builds, 1, 'built once for database a')
  t.ok(second.rows[0].id > first.rows[0].id, 'each run inserts its own row and returns its id')
  const rows = await a.selectFrom('rate_events').select(['bucket', 'key_hash', 'created_at']).where('bucket', '=', 'prep').orderBy('id').execute()
  t.same(rows, [
    { bucket: 'prep', key_hash: 'k1', created_at: '2026-11-25T10:00:00.000Z' },
    { bucket: 'prep', key_hash: 'k2', created_at: '2026-11-25T10:00:01.000Z' },
  ])

  await insert(b, { key: 'k1', at: '2026-11-25T11:00:00.000Z' })
  t.equal(builds, 2, 'another database compiles its own (its dialect may differ)')
  t.equal(Number((await count(a, { key: 'k1' })).rows[0].n), 1)
  t.equal(Number((await count(a, { key: 'nobody' })).rows[0].n), 0)

  await t.rejects(insert(a, { key: 'k3', at: undefined }), /NOT NULL|not-null/, 'a missing value is sent as NULL, not left out of the statement')

  await a.transaction().execute(async (trx) => {
    await insert(trx, { key: 'in-trx', at: '2026-11-25T12:00:00.000Z' })
    t.equal(Number((await count(trx, { key: 'in-trx' })).rows[0].n), 1, 'runs inside a transaction, on its connection')
  })
  t.equal(builds, 2, 'a transaction of database a uses a’s compiled query')
})

t.test('a value that does not come out of Kysely as a parameter fails loudly, not with stale values', async (t) => {
  const db = await testDb(t)
  // Used to pick the query's shape instead of as a value: every run would take the first run's branch.
  const bad = prepared<{ key: string }, unknown>((db, p) => db.selectFrom('rate_events').select('id').where('key_hash', '=', p.key ? 'constant' : 'other'))
  await t.rejects(bad(db, { key: 'k' }), /key did not become parameters/)
})
