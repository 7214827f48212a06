import type { Test } from 'tap'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { createDb } from '../../src/db/connection.js'

/** fdatasync held open until the test lets it finish, so "answered before on disk" would show. */
function heldSync() {
  const calls: Array<() => void> = []
  let auto = true
  const syncFile = () =>
    new Promise<void>((resolve) => {
      if (auto) resolve()
      else calls.push(resolve)
    })
  return {
    calls,
    syncFile,
    hold: () => (auto = false),
    finishAll: () => calls.splice(0).forEach((finish) => finish()),
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

async function setup(t: Test) {
  const sync = heldSync()
  const db = createDb(join(t.testdir(), 'd.db'), { syncFile: sync.syncFile })
  t.teardown(async () => {
    sync.finishAll()
    await db.destroy()
  })
  await sql`create table t (id integer primary key, v text not null)`.execute(db)
  sync.hold()
  const count = async () => (await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0].n
  /** Settles `promise` into a flag the test can look at without awaiting it. */
  const watch = (promise: Promise<unknown>) => {
    const state = { settled: false }
    void promise.then(
      () => (state.settled = true),
      () => (state.settled = true),
    )
    return state
  }
  return { db, sync, count, watch }
}

t.test('an auto-commit write is answered only after the sync that started after its commit', async (t) => {
  const { db, sync, count, watch } = await setup(t)
  const plain = watch(sql`insert into t (v) values ('a')`.execute(db))
  // RETURNING makes the statement return rows, yet it writes: it waits too.
  const returning = db.executeQuery<{ id: number }>(sql`insert into t (v) values ('b') returning id`.compile(db))
  const returned = watch(returning)
  await tick()
  t.equal(await count(), 2, 'both are committed (a read sees them, and does not wait for the sync)')
  t.notOk(plain.settled, 'the write is not answered while its sync is held')
  t.notOk(returned.settled, 'nor the INSERT ... RETURNING')
  t.equal(sync.calls.length, 1, 'one sync started; the second commit waits for the next one')
  sync.finishAll()
  await tick()
  t.ok(plain.settled, 'the first write is answered once the sync finished')
  t.notOk(returned.settled, 'the second commit came after that sync started: it needs the next one')
  t.equal(sync.calls.length, 1)
  sync.finishAll()
  t.same((await returning).rows, [{ id: 2 }])
})

t.test('a transaction is answered only after its commit is synced, and frees the connection meanwhile', async (t) => {
  const { db, sync, count, watch } = await setup(t)
  const first = db.transaction().execute(async (trx) => {
    await sql`insert into t (v) values ('x')`.execute(trx)
    return 'first'
  })
  const firstState = watch(first)
  while (sync.calls.length === 0) await tick()
  t.notOk(firstState.settled, 'committed, but not answered before the sync')
  const second = watch(db.transaction().execute((trx) => sql`insert into t (v) values ('y')`.execute(trx)))
  for (let i = 0; i < 5; i++) await tick()
  t.equal(await count(), 2, 'the next transaction committed while the first one was still being synced')
  t.notOk(second.settled)
  sync.finishAll()
  t.equal(await first, 'first')
  while (sync.calls.length === 0) await tick()
  t.notOk(second.settled, 'the second waits for its own sync')
  sync.finishAll()
  while (!second.settled) await tick()
})

t.test('a read-only transaction and a read need no sync', async (t) => {
  const { db, sync, count } = await setup(t)
  t.equal(await count(), 0)
  t.equal(await db.transaction().execute(() => Promise.resolve('read')), 'read')
  t.equal(sync.calls.length, 0)
})

t.test('transactions take turns: nothing else runs on the connection while one is open', async (t) => {
  const { db, sync, count } = await setup(t)
  let letGo!: () => void
  const gate = new Promise<void>((resolve) => (letGo = resolve))
  const open = db.transaction().execute(async (trx) => {
    await sql`insert into t (v) values ('uncommitted')`.execute(trx)
    await gate
  })
  await tick()
  let seen: number | null = null
  const outside = count().then((n) => (seen = n))
  for (let i = 0; i < 5; i++) await tick()
  t.equal(seen, null, 'a read from outside waits, instead of seeing an open transaction')
  letGo()
  while (sync.calls.length === 0) await tick()
  sync.finishAll()
  await open
  await outside
  t.equal(seen, 1, 'and then sees it committed')
})

t.test('a failing transaction rolls back and reports its own error', async (t) => {
  const { db, count } = await setup(t)
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await sql`insert into t (v) values ('gone')`.execute(trx)
      throw new Error('boom')
    }),
    { message: 'boom' },
  )
  await t.rejects(sql`insert into t (v) values (null)`.execute(db), { code: 'SQLITE_CONSTRAINT_NOTNULL' })
  t.equal(await count(), 0)
})

t.test("Kysely's savepoints and controlled transactions", async (t) => {
  const { db, sync, count, watch } = await setup(t)
  const trx = await db.startTransaction().execute()
  await sql`insert into t (v) values ('kept')`.execute(trx)
  const sp = await trx.savepoint('sp').execute()
  await sql`insert into t (v) values ('undone')`.execute(sp)
  await sp.rollbackToSavepoint('sp').execute()
  await sp.releaseSavepoint('sp').execute()
  const committed = watch(trx.commit().execute())
  while (sync.calls.length === 0) await tick()
  t.notOk(committed.settled, 'commit() waits for the sync too')
  t.equal(await count(), 1)
  sync.finishAll()
  while (!committed.settled) await tick()
})
