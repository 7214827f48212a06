import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, Jar, PUBLIC_URL } from '../helpers/app.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

const SETUP = new RegExp(`${PUBLIC_URL}/staff/setup/([A-Za-z0-9_-]{43})`)

t.test('a fresh database prints a one-time link that creates the first admin, once', async (t) => {
  const lines: string[] = []
  const { app } = await buildTestApp(t, { app: { print: (l) => lines.push(l) } })
  t.equal(lines.length, 1, 'printed at start')
  const token = SETUP.exec(lines[0])?.[1]
  t.ok(token, 'the line holds the link')
  const path = `/staff/setup/${token}`
  const stored = await app.db.selectFrom('setup_tokens').selectAll().execute()
  t.equal(stored.length, 1)
  t.not(stored[0].token_hash, token, 'stored hashed')
  t.equal(stored[0].expires_at, '2026-11-25T11:00:00.000Z', 'valid one hour')
  t.equal(await app.db.selectFrom('staff').select('id').execute().then((r) => r.length), 0, 'no default account')

  const page = await app.inject({ url: path })
  t.equal(page.statusCode, 200)
  t.match(page.body, /Skapa den första administratören/)
  t.equal(page.headers['cache-control'], 'no-store')

  const jar = new Jar()
  const mismatch = await staffForm(app, jar, path, { email: 'ada@xtractor.se', name: 'Ada Admin', password: 'en lång lösenordsfras', password2: 'en annan lösenordsfras' })
  t.equal(mismatch.statusCode, 400)
  t.match(mismatch.body, /Lösenorden är inte likadana/)
  t.match(mismatch.body, /value="ada@xtractor.se"/, 'values are kept')
  t.notMatch(mismatch.body, /en lång lösenordsfras/, 'never the password')
  const common = await staffForm(app, jar, path, { email: 'ada@xtractor.se', name: 'Ada Admin', password: 'qwertyuiop123', password2: 'qwertyuiop123' })
  t.equal(common.statusCode, 400)
  t.match(common.body, /för vanligt/)
  const noCsrf = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=ada%40xtractor.se&name=Ada&password=en+l%C3%A5ng+l%C3%B6senordsfras&password2=en+l%C3%A5ng+l%C3%B6senordsfras' })
  t.equal(noCsrf.statusCode, 403, 'CSRF is checked')

  const ok = await staffForm(app, jar, path, { email: 'ada@xtractor.se', name: 'Ada Admin', password: 'en lång lösenordsfras', password2: 'en lång lösenordsfras' })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/staff/login?done=setup')
  const [admin] = await app.db.selectFrom('staff').selectAll().execute()
  t.equal(admin.role, 'admin')
  t.match(admin.password_hash, /^\$argon2id\$v=19\$m=1024,p=1,t=1\$/, 'Argon2id at the configured cost (the cheap one under NODE_ENV=test)')

  const again = await app.inject({ url: path })
  t.equal(again.statusCode, 410, 'refused once staff exists')
  const post = await staffForm(app, new Jar(), path, { email: 'eve@example.com', name: 'Eve', password: 'en lång lösenordsfras', password2: 'en lång lösenordsfras' }, { formPath: '/staff/login' })
  t.equal(post.statusCode, 410, 'a POST is refused too')
  t.equal(await app.db.selectFrom('staff').select('id').execute().then((r) => r.length), 1)

  await loginAs(app, jar, { email: 'ada@xtractor.se', password: 'en lång lösenordsfras' })
  t.equal((await app.inject({ url: '/staff/admin/staff', headers: { cookie: jar.header } })).statusCode, 200)
  const audit = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.add').execute()
  t.equal(audit.length, 1)
  t.match(JSON.parse(audit[0].data!), { role: 'admin', via: 'setup' })
})

t.test('the link expires after an hour and unknown links are 404', async (t) => {
  const lines: string[] = []
  const { app, clock } = await buildTestApp(t, { app: { print: (l) => lines.push(l) } })
  const token = SETUP.exec(lines[0])![1]
  t.equal((await app.inject({ url: `/staff/setup/${'A'.repeat(43)}` })).statusCode, 404)
  t.equal((await app.inject({ url: '/staff/setup/short' })).statusCode, 404)
  clock.advance(59 * 60_000)
  t.equal((await app.inject({ url: `/staff/setup/${token}` })).statusCode, 200, 'still valid at 59 minutes')
  clock.advance(60_000)
  const expired = await app.inject({ url: `/staff/setup/${token}` })
  t.equal(expired.statusCode, 410)
  t.match(expired.body, /gått ut/)
  const post = await staffForm(app, new Jar(), `/staff/setup/${token}`, {}, { formPath: '/staff/login' })
  t.equal(post.statusCode, 410)
  t.equal(await app.db.selectFrom('staff').select('id').execute().then((r) => r.length), 0)
})

t.test('no link is printed once staff exist', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-staff-setup-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const env = { DATABASE_URL: join(dir, 'portal.db') }
  const lines: string[] = []
  const first = await buildTestApp(t, { env, app: { print: (l) => lines.push(l) } })
  t.equal(lines.length, 1, 'the empty database gets a link')
  await createStaff(first.app, { role: 'admin' })
  await first.app.close()
  await buildTestApp(t, { env, app: { print: (l) => lines.push(l) } })
  t.equal(lines.length, 1, 'a restart with staff prints nothing')
})
