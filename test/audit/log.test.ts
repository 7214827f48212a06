import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { appendAudit, canonicalJson, computeAuditHash, GENESIS_HASH, listAudit, type AuditEntryInput } from '../../src/audit/log.js'
import { verifyAuditChain } from '../../src/audit/verify.js'
import { main } from '../../src/cli.js'
import { createDb, type Db } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { sql } from 'kysely'
import { testDatabaseUrl, testDb } from '../helpers/db.js'
import { childEnv, TS_CHILD } from '../helpers/server.js'

/** SQLite :memory:, or a fresh PostgreSQL schema when TEST_DATABASE_URL is set. */
const memoryDb = (t: Test): Promise<Db> => testDb(t)

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-audit-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const base = new Date('2026-11-25T10:00:00.000Z')
const entry = (i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  actorType: 'staff',
  actorId: 7,
  action: 'case.view',
  caseId: 100 + i,
  target: null,
  data: { i, nested: { b: 2, a: 1 } },
  at: new Date(base.getTime() + i * 1000),
  ...extra,
})

async function appendMany(db: Db, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await appendAudit(db, entry(i))
}


t.test('appended entries form a chain from 64 zeros, and verify says intact', async (t) => {
  const db = await memoryDb(t)
  t.same(await verifyAuditChain(db), { ok: true, rows: 0, headHash: GENESIS_HASH }, 'an empty log is intact')
  await appendMany(db, 5)
  await appendAudit(db, { actorType: 'system', actorId: null, action: 'maintenance.run', at: base })
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('id').execute()
  t.equal(rows.length, 6)
  t.equal(rows[0].prev_hash, GENESIS_HASH)
  for (let i = 1; i < rows.length; i++) t.equal(rows[i].prev_hash, rows[i - 1].hash, `row ${rows[i].id} links to the one before`)
  t.equal(rows[0].data, '{"i":1,"nested":{"a":1,"b":2}}', 'data is stored as canonical JSON (sorted keys)')
  t.equal(rows[0].hash, computeAuditHash(GENESIS_HASH, rows[0]), 'the hash is over prev_hash + the stored fields')
  t.equal(rows[5].case_id, null)
  t.equal(rows[5].data, null)
  const result = await verifyAuditChain(db)
  t.same(result, { ok: true, rows: 6, headHash: rows[5].hash })
})

t.test('canonical JSON sorts keys at every level', async (t) => {
  t.equal(canonicalJson({ b: [{ y: 1, x: 2 }], a: null }), '{"a":null,"b":[{"x":2,"y":1}]}')
})

t.test('bad entries are refused before anything is written', async (t) => {
  const db = await memoryDb(t)
  await t.rejects(appendAudit(db, entry(1, { action: '' })), TypeError)
  await t.rejects(appendAudit(db, entry(1, { action: 'x'.repeat(65) })), TypeError)
  await t.rejects(appendAudit(db, entry(1, { at: new Date('nope') })), TypeError)
  await t.rejects(appendAudit(db, entry(1, { actorType: 'robot' as never })), TypeError)
  await t.rejects(appendAudit(db, entry(1, { target: 'x'.repeat(201) })), TypeError)
  t.equal((await verifyAuditChain(db)).rows, 0)
})

