import { copyFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import SqliteDb from 'better-sqlite3'
import { sql } from 'kysely'
import t from 'tap'
import { Checkpointer } from '../../src/db/checkpointer.js'
import { BACKSTOP_CHECKPOINT_PAGES, createDb, openSqlite } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/** A WAL database whose own connection never checkpoints, as createDb's between backstops. */
function walDb(dir: string) {
  const path = join(dir, 'x.db')
  const raw = openSqlite(path, { walBarrier: true })
  raw.pragma('wal_autocheckpoint = 0')
  raw.exec('create table t (id integer primary key, body text not null)')
  const insert = raw.prepare('insert into t (body) values (?)')
  const write = (rows: number) => raw.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(500) + i)
  })()
  return { path, raw, write }
}

/** The WAL index header (the -shm file, native byte order): pages in the WAL and pages copied back. */
function walIndex(dbPath: string) {
  const shm = readFileSync(`${dbPath}-shm`)
  return { frames: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) }
}

const walFrames = (raw: SqliteDb.Database) => (raw.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0].log

t.test('the thread copies the WAL into the database file, and the next write starts the WAL over', async (t) => {
  const dir = t.testdir()
  const { path, raw, write } = walDb(dir)
  t.teardown(() => raw.close())
  const failures: unknown[] = []
  const checkpoints = new Checkpointer(path, { delayMs: 0, onFail: (e) => failures.push(e) })
  t.teardown(() => checkpoints.close())

  write(2_000)
  checkpoints.noteWrite()
  await checkpoints.idle()
  t.equal(checkpoints.runs, 1, 'one checkpoint for the writes noted')
  t.ok(checkpoints.last!.log! > 100, 'the WAL held the writes')
  t.equal(checkpoints.last!.checkpointed, checkpoints.last!.log, 'all of it copied back')
  t.same(failures, [])

  // The database file alone now holds every row.
  const copy = join(dir, 'copy.db')
  copyFileSync(path, copy)
  const alone = new SqliteDb(copy, { readonly: true })
  t.equal((alone.prepare('select count(*) as n from t').get() as { n: number }).n, 2_000)
  alone.close()

  const before = statSync(`${path}-wal`).size
  write(1)
  t.ok(walFrames(raw) < 10, 'the next write reused the WAL from its start')
  t.equal(statSync(`${path}-wal`).size, before, 'so the file did not grow')
})

t.test('writes that land during a checkpoint get one more after it', async (t) => {
  const dir = t.testdir()
  const { path, raw, write } = walDb(dir)
  t.teardown(() => raw.close())
  const checkpoints = new Checkpointer(path, { delayMs: 0, onFail: (e) => t.fail(String(e)) })
  t.teardown(() => checkpoints.close())

  for (let round = 0; round < 50; round++) {
    write(20)
    checkpoints.noteWrite()
    await new Promise((resolve) => setImmediate(resolve))
  }
  await checkpoints.idle()
  t.ok(checkpoints.runs >= 2 && checkpoints.runs <= 50, `writes share checkpoints (${checkpoints.runs} runs for 50 rounds)`)
  t.equal(checkpoints.last!.checkpointed, checkpoints.last!.log, 'the last one caught up completely')
  t.equal((raw.prepare('select count(*) as n from t').get() as { n: number }).n, 1_000)
  t.equal(raw.pragma('integrity_check', { simple: true }), 'ok')
})

t.test('a thread that cannot run hands checkpoints back, once, and waits for nothing', async (t) => {
  const failures: unknown[] = []
  const checkpoints = new Checkpointer(join(t.testdir(), 'missing.db'), { delayMs: 0, onFail: (e) => failures.push(e) })
  checkpoints.noteWrite()
  while (failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  await checkpoints.idle()
  checkpoints.noteWrite()
  await checkpoints.idle()
  t.equal(failures.length, 1, 'onFail is called once')
  await checkpoints.close()
})

t.test('closing while the thread fails as it starts still finishes, and is not reported as a failure', async (t) => {
  const failures: unknown[] = []
  const checkpoints = new Checkpointer(join(t.testdir(), 'missing.db'), { delayMs: 0, onFail: (e) => failures.push(e) })
  checkpoints.noteWrite()
  // The thread is starting: its open of the missing file will fail after close is asked for.
  await new Promise((resolve) => setTimeout(resolve, 1))
  await t.resolves(checkpoints.close())
  t.same(failures, [])
})

t.test('createDb: the main connection checkpoints only as a backstop, the thread after writes, and closing removes the WAL', async (t) => {
  const path = join(t.testdir(), 'portal.db')
  const db = createDb(path, { checkpointDelayMs: 0 })
  await migrateToLatest(db)
  const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
  t.equal(setting.rows[0].wal_autocheckpoint, BACKSTOP_CHECKPOINT_PAGES)

  for (let i = 0; i < 200; i++) {
    await db.insertInto('rate_events').values({ bucket: 'ckpt', key_hash: `k${i}`, created_at: new Date().toISOString() }).execute()
  }
  // Read from the WAL index itself: a checkpoint asked for here would do the thread's work.
  let wal = walIndex(path)
  for (let waited = 0; wal.backfilled < wal.frames && waited < 5_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    wal = walIndex(path)
  }
  t.equal(wal.backfilled, wal.frames, `the thread copied the WAL back (${wal.frames} pages) with no checkpoint on the main connection`)
  await db.insertInto('rate_events').values({ bucket: 'ckpt', key_hash: 'last', created_at: new Date().toISOString() }).execute()
  t.ok(walIndex(path).frames < 10, 'and the next write started the WAL over')

  await db.destroy()
  t.notOk(existsSync(`${path}-wal`), 'the last connection to close removed the WAL')
})

t.test('createDb: when the thread cannot open the database, the main connection checkpoints as usual again and says so', async (t) => {
  const dir = t.testdir()
  const path = join(dir, 'portal.db')
  const failures: unknown[] = []
  const db = createDb(path, { checkpointDelayMs: 300, onCheckpointThreadFail: (e) => failures.push(e) })
  t.teardown(() => db.destroy())
  await sql`create table t (id integer primary key)`.execute(db)
  // The thread starts 300 ms after that write. Our connection keeps its open files; the thread,
  // opening by path, finds nothing.
  renameSync(path, join(dir, 'moved.db'))
  for (let waited = 0; failures.length === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(failures.length, 1, 'the failure is reported')
  const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
  t.equal(setting.rows[0].wal_autocheckpoint, 1_000, "SQLite's own checkpoints are back")
})
