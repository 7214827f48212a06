import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../../src/cli.js'
import { createDb } from '../../src/db/connection.js'
import { DataMap } from '../../src/datamap/service.js'
import { CLI } from '../../src/staff/actor.js'
import { PUBLIC_URL } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'
import { runCli } from '../helpers/server.js'

/** Issue 19 §1: `dsr-portal doctor` lists what keeps the map from being published and exits 1 until nothing does. */

const ENV = (db: string) => ({ NODE_ENV: 'test', DATABASE_URL: db, PUBLIC_URL, SESSION_SECRET: 'doctor-test-session-secret-0123456789' })

async function tempDb(t: Test): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-doctor-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return testDatabaseUrl(t, join(dir, 'portal.db'))
}

async function doctor(db: string, ...flags: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(['doctor', ...flags], { env: ENV(db), out: (s) => out.push(s), err: (s) => err.push(s), now: () => new Date('2026-11-25T09:00:00Z') })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const DECIDED = { article: 'Art. 6(1)(f)', text: { sv: 'Intresseavvägning.', en: 'Legitimate interest.' } }

t.test('doctor: 1 while a purpose has no decided basis or a system no owner, 0 once every one has', async (t) => {
  const url = await tempDb(t)
  const first = await doctor(url)
  t.equal(first.code, 1)
  t.match(first.out, /^Not ready to publish \(5\):/)
  for (const key of ['events_travel', 'questions', 'product_development', 'statistics_advertising', 'customer_relations']) t.match(first.out, `[purpose ${key}]`)
  t.notMatch(first.out, /\[purpose newsletter\]\n/, 'a decided purpose is not listed as a problem')
  t.match(first.out, 'The purpose “Company events and travel” has no decided legal basis.')
  t.match(first.out, /Worth a look \(does not block\):\n.*No system on the map serves the purpose “Employees and subcontractors”/)

  const json = await doctor(url, '--json')
  t.equal(json.code, 1)
  const report = JSON.parse(json.out)
  t.equal(report.ready, false)
  t.same(report.problems.map((p: { code: string }) => p.code), Array(5).fill('purpose_basis_undecided'))

  const db = createDb(url)
  t.teardown(() => db.destroy())
  const map = new DataMap({ db, now: () => new Date('2026-11-25T09:00:00Z') })
  for (const key of ['events_travel', 'questions', 'product_development', 'statistics_advertising']) await map.updatePurpose(CLI, key, { legalBasis: DECIDED })
  t.equal((await doctor(url)).code, 1, 'one purpose still undecided')
  await map.updatePurpose(CLI, 'customer_relations', { legalBasis: DECIDED })
  const ready = await doctor(url)
  t.equal(ready.code, 0, 'every purpose has a basis: exit 0')
  t.match(ready.out, /^Ready to publish/)
  t.match(ready.out, /Worth a look/, 'advice is still shown, and does not block')

  await map.createSystem(CLI, { key: 'crm', name: { sv: 'Kundregistret', en: 'Customer register' } })
  const ownerless = await doctor(url)
  t.equal(ownerless.code, 1)
  t.match(ownerless.out, 'The system “Customer register” has no owner team. [system crm]')
  await map.updateSystem(CLI, 'crm', { ownerTeam: 'customer_relations' })
  t.equal((await doctor(url)).code, 0)

  const audit = await db.selectFrom('audit_log').select(['actor_type', 'action']).where('action', 'like', 'datamap.%').execute()
  t.equal(audit.length, 7, 'changes from the command line are audited too')
  t.ok(audit.every((a) => a.actor_type === 'cli'))
})

t.test('doctor as a process: the exit code the shell sees', async (t) => {
  const url = await tempDb(t)
  const before = await runCli(['doctor'], ENV(url))
  t.equal(before.code, 1, before.out)
  t.match(before.out, /Not ready to publish/)
  const db = createDb(url)
  t.teardown(() => db.destroy())
  const map = new DataMap({ db, now: () => new Date() })
  for (const p of await map.purposes()) if (!p.legalBasis) await map.updatePurpose(CLI, p.id, { legalBasis: DECIDED })
  const after = await runCli(['doctor'], ENV(url))
  t.equal(after.code, 0, after.out)
  t.equal((await runCli(['doctor', '--bogus'], ENV(url))).code, 2, 'an unknown flag')
})
