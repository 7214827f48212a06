import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { verifySignature } from '../../src/connectors/webhook.js'
import { checklistFor } from '../../src/registers/recipient-checklist.js'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'
import { unzip } from '../helpers/package.js'
import { apiTokenFor } from '../helpers/staff.js'
import { sqliteApp, tables } from '../connectors/customer-app.js'

/**
 * The fulfilment path end to end, through the app's own wiring (connectorFor, the stored and
 * sealed configs, the task worker), with no stand-in connector: an address found in two connected
 * systems — a customer database (a SQLite file under DATA_DIR) and a CRM reached by a signed
 * webhook — ends with the data from both in the access package; an erasure removes it from both
 * after one approval; and the case cannot be completed while a task is open.
 */

const SECRET = 'whsec-two-systems-0123456789'

/** A CRM with a webhook endpoint: checks each signature, answers access with its records and erasure by forgetting them. */
async function crm() {
  const people = new Map<string, { name: string; plan: string }>([['anna@example.se', { name: 'Anna Andersson', plan: 'Guld' }]])
  const bad: string[] = []
  const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')))
    req.on('end', () => resolve(raw))
  })
  const server = createServer(async (req, res) => {
    const raw = await body(req)
    if (!verifySignature(SECRET, req.headers['x-dsr-signature'] as string | undefined, raw, 300)) {
      bad.push(raw)
      res.writeHead(401).end()
      return
    }
    const task = JSON.parse(raw) as { action: string; subject: { email: string } }
    const person = people.get(task.subject.email.toLowerCase())
    res.setHeader('content-type', 'application/json')
    if (!person) return res.end(JSON.stringify({ status: 'not_found' }))
    if (task.action === 'access') return res.end(JSON.stringify({ status: 'completed', records: [{ email: task.subject.email, ...person }] }))
    if (task.action === 'erasure') {
      people.delete(task.subject.email.toLowerCase())
      return res.end(JSON.stringify({ status: 'completed', message: 'Kunden raderad' }))
    }
    res.end(JSON.stringify({ status: 'failed', message: 'not supported' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dsr`, people, bad, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

t.test('an address in two connected systems: both in the package, both erased after one approval, the case closes only when every task is done', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'two-systems-'))
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir } })
  const { app } = ctx
  const shopDb = sqliteApp(dataDir)
  const receiver = await crm()
  t.teardown(receiver.close)

  const admin = await apiTokenFor(app, await insertStaff(app, 'admin'))
  const handler = await apiTokenFor(app, await insertStaff(app, 'handler'))
  const api = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as never }) })
  const system = (key: string, kind: string, config: unknown, extra: object = {}) => ({ key, name: { sv: key, en: key }, kind, purposes: ['customer_relations'], config, ...extra })
  const crmHost = { name: { sv: 'CRM Moln AB', en: 'CRM Cloud Ltd' }, description: { sv: 'Driftar vårt CRM.', en: 'Runs our CRM.' } }
  t.equal((await api(admin, 'POST', '/api/v1/systems', system('shop', 'sql', { url: 'shop.db', tables: tables() }))).statusCode, 201, 'the customer database is added')
  t.equal((await api(admin, 'POST', '/api/v1/systems', system('crm', 'webhook', { url: receiver.url, secret: SECRET }, { recipients: [crmHost] }))).statusCode, 201, 'the CRM is added')
  const tested = (await api(admin, 'POST', '/api/v1/systems/shop/test')).json()
  t.equal(tested.ok, true, 'Test connection finds every table and column')

  // Access: both systems are searched by the task worker, and the package carries what each holds.
  const { case: access } = await openCase(ctx, { type: 'access', relationship: 'customer_contact', email: 'anna@example.se' })
  await app.tasks.runDue()
  const accessTasks = (await api(handler, 'GET', `/api/v1/cases/${access.id}/tasks`)).json().items as Array<{ system: string; status: string }>
  t.match(Object.fromEntries(accessTasks.map((x) => [x.system, x.status])), { shop: 'completed', crm: 'completed' }, 'both systems searched and found the person')
  t.equal((await api(handler, 'POST', `/api/v1/cases/${access.id}/package/compile`, {})).statusCode, 201)
  const files = await unzip((await api(handler, 'GET', `/api/v1/cases/${access.id}/package/preview`)).rawPayload)
  const doc = JSON.parse(files.get([...files.keys()].find((f) => f.endsWith('.json'))!)!.toString('utf8'))
  t.match(doc.records.systems.shop, { customers: [{ name: 'Anna Andersson', email: 'anna@example.se' }] }, 'the customer database row')
  t.equal(doc.records.systems.shop.orders.length, 2, 'both orders, the address matched whatever its case')
  t.match(doc.records.systems.crm, [{ name: 'Anna Andersson', plan: 'Guld' }], "the CRM's records as it sent them")
  // Art. 15(1)(a): the purposes are those of the systems where the data was found.
  const purposes = doc.information.purposes as Array<{ id: string; systems: string[] }>
  t.same([...(purposes.find((p) => p.id === 'customer_relations')?.systems ?? [])].sort(), ['crm', 'shop'], 'the purpose applies because of both systems')

  // Erasure: both wait for one approval; the case cannot close until they are done.
  const { case: erasure } = await openCase(ctx, { type: 'erasure', relationship: 'customer_contact', email: 'anna@example.se' })
  await app.tasks.runDue()
  const waiting = (await api(handler, 'GET', `/api/v1/cases/${erasure.id}/tasks`)).json().items as Array<{ system: string; status: string }>
  t.match(Object.fromEntries(waiting.map((x) => [x.system, x.status])), { shop: 'awaiting_approval', crm: 'awaiting_approval' }, 'nothing is changed before approval')
  t.equal(shopDb.query(`select * from customers where email = 'anna@example.se'`).length, 1, 'the row is still there')
  await api(handler, 'POST', `/api/v1/cases/${erasure.id}/status`, { status: 'in_progress' })
  const early = await api(handler, 'POST', `/api/v1/cases/${erasure.id}/status`, { status: 'completed' })
  t.equal(early.statusCode, 409)
  t.equal(early.json().error, 'tasks_open', 'a case cannot be completed while a task is open')

  t.equal((await api(handler, 'POST', `/api/v1/cases/${erasure.id}/tasks/approve`, {})).statusCode, 200, 'one approval for all')
  await app.tasks.runDue()
  const done = (await api(handler, 'GET', `/api/v1/cases/${erasure.id}/tasks`)).json().items as Array<{ system: string; status: string; result?: { rows?: Record<string, number> } }>
  t.match(Object.fromEntries(done.map((x) => [x.system, x.status])), { shop: 'completed', crm: 'completed' })
  t.same(done.find((x) => x.system === 'shop')?.result?.rows, { customers: 1, orders: 2 }, 'the rows affected are recorded')
  t.same(shopDb.query(`select * from customers where lower(email) = 'anna@example.se'`), [], 'gone from the customer database')
  t.same(shopDb.query(`select address from orders where lower(customer_email) = 'anna@example.se'`), [{ address: null }, { address: null }], 'her orders keep no address')
  t.equal(shopDb.query(`select * from customers where email = 'bo@example.se'`).length, 1, 'nobody else is touched')
  t.notOk(receiver.people.has('anna@example.se'), 'gone from the CRM')
  t.same(receiver.bad, [], 'every call was signed')
  // Art. 19: the recipients of every system where the data was found are on the list to tell, the CRM's included.
  const toTell = await checklistFor(app.db, await app.cases.get(erasure.id), 'en', app.config.suppressionKey)
  t.ok(toTell.some((r) => r.name === 'CRM Cloud Ltd'), "the CRM's recipient is on the Art. 19 list")

  const closed = await api(handler, 'POST', `/api/v1/cases/${erasure.id}/status`, { status: 'completed' })
  t.equal(closed.statusCode, 200, 'every task done: the case completes')
})
