import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Connector, TaskRequest } from '../../src/connectors/contract.js'
import { sqlConnector, type SqlTableConfig } from '../../src/connectors/sql.js'
import { PG_BASE, postgresApp, sqliteApp, tables } from './customer-app.js'

/** The sql connector against real databases: a SQLite file and a PostgreSQL schema standing in for a customer app. */

const CALLBACK = { url: 'https://portal.test/api/v1/tasks/t1/callback', token: 'unused' }
const req = (action: TaskRequest['action'], extra: Partial<TaskRequest> = {}): TaskRequest => ({ taskId: 't1', caseReference: 'DSR-2026-0001', action, subject: { email: 'anna@example.se', name: 'Anna' }, lang: 'sv', ...extra })

interface Backend {
  name: string
  make(t: Test): Promise<{ connector: (list?: SqlTableConfig[]) => Connector; query: (text: string) => Promise<unknown[]> }>
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async make() {
      const dir = mkdtempSync(join(tmpdir(), 'sql-conn-'))
      const app = sqliteApp(dir)
      return { connector: (list = tables()) => sqlConnector({ url: app.file, tables: list, sqliteFile: app.file, allowPrivate: false }), query: async (text) => app.query(text) }
    },
  },
  {
    name: 'PostgreSQL',
    async make(t) {
      const app = await postgresApp(t)
      return { connector: (list = tables(`${app.schema}.`)) => sqlConnector({ url: PG_BASE, tables: list, sqliteFile: null, allowPrivate: false }), query: app.query }
    },
  },
]