t.test('tampering is reported at the right entry', async (t) => {
  const cases: Array<{ name: string; tamper: (db: Db) => Promise<void>; badId: number; reason: RegExp }> = [
    { name: 'data edited', tamper: (db) => sql`update audit_log set data = '{"i":99}' where id = 3`.execute(db).then(() => {}), badId: 3, reason: /altered/ },
    { name: 'actor edited', tamper: (db) => sql`update audit_log set actor_id = 8 where id = 2`.execute(db).then(() => {}), badId: 2, reason: /altered/ },
    { name: 'actor type edited', tamper: (db) => sql`update audit_log set actor_type = 'system' where id = 5`.execute(db).then(() => {}), badId: 5, reason: /altered/ },
    { name: 'time edited', tamper: (db) => sql`update audit_log set at = '2020-01-01T00:00:00.000Z' where id = 4`.execute(db).then(() => {}), badId: 4, reason: /altered/ },
    { name: 'row in the middle deleted', tamper: (db) => sql`delete from audit_log where id = 3`.execute(db).then(() => {}), badId: 4, reason: /removed/ },
    { name: 'first row deleted', tamper: (db) => sql`delete from audit_log where id = 1`.execute(db).then(() => {}), badId: 2, reason: /first entry/ },
    {
      name: 'two rows swapped (ids exchanged)',
      tamper: async (db) => {
        await sql`update audit_log set id = -2 where id = 2`.execute(db)
        await sql`update audit_log set id = 2 where id = 3`.execute(db)
        await sql`update audit_log set id = 3 where id = -2`.execute(db)
      },
      badId: 2,
      reason: /prev_hash/,
    },
    {
      name: 'row edited and its own hash recomputed',
      tamper: async (db) => {
        const r = await db.selectFrom('audit_log').selectAll().where('id', '=', 3).executeTakeFirstOrThrow()
        const forged = { ...r, action: 'case.delete' }
        await db.updateTable('audit_log').set({ action: forged.action, hash: computeAuditHash(r.prev_hash, forged) }).where('id', '=', 3).execute()
      },
      badId: 4,
      reason: /prev_hash/,
    },
    {
      name: 'row inserted in the middle',
      tamper: async (db) => {
        const r = await db.selectFrom('audit_log').selectAll().where('id', '=', 6).executeTakeFirstOrThrow()
        await db.deleteFrom('audit_log').where('id', '=', 6).execute()
        await sql`insert into audit_log (id, at, actor_type, actor_id, action, case_id, target, data, prev_hash, hash) values (6, ${r.at}, 'staff', 1, 'case.view', null, null, null, ${r.prev_hash}, ${'f'.repeat(64)})`.execute(db)
      },
      badId: 6,
      reason: /altered/,
    },
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const db = await memoryDb(t)
      await appendMany(db, 8)
      t.equal((await verifyAuditChain(db)).ok, true, 'intact before')
      await c.tamper(db)
      for (const batchSize of [1, 3, 2000]) {
        const result = await verifyAuditChain(db, { batchSize })
        t.equal(result.ok, false, `broken (batch ${batchSize})`)
        t.equal(result.firstBadId, c.badId, `at #${c.badId} (batch ${batchSize})`)
        t.match(result.reason, c.reason)
      }
    })
  }
})

t.test('verify walks batch boundaries without losing the link', async (t) => {
  const db = await memoryDb(t)
  await appendMany(db, 25)
  t.same(await verifyAuditChain(db, { batchSize: 4 }), await verifyAuditChain(db, { batchSize: 1000 }))
  t.equal((await verifyAuditChain(db, { batchSize: 4 })).rows, 25)
  await sql`update audit_log set target = 'x' where id = 17`.execute(db)
  t.equal((await verifyAuditChain(db, { batchSize: 4 })).firstBadId, 17)
})

t.test('200 parallel appends on one connection give one intact chain', async (t) => {
  const db = await memoryDb(t)
  await Promise.all(Array.from({ length: 200 }, (_, i) => appendAudit(db, entry(i))))
  const result = await verifyAuditChain(db)
  t.equal(result.ok, true, result.reason ?? 'intact')
  t.equal(result.rows, 200)
  const distinctPrev = await db.selectFrom('audit_log').select((eb) => eb.fn.count<number>('prev_hash').distinct().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(distinctPrev.n), 200, 'no two entries claim the same predecessor (no fork)')
})

// On PostgreSQL this is three processes on one schema: the advisory lock in appendIn keeps one chain.
t.test('appends from three processes at once on one database (server + CLI) stay one chain', async (t) => {
  const file = await testDatabaseUrl(t, join(tempDir(t), 'audit.db'))
  const db = createDb(file)
  await migrateToLatest(db)
  t.teardown(() => db.destroy())
  const child = (tag: string) =>
    new Promise<number | null>((resolve, reject) => {
      const p = spawn(process.execPath, [...TS_CHILD, fileURLToPath(new URL('./append-process.ts', import.meta.url)), file, '100', tag], { stdio: 'inherit', env: childEnv(process.env) })
      p.on('error', reject)
      p.on('exit', resolve)
    })
  const [codeA, codeB] = await Promise.all([
    child('a'),
    child('b'),
    Promise.all(Array.from({ length: 100 }, (_, i) => appendAudit(db, entry(i)))),
  ])
  t.same([codeA, codeB], [0, 0], 'both child processes finished')
  const result = await verifyAuditChain(db)
  t.equal(result.ok, true, result.reason ?? 'intact')
  t.equal(result.rows, 300)
})

