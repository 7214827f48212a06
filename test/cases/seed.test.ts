import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { seedDatabase } from '../../scripts/seed.js'
import { verifyAuditChain } from '../../src/audit/verify.js'
import { insertCase } from '../../src/cases/repository.js'
import { createDb } from '../../src/db/connection.js'
import { isImmediate } from '../../src/deadlines/case-rules.js'
import { computeCaseDeadline } from '../../src/deadlines/due-date.js'
import { testDatabaseUrl, testDb } from '../helpers/db.js'
import { childEnv, TS_CHILD } from '../helpers/server.js'

const NOW = new Date('2026-11-25T10:00:00.000Z')

t.test('seeded cases are consistent with the portal’s own rules', async (t) => {
  const db = await testDb(t)
  const res = await seedDatabase(db, { cases: 1500, staff: 4, now: NOW, seed: 3, batchSize: 400 })
  t.equal(res.cases, 1500)
  t.equal(res.staffIds.length, 4)

  const cases = await db.selectFrom('cases').selectAll().orderBy('id').execute()
  t.equal(cases.length, 1500)
  const types = new Map<string, number>()
  for (const c of cases) types.set(c.type, (types.get(c.type) ?? 0) + 1)
  t.equal(types.size, 8, 'all eight request types')
  t.ok(types.get('unsubscribe')! > types.get('access')! && types.get('withdraw_consent')! > types.get('access')!, 'unsubscribes and consent withdrawals dominate')
  t.equal(new Set(cases.map((c) => c.status)).size, 6, 'all six statuses')
  t.ok(cases.every((c) => c.email_key === c.email.trim().toLowerCase()), 'email_key as intake computes it')
  t.ok(cases.every((c) => /@[a-z-]+\.example$/.test(c.email_key)), 'only reserved .example domains')
  t.ok(cases.every((c) => c.received_at < NOW.toISOString() && c.received_at > '2025-08-01'), 'received within 15 months before now')
  t.ok(cases.every((c) => c.assignee_id === null || res.staffIds.includes(c.assignee_id)), 'assigned to seeded handlers')
  t.ok(cases.every((c) => (c.closed_at !== null) === ['completed', 'rejected', 'withdrawn'].includes(c.status)), 'closed_at exactly on closed cases')

  const refs = cases.map((c) => c.reference)
  t.equal(new Set(refs).size, refs.length, 'unique references')
  t.ok(refs.every((r) => /^DSR-20(25|26)-\d{6}$/.test(r)))
  const byYear = (y: string) => refs.filter((r) => r.startsWith(`DSR-${y}-`)).map((r) => Number(r.slice(9))).sort((a, b) => a - b)
  for (const y of ['2025', '2026']) {
    const ns = byYear(y)
    t.same(ns, ns.map((_, i) => i + 1), `${y}: numbered 1..n without gaps`)
  }

  // Due dates are what the deadline rules give for each case and its pauses.
  const pauses = await db.selectFrom('case_pauses').selectAll().execute()
  let checked = 0
  for (const c of cases) {
    const mine = pauses.filter((p) => p.case_id === c.id).map((p) => ({ start: p.started_at, end: p.ended_at }))
    const d = computeCaseDeadline({
      receivedAt: c.received_at,
      verifiedAt: c.channel === 'web' || c.channel === 'api' ? c.verified_at : null,
      pauses: mine,
      extended: c.extended === 1,
      today: '2026-11-25',
      immediate: isImmediate(c.type, c.relationship),
    })
    if (d.dueDate === c.due_date) checked++
  }
  t.equal(checked, cases.length, 'every due date matches computeCaseDeadline')
  t.ok(pauses.some((p) => p.ended_at === null), 'open pauses for cases awaiting the requester')
  t.equal(pauses.filter((p) => p.ended_at === null).length, cases.filter((c) => c.status === 'awaiting_requester').length)

  const events = await db.selectFrom('case_events').select(['case_id', 'kind']).execute()
  for (const c of cases.slice(0, 200)) {
    const kinds = events.filter((e) => e.case_id === c.id).map((e) => e.kind)
    t.ok(kinds.includes('submitted') && (kinds.includes('verified') || kinds.includes('registered')), `${c.reference}: submitted and verified/registered events`)
  }
  t.equal(res.events, events.length)

  // The next real case continues the sequence.
  const last2026 = byYear('2026').at(-1)!
  const next = await insertCase(db, { ...cases[0], id: undefined } as never, 2026)
  t.equal(next.reference, `DSR-2026-${String(last2026 + 1).padStart(6, '0')}`)

  // A second run continues numbering and reuses the handlers.
  const again = await seedDatabase(db, { cases: 100, staff: 4, now: NOW, seed: 4 })
  t.same(again.staffIds, res.staffIds)
  const all = await db.selectFrom('cases').select('reference').execute()
  t.equal(new Set(all.map((r) => r.reference)).size, 1601)
  t.equal((await verifyAuditChain(db)).rows, 2, 'each run is in the audit log')
})

t.test('the same seed gives the same data', async (t) => {
  const snapshot = async () => {
    const db = await testDb(t)
    await seedDatabase(db, { cases: 200, staff: 2, now: NOW, seed: 11 })
    return db.selectFrom('cases').select(['reference', 'email', 'status', 'due_date', 'type']).orderBy('id').execute()
  }
  t.same(await snapshot(), await snapshot())
})

t.test('npm run seed -- --cases N --db PATH', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-seed-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = await testDatabaseUrl(t, join(dir, 'seed.db'))
  const script = fileURLToPath(new URL('../../scripts/seed.ts', import.meta.url))
  const run = spawnSync(process.execPath, [...TS_CHILD, script, '--cases', '120', '--staff', '2', '--db', file], { encoding: 'utf8', env: childEnv(process.env) })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /Done: 120 cases/)
  const db = createDb(file)
  t.teardown(() => db.destroy())
  t.equal((await db.selectFrom('cases').select('id').execute()).length, 120)
  const bad = spawnSync(process.execPath, [...TS_CHILD, script, '--cases', 'many', '--db', file], { encoding: 'utf8', env: childEnv(process.env) })
  t.equal(bad.status, 1)
  t.match(bad.stderr, /--cases must be a whole number/)
})
