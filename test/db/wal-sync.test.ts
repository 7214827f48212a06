import { readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { createDb } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { WalSync } from '../../src/db/wal-sync.js'

/** A stand-in for fdatasync that finishes only when the test says so. */
function controlledSync() {
  const calls: Array<{ fd: number; finish: (error?: Error) => void }> = []
  const syncFile = (fd: number) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ fd, finish: (error) => (error ? reject(error) : resolve()) })
    })
  return { calls, syncFile }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

t.test('callers that arrive while a sync runs share the next one, which starts after it', async (t) => {
  const dir = t.testdir({ 'x.db-wal': '' })
  const { calls, syncFile } = controlledSync()
  const wal = new WalSync(join(dir, 'x.db-wal'), syncFile)
  t.teardown(() => wal.close())

  const settled: string[] = []
  const first = wal.sync().then(() => settled.push('first'))
  t.equal(calls.length, 1, 'the first caller starts a sync at once')
  const later = [wal.sync(), wal.sync(), wal.sync()].map((p, i) => p.then(() => settled.push(`later${i}`)))
  await tick()
  t.equal(calls.length, 1, 'no second sync while the first runs: it may predate their commits')

  calls[0].finish()
  await first
  await tick()
  t.same(settled, ['first'], 'the later callers are not covered by the first sync')
  t.equal(calls.length, 2, 'one more sync, shared by all three')
  calls[1].finish()
  await Promise.all(later)
  t.same(settled, ['first', 'later0', 'later1', 'later2'])

  const alone = wal.sync()
  t.equal(calls.length, 3, 'when idle, a sync starts at once again')
  calls[2].finish()
  await alone
})

t.test('a failed sync fails its callers, and the next one is tried afresh', async (t) => {
  const dir = t.testdir({ 'x.db-wal': '' })
  const { calls, syncFile } = controlledSync()
  const wal = new WalSync(join(dir, 'x.db-wal'), syncFile)
  t.teardown(() => wal.close())
  const failing = wal.sync()
  const queued = wal.sync()
  calls[0].finish(new Error('EIO'))
  await t.rejects(failing, { message: 'EIO' })
  await tick()
  t.equal(calls.length, 2, 'the queued caller gets its own sync')
  calls[1].finish()
  await t.resolves(queued)
})

t.test('a missing WAL file is reported, not ignored', async (t) => {
  const wal = new WalSync(join(t.testdir(), 'none.db-wal'))
  await t.rejects(wal.sync(), { code: 'ENOENT' })
})

t.test('a write through Kysely is answered only after the WAL it wrote is synced', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'portal.db')
  const { calls, syncFile } = controlledSync()
  const db = createDb(path, { syncFile })
  t.teardown(() => db.destroy())

  // Migrations write: let every sync they ask for finish at once.
  let auto = true
  const autoFinish = setInterval(() => {
    if (auto) for (const c of calls.splice(0)) c.finish()
  }, 1)
  t.teardown(() => clearInterval(autoFinish))
  await migrateToLatest(db)
  auto = false
  await tick()
  calls.splice(0)

  const mode = await sql<{ synchronous: number }>`pragma synchronous`.execute(db)
  t.equal(mode.rows[0].synchronous, 1, 'NORMAL: SQLite itself does not fsync on commit; the barrier does')

  let answered = false
  const write = db
    .insertInto('rate_events')
    .values({ bucket: 'wal', key_hash: 'k', created_at: new Date().toISOString() })
    .execute()
    .then(() => (answered = true))
  await tick()
  t.equal(calls.length, 1, 'the commit asked for a sync')
  t.equal(readlinkSync(`/proc/self/fd/${calls[0].fd}`), `${path}-wal`, 'of the WAL file')
  t.notOk(answered, 'the caller waits for it')

  // The connection is free while the sync runs: others read and write meanwhile.
  const read = await db.selectFrom('rate_events').select('key_hash').where('bucket', '=', 'wal').execute()
  t.same(read, [{ key_hash: 'k' }], 'another query ran during the sync, and reads do not sync')
  t.equal(calls.length, 1)
  const txWrite = db.transaction().execute((trx) => trx.insertInto('rate_events').values({ bucket: 'wal', key_hash: 'k2', created_at: new Date().toISOString() }).execute())
  await tick()
  t.equal(calls.length, 1, 'a transaction committed during the sync waits for the next one')

  calls[0].finish()
  await write
  t.ok(answered)
  await tick()
  t.equal(calls.length, 2)
  calls[1].finish()
  await txWrite
  const count = await db.selectFrom('rate_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), 2)
  t.equal(calls.length, 2, 'a read-only query asks for no sync')
})

t.test('an in-memory database has no WAL and no barrier', async (t) => {
  const db = createDb(':memory:', { syncFile: () => Promise.reject(new Error('must not be called')) })
  t.teardown(() => db.destroy())
  await migrateToLatest(db)
  await db.insertInto('rate_events').values({ bucket: 'mem', key_hash: 'k', created_at: new Date().toISOString() }).execute()
  const mode = await sql<{ synchronous: number }>`pragma synchronous`.execute(db)
  t.equal(mode.rows[0].synchronous, 2, 'FULL')
})
