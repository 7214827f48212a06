import type { Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDb from 'better-sqlite3'
import { sql } from 'kysely'
import t from 'tap'
import { createDb } from '../../src/db/connection.js'
import { GroupCommit } from '../../src/db/group-commit.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { SyncFile } from '../../src/db/wal-sync.js'

async function setup(t: Test, syncFile?: SyncFile) {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-gc-'))
  const path = join(dir, 'gc.db')
  const db = createDb(path, { syncFile })
  await migrateToLatest(db)
  const reader = new SqliteDb(path, { readonly: true })
  t.teardown(async () => {
    reader.close()
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })
  const counted = () => (reader.prepare("select count(*) as n from rate_events where bucket = 'gc'").get() as { n: number }).n
  return { db, counted }
}

const insert = (key: string) => async (trx: Parameters<Parameters<GroupCommit['run']>[0]>[0]) => {
  await trx.insertInto('rate_events').values({ bucket: 'gc', key_hash: key, created_at: new Date().toISOString() }).execute()
  return key
}

t.test('writes that arrive together share one commit, and each settles only once it is on disk', async (t) => {
  const { db, counted } = await setup(t)
  const writes = new GroupCommit(db, { enabled: true })
  // Another connection sees rows only once they are committed.
  const seen: number[] = []
  const all = Array.from({ length: 50 }, (_, i) =>
    writes.run(insert(`k${i}`)).then((v) => {
      seen.push(counted())
      return v
    }),
  )
  const values = await Promise.all(all)
  t.same(values, Array.from({ length: 50 }, (_, i) => `k${i}`), 'each caller gets its own result')
  t.ok(seen.every((n) => n === 50), 'when any promise settles, the whole batch is already visible to another connection')
  t.equal(new Set(seen).size, 1, 'one commit for the 50 writes')
})

t.test('a failing write rolls back only itself', async (t) => {
  const { db, counted } = await setup(t)
  const writes = new GroupCommit(db, { enabled: true })
  const results = await Promise.allSettled([
    writes.run(insert('a')),
    writes.run(async (trx) => {
      await insert('doomed')(trx)
      throw new Error('boom')
    }),
    writes.run(insert('b')),
  ])
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  )
  t.equal((results[1] as PromiseRejectedResult).reason.message, 'boom')
  t.equal(counted(), 2, 'the failed write left nothing behind')
  const keys = (await db.selectFrom('rate_events').select('key_hash').where('bucket', '=', 'gc').orderBy('key_hash').execute()).map((r) => r.key_hash)
  t.same(keys, ['a', 'b'])
})

t.test('later writes form new batches; disabled means one transaction each', async (t) => {
  const { db, counted } = await setup(t)
  const writes = new GroupCommit(db, { enabled: true, maxBatch: 3 })
  await Promise.all(Array.from({ length: 10 }, (_, i) => writes.run(insert(`m${i}`))))
  t.equal(counted(), 10)
  await writes.run(insert('alone'))
  t.equal(counted(), 11)
  const plain = new GroupCommit(db, { enabled: false })
  await Promise.all([plain.run(insert('p1')), plain.run(insert('p2'))])
  t.equal(counted(), 13)
  const n = await sql<{ n: number }>`select count(*) as n from rate_events`.execute(db)
  t.equal(Number(n.rows[0].n), 13)
})

t.test('the next batch runs while the disk syncs the one before, and each waits for its own sync', async (t) => {
  const syncs: Array<() => void> = []
  // Migrations sync at once; from the first batch on, the test decides when each sync ends.
  let auto = true
  const { db, counted } = await setup(t, () =>
    new Promise<void>((resolve) => {
      if (auto) resolve()
      else syncs.push(resolve)
    }),
  )
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  }
  auto = false

  const writes = new GroupCommit(db, { enabled: true })
  const settled: string[] = []
  const first = writes.run(insert('first')).then((v) => settled.push(v))
  await until(() => syncs.length === 1)
  t.equal(counted(), 1, 'the first batch is committed and its sync is running')

  const second = writes.run(insert('second')).then((v) => settled.push(v))
  await until(() => counted() === 2)
  t.equal(counted(), 2, 'the second batch committed while the first sync was still running')
  t.same(settled, [], 'neither is answered before its sync')

  syncs.shift()!()
  await first
  await until(() => syncs.length === 1)
  t.same(settled, ['first'], 'the first is answered after its sync; the second waits for the next one')
  syncs.shift()!()
  await second
  t.same(settled, ['first', 'second'])
})
