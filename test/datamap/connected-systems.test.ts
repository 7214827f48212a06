import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff } from '../helpers/cases.js'
import { apiTokenFor } from '../helpers/staff.js'
import { tableNames } from '../helpers/db.js'
import { resealSecrets, systemConfig } from '../../src/datamap/service.js'
import { sqliteApp, tables as appTables } from '../connectors/customer-app.js'

/** The map's connected kinds (sql, webhook, email, manual): config, validation, sealed secrets, refused addresses. */

const PASSWORD = 'pw-Correct-Horse-77'
const SECRET = 'whsec-0123456789-abcdefghij'

async function setup(t: Test, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'conn-sys-'))
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir, ...env } })
  const { app } = ctx
  const admin = await insertStaff(app, 'admin')
  const viewer = await insertStaff(app, 'viewer')
  const tokens = { admin: await apiTokenFor(app, admin), viewer: await apiTokenFor(app, viewer) }
  const call = (who: keyof typeof tokens, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, lang = 'en') =>
    app.inject({ method, url, payload: payload as never, headers: { 'accept-language': lang, authorization: `Bearer ${tokens[who]}` } })
  return { ...ctx, dataDir, call }
}

const TABLES = [
  { table: 'customers', emailColumn: 'email', access: ['name', 'email'], erasure: { strategy: 'delete' }, rectify: ['name'], restrict: { column: 'restricted', value: true } },
  { table: 'orders', emailColumn: 'customer_email', access: ['address'], erasure: { strategy: 'null', columns: ['address'] } },
]
const base = (key: string, kind: string, config: unknown) => ({ key, name: { sv: key, en: key }, kind, purposes: ['customer_service'], config })

/** Every value of every row of every table, as text: what a look at the database would show. */
async function everything(app: Awaited<ReturnType<typeof setup>>['app']): Promise<string> {
  const out: string[] = []
  for (const table of await tableNames(app.db)) {
    const { rows } = await sql.raw(`select * from "${table}"`).execute(app.db)
    out.push(JSON.stringify(rows))
  }
  return out.join('\n')
}

t.test('POST /api/v1/systems: each connected kind with its config (201); secrets never returned, stored sealed, kept on a PUT without them', async (t) => {
  const { app, call, config } = await setup(t)
  const pgUrl = `postgres://shop:${PASSWORD}@db.example.se:5432/shop`
  const created = await call('admin', 'POST', '/api/v1/systems', base('shop', 'sql', { url: pgUrl, tables: TABLES }))
  t.equal(created.statusCode, 201, created.body)
  t.same(created.json().config, { url: 'postgres://shop@db.example.se:5432/shop', passwordSet: true, tables: TABLES })
  t.notMatch(created.body, PASSWORD)

  const hook = await call('admin', 'POST', '/api/v1/systems', base('crm', 'webhook', { url: 'https://crm.example.se/dsr', secret: SECRET }))
  t.equal(hook.statusCode, 201, hook.body)
  t.same(hook.json().config, { url: 'https://crm.example.se/dsr', secretSet: true })
  t.equal((await call('admin', 'POST', '/api/v1/systems', base('payroll', 'email', { to: 'privacy@payroll.example' }))).json().config.to, 'privacy@payroll.example')
  t.equal((await call('admin', 'POST', '/api/v1/systems', base('archive', 'manual', { instructions: 'Search the paper archive.' }))).statusCode, 201)

  const list = await call('viewer', 'GET', '/api/v1/systems')
  t.notMatch(list.body, PASSWORD)
  t.notMatch(list.body, SECRET)
  t.same(list.json().items.find((s: { key: string }) => s.key === 'newsletter').config, null, 'a register has no config')

  // What GET gives, sent back as it is, keeps the password and the secret.
  for (const key of ['shop', 'crm']) {
    const got = list.json().items.find((s: { key: string }) => s.key === key)
    t.equal((await call('admin', 'PUT', `/api/v1/systems/${key}`, got)).statusCode, 200)
  }
  t.same(await systemConfig(app.db, 'shop', config), { kind: 'sql', url: pgUrl, tables: TABLES }, 'the password is kept')
  t.same(await systemConfig(app.db, 'crm', config), { kind: 'webhook', url: 'https://crm.example.se/dsr', secret: SECRET }, 'the secret is kept')
  // A new password for another host replaces it; the audit shows neither.
  const moved = await call('admin', 'PUT', '/api/v1/systems/shop', { config: { url: 'postgres://shop:New-Pass-9@db2.example.se/shop', tables: TABLES } })
  t.equal(moved.statusCode, 200)
  t.match(await systemConfig(app.db, 'shop', config), { url: 'postgres://shop:New-Pass-9@db2.example.se/shop' }, 'a password given replaces the stored one')

  const stored = await everything(app)
  for (const secret of [PASSWORD, SECRET, 'New-Pass-9']) t.notMatch(stored, secret, 'not in any table in plain text (the audit log included)')
  t.match(stored, 'sealed:v1:', 'sealed')
  const audit = await app.db.selectFrom('audit_log').select('data').where('target', '=', 'system:shop').execute()
  t.equal(audit.length, 2, 'created and moved; the unchanged PUT is not logged')
  t.match(JSON.parse(audit[0].data!).after.config, { url: 'postgres://shop@db.example.se:5432/shop', passwordSet: true })
})

