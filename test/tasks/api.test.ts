import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'
import { insertSubscriber } from '../helpers/package.js'
import type { Callback, Connector, TaskRequest } from '../../src/connectors/contract.js'

/**
 * The task engine against real parts (the app, its database, the API): a connected system stood in
 * for by a connector that is down for a while, answers later by callback, and plans erasures; a
 * manual system its owner marks by hand; the registers searched at once.
 */
async function addSystem(app: FastifyInstance, key: string, kind: string) {
  const at = app.clock().toISOString()
  await app.db
    .insertInto('systems')
    .values({ key, name: JSON.stringify({ sv: `System ${key}`, en: `System ${key}` }), kind, owner_team_id: null, data_categories: '[]', recipients: '[]', transfers: '[]', created_at: at, updated_at: at })
    .execute()
}

function fakeConnector() {
  const state = { down: 0, calls: [] as TaskRequest[], callback: null as Callback | null, answer: 'later' as 'later' | 'done' }
  const connector: Connector = {
    test: async () => [],
    plan: async (req) => ({ summary: `delete 1 row from customers (${req.action})`, steps: [{ table: 'customers', description: 'delete', rows: 1 }], possible: true }),
    run: async (req, callback) => {
      state.calls.push(req)
      state.callback = callback
      if (state.down > 0) {
        state.down--
        throw new Error('connect ECONNREFUSED')
      }
      return state.answer === 'later' ? { kind: 'later' } : { kind: 'done', status: 'completed', rows: { customers: 1 } }
    },
  }
  return { state, lookup: async (key: string) => (key === 'crm' ? connector : null) }
}

async function setup(t: Test) {
  const fake = fakeConnector()
  const ctx = await buildTestApp(t, { app: { connectors: fake.lookup } })
  await addSystem(ctx.app, 'crm', 'webhook')
  await addSystem(ctx.app, 'paper', 'manual')
  const handler = await createStaff(ctx.app, { role: 'handler' })
  const viewer = await createStaff(ctx.app, { role: 'viewer' })
  const tokens = { handler: await apiTokenFor(ctx.app, handler), viewer: await apiTokenFor(ctx.app, viewer) }
  const call = (who: keyof typeof tokens, method: 'GET' | 'POST', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload !== undefined ? { payload } : {}) })
  return { ctx, fake, call }
}

type Item = { id: number; system: string; action: string; status: string; approvedBy?: string; planSummary?: string; result?: { rows?: Record<string, number>; records?: unknown; message?: string } }
const bySystem = (items: Item[]) => Object.fromEntries(items.map((i) => [i.system, i]))