t.test('inside a transaction the entry commits or rolls back with the change', async (t) => {
  const db = await memoryDb(t)
  await appendAudit(db, entry(1))
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await appendAudit(trx, entry(2))
      throw new Error('the change failed')
    }),
    /the change failed/,
  )
  t.equal((await verifyAuditChain(db)).rows, 1, 'rolled back with the transaction')
  await db.transaction().execute(async (trx) => {
    await appendAudit(trx, entry(3))
    await appendAudit(trx, entry(4))
  })
  // Interleave transactional and plain appends.
  await Promise.all([
    db.transaction().execute((trx) => appendAudit(trx, entry(5))),
    appendAudit(db, entry(6)),
    db.transaction().execute(async (trx) => {
      await appendAudit(trx, entry(7))
      await appendAudit(trx, entry(8))
    }),
  ])
  const result = await verifyAuditChain(db)
  t.same([result.ok, result.rows], [true, 7])
})

t.test('listAudit pages newest first, per case or all', async (t) => {
  const db = await memoryDb(t)
  for (let i = 1; i <= 12; i++) await appendAudit(db, entry(i, { caseId: i % 3 === 0 ? 42 : i }))
  const first = await listAudit(db, { limit: 5 })
  t.same(first.items.map((e) => e.id), [12, 11, 10, 9, 8])
  t.equal(first.nextBeforeId, 8)
  t.same(first.items[0].data, { i: 12, nested: { a: 1, b: 2 } })
  t.equal(first.items[0].actorType, 'staff')
  const second = await listAudit(db, { limit: 5, beforeId: first.nextBeforeId })
  t.same(second.items.map((e) => e.id), [7, 6, 5, 4, 3])
  const last = await listAudit(db, { limit: 5, beforeId: second.nextBeforeId })
  t.same(last.items.map((e) => e.id), [2, 1])
  t.equal(last.nextBeforeId, null)

  const forCase = await listAudit(db, { caseId: 42, limit: 3 })
  t.same(forCase.items.map((e) => e.id), [12, 9, 6])
  t.equal(forCase.nextBeforeId, 6)
  const forCase2 = await listAudit(db, { caseId: 42, limit: 3, beforeId: 6 })
  t.same(forCase2.items.map((e) => e.id), [3])
  t.equal(forCase2.nextBeforeId, null)
})

t.test('CLI: dsr-portal audit verify', async (t) => {
  const file = await testDatabaseUrl(t, join(tempDir(t), 'cli.db'))
  const env = { DATABASE_URL: file, NODE_ENV: 'test' }
  const run = async () => {
    const out: string[] = []
    const code = await main(['audit', 'verify'], { env, out: (s) => out.push(s), err: (s) => out.push(s) })
    return { code, out: out.join('\n') }
  }
  const empty = await run()
  t.equal(empty.code, 0)
  t.match(empty.out, /^Audit chain intact: 0 entries$/m)

  const db = createDb(file)
  await migrateToLatest(db)
  await appendMany(db, 3)
  await db.destroy()

  const ok = await run()
  t.equal(ok.code, 0)
  t.match(ok.out, /^Audit chain intact: 3 entries$/m)
  t.match(ok.out, /^Head hash: [0-9a-f]{64}$/m)

  const raw = createDb(file)
  await raw.updateTable('audit_log').set({ data: '{}' }).where('id', '=', 2).execute()
  await raw.destroy()
  const broken = await run()
  t.equal(broken.code, 1)
  t.match(broken.out, /^Audit chain BROKEN at entry #2: hash does not match/m)
})