t.test('config problems are named by field path, in the caller’s language', async (t) => {
  const { call, dataDir } = await setup(t)
  const res = await call('admin', 'POST', '/api/v1/systems', base('shop', 'sql', {
    url: '/etc/passwd',
    tables: [{ table: 'customers; drop table x', emailColumn: '', access: ['ok', '1bad'], erasure: { strategy: 'shred' } }, { table: 'orders', emailColumn: 'e', access: ['a'], erasure: { strategy: 'mask' } }],
  }))
  t.equal(res.statusCode, 400)
  const fields = res.json().fields
  t.same(Object.keys(fields).sort(), ['config.tables.0.access.1', 'config.tables.0.emailColumn', 'config.tables.0.erasure.strategy', 'config.tables.0.table', 'config.tables.1.erasure.columns', 'config.url'])
  t.match(fields['config.url'], dataDir, 'a SQLite file outside DATA_DIR')
  const sv = await call('admin', 'POST', '/api/v1/systems', base('hook', 'webhook', { url: 'ftp://x.example', secret: 'short' }), 'sv')
  t.same(sv.json().fields, { 'config.url': 'Skriv en http://- eller https://-adress utan användarnamn och lösenord.', 'config.secret': 'Hemligheten måste ha minst 16 tecken.' })
  const none = await call('admin', 'POST', '/api/v1/systems', base('mail', 'email', null))
  t.match(none.json().fields, { config: 'Required.' })
  t.match((await call('admin', 'POST', '/api/v1/systems', base('mail', 'email', { to: 'not an address' }))).json().fields, { 'config.to': /email address/ })
  t.equal((await call('admin', 'POST', '/api/v1/systems', base('ok', 'sql', { url: 'shop.db', tables: TABLES }))).statusCode, 201, 'a SQLite path under DATA_DIR')
  t.equal((await call('admin', 'PUT', '/api/v1/systems/ok', { kind: 'webhook' })).json().fields.kind, "A system's kind cannot be changed.")
})

t.test('link-local and cloud metadata addresses are refused unless ALLOW_PRIVATE_CONNECTOR_URLS=true', async (t) => {
  const refused = ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://[::ffff:169.254.169.254]/', 'http://0xA9FEA9FE/', 'http://[fe80::1]/']
  const { call } = await setup(t)
  for (const url of refused) {
    const res = await call('admin', 'POST', '/api/v1/systems', base('hook', 'webhook', { url, secret: SECRET }))
    t.same(res.json().fields, { 'config.url': 'The address is link-local or a cloud metadata address, which connectors may not reach.' }, url)
  }
  const pgRes = await call('admin', 'POST', '/api/v1/systems', base('db', 'sql', { url: 'postgres://u:p@169.254.170.2/x', tables: TABLES }))
  t.ok(pgRes.json().fields['config.url'], 'a database URL too')
  t.equal((await call('admin', 'POST', '/api/v1/systems', base('hook', 'webhook', { url: 'http://10.0.0.5:8080/dsr', secret: SECRET }))).statusCode, 201, 'private networks are allowed: systems live there')

  const open = await setup(t, { ALLOW_PRIVATE_CONNECTOR_URLS: 'true' })
  t.equal((await open.call('admin', 'POST', '/api/v1/systems', base('hook', 'webhook', { url: refused[0], secret: SECRET }))).statusCode, 201)
})