t.test('an access request: registers searched at once, the connected system retried then answering by callback, completion gated', async (t) => {
  const { ctx, fake, call } = await setup(t)
  const { app, clock } = ctx
  fake.state.down = 1
  const { case: c } = await openCase(ctx)
  const list = await call('viewer', 'GET', `/api/v1/cases/${c.id}/tasks`)
  t.equal(list.statusCode, 200)
  let tasks = bySystem(list.json().items)
  t.same(Object.keys(tasks).sort(), ['candidates', 'crm', 'newsletter', 'paper'], 'every system for an unknown relationship')
  t.equal(tasks.newsletter.status, 'not_found', 'the registers are searched at once')
  t.equal(tasks.crm.status, 'running', 'access on a connected system starts at once')
  t.equal(tasks.paper.status, 'pending', 'a manual system waits for its owner')

  t.same(await app.tasks.runDue(), { done: 0, later: 0, retried: 1, failed: 0 }, 'down: tried again later')
  t.same(await app.tasks.runDue(), { done: 0, later: 0, retried: 0, failed: 0 }, 'not before the backoff')
  clock.advance(31_000)
  t.same(await app.tasks.runDue(), { done: 0, later: 1, retried: 0, failed: 0 }, 'up: answers later')
  t.equal(fake.state.calls[1].subject.email, c.email)
  const cb = fake.state.callback!
  t.equal(cb.url, `https://portal.test/api/v1/tasks/${tasks.crm.id}/callback`)

  await call('handler', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'in_progress' })
  const blocked = await call('handler', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'completed' })
  t.equal(blocked.statusCode, 409)
  t.equal(blocked.json().error, 'tasks_open')
  t.match(blocked.json().message, /2/)

  const url = `/api/v1/tasks/${tasks.crm.id}/callback`
  const body = { status: 'completed', records: [{ table: 'customers', email: c.email, city: 'Umeå' }], message: 'found 1' }
  t.equal((await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer wrong' }, payload: body })).statusCode, 401, 'wrong token')
  t.equal((await app.inject({ method: 'POST', url, payload: body })).statusCode, 401, 'no token')
  const big = { status: 'completed', records: [{ blob: 'x'.repeat(6 * 1024 * 1024) }] }
  t.equal((await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${cb.token}` }, payload: big })).statusCode, 413, 'too large')
  t.equal((await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${cb.token}` }, payload: body })).statusCode, 204)
  t.equal((await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${cb.token}` }, payload: body })).statusCode, 409, 'a second answer')

  tasks = bySystem((await call('viewer', 'GET', `/api/v1/cases/${c.id}/tasks`)).json().items)
  t.equal(tasks.crm.status, 'completed')
  t.same(tasks.crm.result?.records, body.records)

  t.equal((await call('viewer', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.paper.id}/complete`, { status: 'not_found' })).statusCode, 403, 'viewers read only')
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.paper.id}/complete`, { status: 'waived' })).statusCode, 400, 'not a hand outcome')
  const marked = await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.paper.id}/complete`, { status: 'not_found', note: 'Inget i pärmen' })
  t.equal(marked.statusCode, 200)
  t.equal(marked.json().status, 'not_found')
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.paper.id}/complete`, { status: 'completed' })).statusCode, 409, 'final')
  t.equal((await call('handler', 'POST', `/api/v1/cases/999999/tasks/${tasks.paper.id}/complete`, { status: 'completed' })).statusCode, 404)
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/abc/complete`, { status: 'completed' })).statusCode, 404)

  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'completed' })).statusCode, 200, 'every task done: the case completes')
})