for (const b of backends) {
  t.test(`${b.name}: test() checks each table and column`, async (t) => {
    const { connector } = await b.make(t)
    const good = await connector().test()
    t.same(good.map((c) => c.ok), [true, true])
    const list = tables(b.name === 'PostgreSQL' ? ((await connector().test())[0].table.split('.')[0] + '.') : '')
    list[0].access.push('phone')
    list[1].table = list[1].table.replace('orders', 'invoices')
    const bad = await connector(list).test()
    t.same(bad.map((c) => [c.ok, c.message]), [[false, 'no column phone'], [false, 'no such table']])
    await t.rejects(connector(list).plan(req('erasure')), /does not match the system's config/, 'no statement is built from a name the database lacks')
  })

  t.test(`${b.name}: access reads the columns, matching the address case-insensitively, read-only`, async (t) => {
    const { connector } = await b.make(t)
    const out = await connector().run(req('access'), CALLBACK)
    t.match(out, { kind: 'done', status: 'completed' })
    const records = (out as { records: Record<string, unknown[]> }).records
    t.same(Object.keys(records).map((k) => k.replace(/^.*\./, '')), ['customers', 'orders'])
    t.same(Object.values(records)[0], [{ name: 'Anna Andersson', email: 'anna@example.se' }])
    t.same(Object.values(records)[1], [{ address: 'Storgatan 1', total: 100 }, { address: 'Storgatan 1', total: 250 }])
    t.match(await connector().run(req('access', { subject: { email: 'nobody@example.se' } }), CALLBACK), { kind: 'done', status: 'not_found', records: {} })
  })

  t.test(`${b.name}: erasure is planned exactly, then deleted and nulled in one transaction, with row counts`, async (t) => {
    const { connector, query } = await b.make(t)
    const plan = await connector().plan(req('erasure'))
    const strip = (s: string) => s.replace(/shop_[0-9a-f]+\./g, '')
    t.equal(strip(plan.summary), 'delete 1 row from customers; null address in orders (2 rows)')
    t.equal(plan.possible, true)
    t.same(plan.steps.map((s) => s.rows), [1, 2])
    t.same(await query(`select count(*) as n from customers`), [{ n: b.name === 'SQLite' ? 2 : '2' }], 'planning changes nothing')
    const out = await connector().run(req('erasure'), CALLBACK)
    t.match(out, { kind: 'done', status: 'completed' })
    t.same(Object.values((out as { rows: Record<string, number> }).rows).sort(), [1, 2])
    t.same(await query(`select name from customers order by id`), [{ name: 'Bo Berg' }], 'Anna deleted, Bo kept')
    t.same(await query(`select address from orders order by id`), [{ address: null }, { address: null }, { address: 'Lillgatan 2' }])
    t.match(await connector().run(req('erasure'), CALLBACK), { kind: 'done', status: 'not_found' }, 'nothing left')
  })

  t.test(`${b.name}: mask, rectification and restriction; a table without restrict cannot restrict`, async (t) => {
    const { connector, query } = await b.make(t)
    const list = tables(b.name === 'PostgreSQL' ? ((await connector().test())[0].table.split('.')[0] + '.') : '')
    list[1].erasure = { strategy: 'mask', columns: ['address', 'customer_email'] }
    list[0].erasure = { strategy: 'null', columns: ['name'] }
    t.match(await connector(list).run(req('erasure'), CALLBACK), { kind: 'done', status: 'completed' })
    t.same(await query(`select address, customer_email from orders order by id`), [{ address: '***', customer_email: '***' }, { address: '***', customer_email: '***' }, { address: 'Lillgatan 2', customer_email: 'bo@example.se' }])

    const fresh = await b.make(t)
    const rect = req('rectification', { corrections: { name: 'Anna Ek' } })
    t.match(await fresh.connector().plan(rect), { possible: true })
    t.match(await fresh.connector().run(rect, CALLBACK), { kind: 'done', status: 'completed' })
    t.same(await fresh.query(`select name from customers order by id`), [{ name: 'Anna Ek' }, { name: 'Bo Berg' }])
    t.match(await fresh.connector().plan(req('rectification', { corrections: { address: 'x' } })), { possible: false, summary: 'cannot set address' })

    const restrictPlan = await fresh.connector().plan(req('restriction'))
    t.equal(restrictPlan.possible, false, 'orders has no restrict')
    const onlyCustomers = (await fresh.connector().test()).map((c) => c.table)
    const withRestrict = tables(b.name === 'PostgreSQL' ? onlyCustomers[0].split('.')[0] + '.' : '').slice(0, 1)
    t.match(await fresh.connector(withRestrict).plan(req('restriction')), { possible: true, summary: /set restricted = true in (.*\.)?customers \(1 row\)/ })
    t.match(await fresh.connector(withRestrict).run(req('restriction'), CALLBACK), { kind: 'done', status: 'completed' })
    t.same(await fresh.query(`select restricted from customers order by id`), b.name === 'SQLite' ? [{ restricted: 1 }, { restricted: 0 }] : [{ restricted: true }, { restricted: false }])
  })

  t.test(`${b.name}: a change that fails part-way changes nothing (one transaction per system)`, async (t) => {
    const { connector, query } = await b.make(t)
    const list = tables(b.name === 'PostgreSQL' ? ((await connector().test())[0].table.split('.')[0] + '.') : '')
    // total is an integer column: masking it fails after customers' rows were already changed in the transaction.
    list[0].erasure = { strategy: 'null', columns: ['name'] }
    list[1].erasure = { strategy: 'mask', columns: ['total'] }
    if (b.name === 'PostgreSQL') await t.rejects(connector(list).run(req('erasure'), CALLBACK))
    else {
      // SQLite stores '***' in an integer column without complaint; a NOT NULL column set to NULL fails instead.
      list[1] = { ...list[1], erasure: { strategy: 'delete' } }
      list[0].erasure = { strategy: 'null', columns: ['email'] }
      await t.rejects(connector(list).run(req('erasure'), CALLBACK))
    }
    t.same(await query(`select count(*) as n from orders`), [{ n: b.name === 'SQLite' ? 3 : '3' }], 'the other table is untouched')
    t.same(await query(`select name from customers order by id`), [{ name: 'Anna Andersson' }, { name: 'Bo Berg' }])
  })
}

t.test('an unreachable database throws (the engine retries)', async (t) => {
  const c = sqlConnector({ url: 'postgres://u:secret-pw@127.0.0.1:1/x', tables: tables(), sqliteFile: null, allowPrivate: false })
  await t.rejects(c.test(), /ECONNREFUSED/)
  const err = await c.run(req('access'), CALLBACK).catch((e: Error) => e)
  t.notMatch(String((err as Error).message), 'secret-pw', 'the password is not in the error')
  const missing = sqlConnector({ url: '/nope/shop.db', tables: tables(), sqliteFile: '/nope/shop.db', allowPrivate: false })
  await t.rejects(missing.test())
})