t.test('rotation: the previous key still opens secrets; resealSecrets moves them to the new key', async (t) => {
  const { app, call, config } = await setup(t)
  await call('admin', 'POST', '/api/v1/systems', base('crm', 'webhook', { url: 'https://crm.example.se/dsr', secret: SECRET }))
  const next = { secretsKey: Buffer.alloc(32, 7), secretsKeyPrevious: config.secretsKey }
  await t.rejects(systemConfig(app.db, 'crm', { secretsKey: next.secretsKey, secretsKeyPrevious: null }), /SECRETS_KEY_PREVIOUS/, 'the new key alone cannot open it')
  t.equal((await systemConfig(app.db, 'crm', next))?.kind, 'webhook')
  t.equal(await resealSecrets(app.db, next), 1)
  t.equal(await resealSecrets(app.db, next), 0, 'nothing left to reseal')
  t.same(await systemConfig(app.db, 'crm', { secretsKey: next.secretsKey, secretsKeyPrevious: null }), { kind: 'webhook', url: 'https://crm.example.se/dsr', secret: SECRET })
})

t.test('POST /api/v1/systems/:key/test: each table and column, or why it cannot connect; admins only', async (t) => {
  const { call, dataDir } = await setup(t)
  sqliteApp(dataDir)
  const tables = appTables()
  t.equal((await call('admin', 'POST', '/api/v1/systems', base('shop', 'sql', { url: 'shop.db', tables }))).statusCode, 201)
  t.equal((await call('viewer', 'POST', '/api/v1/systems/shop/test')).statusCode, 403)
  const ok = await call('admin', 'POST', '/api/v1/systems/shop/test')
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { ok: true, checks: [{ table: 'customers', ok: true, message: 'found, with email, name, restricted' }, { table: 'orders', ok: true, message: 'found, with customer_email, address, total' }] })

  tables[1].access.push('phone')
  await call('admin', 'PUT', '/api/v1/systems/shop', { config: { url: 'shop.db', tables } })
  t.same((await call('admin', 'POST', '/api/v1/systems/shop/test')).json().checks[1], { table: 'orders', ok: false, message: 'no column phone' })

  await call('admin', 'POST', '/api/v1/systems', base('far', 'sql', { url: `postgres://u:${PASSWORD}@127.0.0.1:1/x`, tables }))
  const down = await call('admin', 'POST', '/api/v1/systems/far/test')
  t.match(down.json(), { ok: false, checks: [{ table: '', ok: false, message: /^cannot connect: .*ECONNREFUSED/ }] })
  t.notMatch(down.body, PASSWORD)
  await call('admin', 'POST', '/api/v1/systems', base('payroll', 'email', { to: 'privacy@payroll.example' }))
  t.match((await call('admin', 'POST', '/api/v1/systems/payroll/test')).json(), { error: 'not_connected' })
  t.equal((await call('admin', 'POST', '/api/v1/systems/nope/test')).statusCode, 404)
})

t.test('a secret that SECRETS_KEY cannot open: a change without the config is refused (409), one that enters it again is saved', async (t) => {
  const { app, call } = await setup(t)
  await call('admin', 'POST', '/api/v1/systems', base('crm', 'webhook', { url: 'https://crm.example.se/dsr', secret: SECRET }))
  // As after a rotation without SECRETS_KEY_PREVIOUS: the stored secret was sealed under a key this instance lacks.
  const row = await app.db.selectFrom('systems').select('config').where('key', '=', 'crm').executeTakeFirstOrThrow()
  const stored = JSON.parse(row.config!)
  stored.sealed = stored.sealed.replace(/^sealed:v1:[0-9a-f]{8}:/, 'sealed:v1:00000000:')
  await app.db.updateTable('systems').set({ config: JSON.stringify(stored) }).where('key', '=', 'crm').execute()
  const refused = await call('admin', 'PUT', '/api/v1/systems/crm', { ownerTeam: 'marketing' })
  t.equal(refused.statusCode, 409)
  t.match(refused.json(), { error: 'secrets_unreadable', message: /SECRETS_KEY_PREVIOUS/ })
  t.equal((await call('admin', 'PUT', '/api/v1/systems/crm', { config: { url: 'https://crm.example.se/dsr', secret: SECRET } })).statusCode, 200)
  t.equal((await call('admin', 'PUT', '/api/v1/systems/crm', { ownerTeam: 'marketing' })).statusCode, 200)
})