t.test('an erasure: changes wait for one approval of the plan shown; waived with a reason goes into the letter', async (t) => {
  const { ctx, fake, call } = await setup(t)
  const { app } = ctx
  fake.state.answer = 'done'
  await insertSubscriber(app, 'kept@example.se')
  const { case: c } = await openCase(ctx, { type: 'erasure', email: 'kept@example.se' })
  let tasks = bySystem((await call('viewer', 'GET', `/api/v1/cases/${c.id}/tasks`)).json().items)
  t.equal(tasks.crm.status, 'awaiting_approval')
  t.equal(tasks.crm.action, 'erasure')
  t.equal(tasks.newsletter.status, 'pending', "a register holding the address: its change is the handler's")
  t.equal(tasks.candidates.status, 'not_found', 'a register without the address has nothing to change')
  t.same(await app.tasks.runDue(), { done: 0, later: 0, retried: 0, failed: 0 }, 'nothing runs before approval')
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.paper.id}/waive`, { reason: ' ' })).statusCode, 400, 'a reason is needed')

  const approved = await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/approve`, {})
  t.equal(approved.statusCode, 200)
  t.equal(approved.json().items.length, 1)
  t.equal(approved.json().items[0].planSummary, 'delete 1 row from customers (erasure)')
  t.match(approved.json().items[0].approvedBy, /@/)
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/approve`, {})).json().error, 'nothing_to_approve')
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/approve`)).json().error, 'nothing_to_approve', 'no body: all waiting')
  t.same(await app.tasks.runDue(), { done: 1, later: 0, retried: 0, failed: 0 })

  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.newsletter.id}/complete`, { status: 'completed', note: 'Raderad i registret' })).statusCode, 200)
  const waived = await call('handler', 'POST', `/api/v1/cases/${c.id}/tasks/${tasks.paper.id}/waive`, { reason: 'Bokföringslagen kräver att fakturan sparas' })
  t.equal(waived.json().status, 'waived')
  tasks = bySystem((await call('viewer', 'GET', `/api/v1/cases/${c.id}/tasks`)).json().items)
  t.equal(tasks.crm.status, 'completed')
  t.same(tasks.crm.result?.rows, { customers: 1 })

  await call('handler', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'in_progress' })
  t.equal((await call('handler', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'completed' })).statusCode, 200)
  const letter = await app.db.selectFrom('case_messages').select('body').where('case_id', '=', c.id).where('direction', '=', 'out').execute()
  t.ok(letter.some((m) => m.body.includes('Bokföringslagen kräver att fakturan sparas') && m.body.includes('paper')), 'the kept data and why, in the closing letter')
})

t.test('rejecting a case cancels its open tasks; a question has none', async (t) => {
  const { ctx, call } = await setup(t)
  const { case: c } = await openCase(ctx, { type: 'erasure' })
  const rejected = await call('handler', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'rejected', reason: 'Kunde inte identifieras' })
  t.equal(rejected.statusCode, 200)
  const items: Item[] = (await call('viewer', 'GET', `/api/v1/cases/${c.id}/tasks`)).json().items
  const status = Object.fromEntries(items.map((i) => [i.system, i.status]))
  t.same(status, { newsletter: 'not_found', candidates: 'not_found', crm: 'cancelled', paper: 'cancelled' }, 'the open ones are cancelled; what was found stays')
  const q = await openCase(ctx, { type: 'question' })
  t.same((await call('viewer', 'GET', `/api/v1/cases/${q.case.id}/tasks`)).json().items, [])
})

t.test('an unsubscribe closed at once has its newsletter task completed', async (t) => {
  const { ctx, call } = await setup(t)
  const { case: c } = await openCase(ctx, { type: 'unsubscribe' })
  const items: Item[] = (await call('viewer', 'GET', `/api/v1/cases/${c.id}/tasks`)).json().items
  t.same(items.map((i) => [i.system, i.status]), [['newsletter', 'completed']])
})

t.test('a connected system down for good: the task fails after its tries and blocks the case', async (t) => {
  const { ctx, fake } = await setup(t)
  const { app, clock } = ctx
  fake.state.down = 100
  await openCase(ctx)
  let failed = 0
  for (let i = 0; i < 10; i++) {
    failed += (await app.tasks.runDue()).failed
    clock.advance(3_600_000)
  }
  t.equal(failed, 1)
})

t.test('a stranger at the callback: the same token twice at once, broken bodies, odd task ids', async (t) => {
  const { ctx, fake } = await setup(t)
  const { app } = ctx
  await openCase(ctx)
  await app.tasks.runDue()
  const cb = fake.state.callback!
  const url = new URL(cb.url).pathname
  const auth = { authorization: `Bearer ${cb.token}` }
  for (const [name, payload, type] of [
    ['a JSON list', '[1]', 'application/json'],
    ['an unknown status', JSON.stringify({ status: 'bogus' }), 'application/json'],
    ['broken JSON', '{"status": "completed"', 'application/json'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': type }, payload })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${name}: refused with ${res.statusCode}, not a server error`)
  }
  for (const id of ['abc', '0', '99999999999999999999', '1e3']) {
    const res = await app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/callback`, headers: auth, payload: { status: 'completed' } })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `task id ${id}: ${res.statusCode}`)
  }
  // Two deliveries of the same answer racing each other (a retrying sender): exactly one is taken.
  const both = await Promise.all([0, 1].map(() => app.inject({ method: 'POST', url, headers: auth, payload: { status: 'completed', records: [] } })))
  t.same(both.map((r) => r.statusCode).sort(), [204, 409], 'one 204, one 409')
})
