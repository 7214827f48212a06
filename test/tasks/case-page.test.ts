import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { unzip } from '../helpers/package.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'
import type { Connector } from '../../src/connectors/contract.js'

/** The case page's Systems section, its forms, the status page's count, and the package's records from the systems. */
async function addSystem(app: FastifyInstance, key: string, kind: string, name: string) {
  const at = app.clock().toISOString()
  await app.db.insertInto('systems').values({ key, name: JSON.stringify({ sv: name, en: name }), kind, owner_team_id: null, data_categories: '[]', recipients: '[]', transfers: '[]', created_at: at, updated_at: at }).execute()
}

const found = [{ table: 'customers', email: 'x', city: 'Umeå' }]
const connector: Connector = {
  test: async () => [],
  plan: async () => ({ summary: 'delete 1 row from customers; null address in orders (2 rows)', steps: [], possible: true }),
  run: async (req) => (req.action === 'access' ? { kind: 'done', status: 'completed', records: { customers: found } } : { kind: 'done', status: 'completed', rows: { customers: 1, orders: 2 } }),
}

async function setup(t: Test) {
  const ctx = await buildTestApp(t, { app: { connectors: async (key) => (key.startsWith('shop') ? connector : null) } })
  await addSystem(ctx.app, 'shop_a', 'webhook', 'Webbutik A')
  await addSystem(ctx.app, 'shop_b', 'sql', 'Webbutik B')
  await addSystem(ctx.app, 'binders', 'manual', 'Pärmarna')
  const handler = await createStaff(ctx.app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(ctx.app, jar, handler)
  return { ...ctx, handler, jar }
}

t.test('a handler approves an erasure from the case page, marks and waives the rest, and completes', async (t) => {
  const ctx = await setup(t)
  const { app, jar } = ctx
  const { case: c, statusToken } = await openCase(ctx, { type: 'erasure' })
  const page = `/staff/cases/${c.id}`
  let html = (await app.inject({ url: page, headers: { cookie: jar.header } })).body
  t.match(html, /id="tasks"/)
  t.match(html, /Godkänn alla ändringar/)
  t.match(html, /Webbutik A<\/strong>: delete 1 row from customers; null address in orders \(2 rows\)/, 'each plan is shown before approval')
  t.match(html, /Väntar på godkännande/)
  t.match(html, /Pärmarna/)
  t.match((await app.inject({ url: `/status/${statusToken}` })).body, /Vi har sökt i 2 av 5 system\./, 'the registers are searched; three systems are not yet')

  let res = await staffForm(app, jar, page, {}, { postPath: `${page}/tasks/approve` })
  t.equal(res.statusCode, 303)
  t.match(res.headers.location, /done=tasks#tasks/)
  t.same(await app.tasks.runDue(), { done: 2, later: 0, retried: 0, failed: 0 })
  html = (await app.inject({ url: page, headers: { cookie: jar.header } })).body
  t.match(html, /customers: 1 rader, orders: 2 rader/)
  t.match(html, /Kandidatregistret: 0 rader/, "a register's rows are counted under its name")
  t.notMatch(html, /candidates: \d+ rader|newsletter: \d+ rader/, 'not under its key')
  // The timeline names the systems as the map does, never by their keys.
  const timeline = /<ol class="timeline"[\s\S]*?<\/ol>/.exec(html)?.[0] ?? ''
  t.match(timeline, /System att söka/, 'the tasks were created on the timeline')
  t.match(timeline, /Webbutik A/, 'by name')
  t.match(timeline, /Pärmarna/)
  t.notMatch(timeline, /shop_a|shop_b|binders/, 'no system key on the timeline')
  t.match(html, /Godkänd av .*delete 1 row/)
  t.notMatch(html, /Godkänn alla ändringar/)

  const binders = (await app.tasks.list(c.id)).find((x) => x.system === 'binders')!
  res = await staffForm(app, jar, page, { reason: '' }, { postPath: `${page}/tasks/${binders.id}/waive` })
  t.match(res.headers.location, new RegExp(`taskProblem=reason_required&task=${binders.id}#tasks`))
  html = (await app.inject({ url: res.headers.location as string, headers: { cookie: jar.header } })).body
  t.match(html, /Skriv varför systemet inte behöver göras\./, 'the refusal is shown at the task')

  res = await staffForm(app, jar, page, { status: 'completed' }, { postPath: `${page}/status`, formPath: page })
  res = await staffForm(app, jar, page, { status: 'in_progress' }, { postPath: `${page}/status` })
  res = await staffForm(app, jar, page, { status: 'completed' }, { postPath: `${page}/status` })
  t.equal(res.statusCode, 409, 'the status form refuses while a task is open')
  t.match(res.body, /1 system är inte klara/)

  res = await staffForm(app, jar, page, { status: 'not_found', note: 'Inget i pärmarna' }, { postPath: `${page}/tasks/${binders.id}/complete` })
  t.equal(res.statusCode, 303)
  res = await staffForm(app, jar, page, { status: 'completed' }, { postPath: `${page}/status` })
  t.equal(res.statusCode, 303, 'every system done: the case completes')
  t.match((await app.inject({ url: `/status/${statusToken}` })).body, /Vi har sökt i 5 av 5 system\./)
})

t.test("an access package carries each system's records and names the systems searched; results go with the package", async (t) => {
  const ctx = await setup(t)
  const { app, handler } = ctx
  const { case: c } = await openCase(ctx, { type: 'access' })
  await app.tasks.runDue()
  const token = await apiTokenFor(app, handler)
  const auth = { authorization: `Bearer ${token}` }
  const compiled = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/compile`, headers: auth, payload: {} })
  t.equal(compiled.statusCode, 201)
  const zip = await app.inject({ url: `/api/v1/cases/${c.id}/package/preview`, headers: auth })
  const files = await unzip(zip.rawPayload)
  const name = [...files.keys()].find((f) => f.endsWith('.json'))!
  const doc = JSON.parse(files.get(name)!.toString('utf8'))
  t.same(doc.records.systems, { shop_a: { customers: found }, shop_b: { customers: found } })
  t.same(
    doc.systemsSearched.map((s: { system: string; found: boolean }) => [s.system, s.found]).sort(),
    [['candidates', false], ['newsletter', false], ['shop_a', true], ['shop_b', true]],
  )

  const report = files.get('report.html')!.toString('utf8')
  t.match(report, /System vi har sökt i/)
  t.match(report, /shop_a: uppgifter om dig finns/)
  t.match(report, /candidates: inga uppgifter om dig/)

  await app.db.transaction().execute(async (trx) => {
    const { clearCaseTaskResults } = await import('../../src/tasks/engine.js')
    await clearCaseTaskResults(trx, c.id, app.clock())
  })
  t.notOk((await app.tasks.list(c.id)).some((x) => x.result), 'results deleted, states kept')
})

t.test('a handler removes a system from the case and adds one, each with a reason on the timeline', async (t) => {
  const ctx = await setup(t)
  const { app, jar } = ctx
  const { case: c } = await openCase(ctx, { type: 'access', relationship: 'candidate' })
  const page = `/staff/cases/${c.id}`
  t.notOk((await app.tasks.list(c.id)).some((x) => x.system === 'binders'), 'the map brings no unlinked system for a candidate')
  t.match((await app.inject({ url: page, headers: { cookie: jar.header } })).body, /<option value="binders">Pärmarna<\/option>/)

  let res = await staffForm(app, jar, page, { system: 'binders', reason: '' }, { postPath: `${page}/tasks/add` })
  t.match(res.headers.location, /taskProblem=reason_required/)
  res = await staffForm(app, jar, page, { system: 'nope', reason: 'Nämndes i mejlet' }, { postPath: `${page}/tasks/add` })
  t.match(res.headers.location, /taskProblem=system_unavailable/)
  res = await staffForm(app, jar, page, { system: 'binders', reason: 'Personen nämnde pappersansökan' }, { postPath: `${page}/tasks/add` })
  t.equal(res.statusCode, 303)
  const binders = (await app.tasks.list(c.id)).find((x) => x.system === 'binders')!
  t.equal(binders.status, 'pending')
  res = await staffForm(app, jar, page, { system: 'binders', reason: 'Igen' }, { postPath: `${page}/tasks/add` })
  t.match(res.headers.location, /taskProblem=system_unavailable/, 'not twice')

  res = await staffForm(app, jar, page, { reason: 'Pappersansökningar gallras efter ett år' }, { postPath: `${page}/tasks/${binders.id}/remove` })
  t.equal(res.statusCode, 303)
  t.equal((await app.tasks.list(c.id)).find((x) => x.id === binders.id)?.status, 'cancelled')
  const html = (await app.inject({ url: page, headers: { cookie: jar.header } })).body
  t.match(html, /System tillagt/)
  t.match(html, /Personen nämnde pappersansökan/)
  t.match(html, /System borttaget/)
  t.match(html, /Pappersansökningar gallras efter ett år/)
})

t.test("a manual system's owner team finds its open tasks in the queue", async (t) => {
  const ctx = await setup(t)
  const { app, jar, handler } = ctx
  const team = await app.db.selectFrom('teams').select('id').orderBy('id').executeTakeFirstOrThrow()
  await app.db.updateTable('systems').set({ owner_team_id: team.id }).where('key', '=', 'binders').execute()
  t.notMatch((await app.inject({ url: '/staff', headers: { cookie: jar.header } })).body, /id="owner-tasks"/, 'not a member: no section')
  await app.db.insertInto('team_members').values({ team_id: team.id, staff_id: handler.id }).execute()
  const { case: c } = await openCase(ctx, { type: 'erasure' })
  const binders = (await app.tasks.list(c.id)).find((x) => x.system === 'binders')!
  const html = (await app.inject({ url: '/staff', headers: { cookie: jar.header } })).body
  t.match(html, /System som era team gör för hand/)
  t.match(html, new RegExp(`href="/staff/cases/${c.id}#task-${binders.id}">${c.reference}</a> · Pärmarna · Radera · Väntar på ägaren`))
  await app.tasks.complete(handler, c.id, binders.id, 'completed', null)
  t.notMatch((await app.inject({ url: '/staff', headers: { cookie: jar.header } })).body, /id="owner-tasks"/, 'done: gone from the queue')
})
