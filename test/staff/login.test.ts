import { createHash } from 'node:crypto'
import argon2 from 'argon2'
import t from 'tap'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'

const MIN = 60_000
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

function errorSummary(html: string): string {
  return /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? ''
}

t.test('signing in sets a fresh, hashed, HttpOnly session cookie', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  const res = await staffForm(app, jar, '/staff/login', { email: staff.email.toUpperCase(), password: staff.password })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/staff')
  t.equal(res.headers['cache-control'], 'no-store')
  const cookie = (res.cookies as Array<Record<string, unknown>>).find((c) => c.name === 'dsr_staff')!
  t.ok(cookie, 'session cookie set')
  t.match(cookie, { httpOnly: true, sameSite: 'Lax', path: '/', secure: true })
  t.equal(cookie.maxAge, undefined, 'a browser-session cookie')
  t.match(cookie.value, /^[A-Za-z0-9_-]{43}$/)
  const rows = await app.db.selectFrom('staff_sessions').selectAll().execute()
  t.equal(rows.length, 1)
  t.equal(rows[0].id_hash, sha256(cookie.value as string), 'the database holds only the SHA-256')
  t.equal(rows[0].mfa_passed, 1)
  t.equal(rows[0].expires_at, '2026-11-25T18:00:00.000Z', '8 hours absolute')

  const home = await app.inject({ url: '/staff', headers: { cookie: jar.header } })
  t.equal(home.statusCode, 200)
  t.equal(home.headers['cache-control'], 'no-store')
  t.match(home.body, /Staff Member \d+ \(Handläggare\)/)
  t.notMatch(home.body, /href="\/staff\/admin\/staff"/, 'no admin link for a handler')
  const audit = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.login').execute()
  t.equal(audit.length, 1)
  t.equal(audit[0].actor_id, staff.id)
})

t.test('an unknown address and a wrong password get the same answer; values kept, password never', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const wrong = await staffForm(app, new Jar(), '/staff/login', { email: staff.email, password: 'not the right password' })
  const unknown = await staffForm(app, new Jar(), '/staff/login', { email: 'nobody@xtractor.se', password: 'not the right password' })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, wrong.statusCode)
  t.match(errorSummary(wrong.body), /Fel e-postadress eller lösenord/)
  t.equal(errorSummary(unknown.body), errorSummary(wrong.body), 'identical message')
  t.match(wrong.body, new RegExp(`value="${staff.email}"`), 'the address is kept')
  t.notMatch(wrong.body, /not the right password/, 'the password is not')
  t.notOk((wrong.cookies as Array<{ name: string }>).some((c) => c.name === 'dsr_staff'), 'no session')

  const disabled = await createStaff(app, { role: 'viewer' })
  await app.staffService.accounts.disable(disabled.id, { type: 'system', id: null })
  const off = await staffForm(app, new Jar(), '/staff/login', { email: disabled.email, password: disabled.password })
  t.equal(off.statusCode, 401)
  t.equal(errorSummary(off.body), errorSummary(wrong.body), 'a disabled account looks the same')

  const empty = await staffForm(app, new Jar(), '/staff/login', { email: '', password: '' })
  t.equal(empty.statusCode, 400)

  const audit = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.login_failed').orderBy('id').execute()
  t.equal(audit.length, 3)
  t.equal(audit[0].actor_id, staff.id, 'known account: its id')
  t.equal(audit[1].actor_id, null, 'unknown address: nobody')
  t.equal(audit[1].target, null)
  t.notMatch(JSON.stringify(audit), /nobody@|@xtractor/, 'the typed address is not recorded')
})

t.test('a hash from other Argon2 parameters is renewed at the next sign-in; a disabled one is never checked', async (t) => {
  const { app } = await buildTestApp(t)
  const other = { type: argon2.argon2id, memoryCost: 8192, timeCost: 3, parallelism: 1 } as const
  const active = await createStaff(app, { role: 'handler' })
  const off = await createStaff(app, { role: 'handler' })
  const offHash = await argon2.hash(off.password, other)
  await app.db.updateTable('staff').set({ password_hash: await argon2.hash(active.password, other) }).where('id', '=', active.id).execute()
  await app.db.updateTable('staff').set({ password_hash: offHash, disabled: 1 }).where('id', '=', off.id).execute()

  await loginAs(app, new Jar(), active)
  const renewed = await app.db.selectFrom('staff').select('password_hash').where('id', '=', active.id).executeTakeFirstOrThrow()
  t.match(renewed.password_hash, /^\$argon2id\$v=19\$m=1024,p=1,t=1\$/, 'renewed with the configured parameters')
  t.ok(await argon2.verify(renewed.password_hash, active.password), 'for the same password')
  await loginAs(app, new Jar(), active)

  const refused = await staffForm(app, new Jar(), '/staff/login', { email: off.email, password: off.password })
  t.equal(refused.statusCode, 401, 'the right password for a disabled account is refused')
  const kept = await app.db.selectFrom('staff').select('password_hash').where('id', '=', off.id).executeTakeFirstOrThrow()
  t.equal(kept.password_hash, offHash, "a disabled account's hash is left as it was")
})

t.test('the login form speaks English through the language switch', async (t) => {
  const { app } = await buildTestApp(t)
  const jar = new Jar()
  const res = await staffForm(app, jar, '/staff/login', { email: 'nobody@xtractor.se', password: 'whatever it is here' }, { formPath: '/staff/login?lang=en' })
  t.match(res.body, /Wrong email address or password/)
  t.match(res.body, /<html lang="en">/)
  const sv = await staffForm(app, new Jar(), '/staff/login', { email: 'nobody@xtractor.se', password: 'whatever it is here' })
  t.match(sv.body, /Fel e-postadress eller lösenord/)
})

t.test('every login makes a new session id; a planted or earlier id is worthless', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  // An attacker plants a cookie value of their choosing before the victim signs in.
  const planted = 'P'.repeat(43)
  const page = await app.inject({ url: '/staff/login', headers: { cookie: `dsr_staff=${planted}` } })
  jar.store(page)
  const res = await app.inject({
    method: 'POST',
    url: '/staff/login',
    headers: { cookie: `${jar.header}; dsr_staff=${planted}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrfFrom(page.body), email: staff.email, password: staff.password }),
  })
  t.equal(res.statusCode, 303)
  jar.store(res)
  const first = jar.get('dsr_staff')!
  t.not(first, planted)
  t.equal((await app.inject({ url: '/staff', headers: { cookie: `dsr_staff=${planted}` } })).statusCode, 303, 'the planted id grants nothing')

  // The same browser signs in again (its session cookie goes along with the form).
  const again = await app.inject({ url: '/staff/login', headers: { cookie: `dsr_csrf=${jar.get('dsr_csrf')}` } })
  const relogin = await app.inject({
    method: 'POST',
    url: '/staff/login',
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrfFrom(again.body), email: staff.email, password: staff.password }),
  })
  t.equal(relogin.statusCode, 303)
  jar.store(relogin)
  const second = jar.get('dsr_staff')!
  t.not(second, first, 'a new id at the next login')
  t.equal((await app.inject({ url: '/staff', headers: { cookie: `dsr_staff=${first}` } })).statusCode, 303, 'the earlier id from this browser ended')
  t.equal((await app.inject({ url: '/staff', headers: { cookie: `dsr_staff=${second}` } })).statusCode, 200)
})

t.test('sessions end after 30 idle minutes, refreshed at most once a minute', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const seen = async () => (await app.db.selectFrom('staff_sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at
  const get = () => app.inject({ url: '/staff', headers: { cookie: jar.header } })

  clock.advance(30_000)
  t.equal((await get()).statusCode, 200)
  t.equal(await seen(), '2026-11-25T10:00:00.000Z', 'not rewritten within the minute')
  clock.advance(29 * MIN)
  t.equal((await get()).statusCode, 200, 'active at 29.5 minutes')
  t.equal(await seen(), '2026-11-25T10:29:30.000Z', 'refreshed')
  clock.advance(29 * MIN)
  t.equal((await get()).statusCode, 200, 'activity keeps it alive')
  clock.advance(30 * MIN)
  const idle = await get()
  t.equal(idle.statusCode, 303, '30 idle minutes end it')
  t.equal(idle.headers.location, '/staff/login')
  t.equal((await app.db.selectFrom('staff_sessions').selectAll().execute()).length, 0, 'and the row is gone')
})

t.test('sessions end after 8 hours however active', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  for (let i = 0; i < 23; i++) {
    clock.advance(20 * MIN)
    t.equal((await app.inject({ url: '/staff', headers: { cookie: jar.header } })).statusCode, 200)
  }
  clock.advance(20 * MIN) // 8 h exactly
  t.equal((await app.inject({ url: '/staff', headers: { cookie: jar.header } })).statusCode, 303)
})

t.test('logout needs the CSRF field, deletes the session and the old cookie stops working', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const cookie = jar.header
  const forged = await app.inject({ method: 'POST', url: '/staff/logout', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(forged.statusCode, 403, 'no token, no logout')
  const wrong = await app.inject({ method: 'POST', url: '/staff/logout', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '_csrf=' + 'x'.repeat(43) })
  t.equal(wrong.statusCode, 403)
  t.equal((await app.inject({ url: '/staff', headers: { cookie } })).statusCode, 200, 'still signed in')

  const res = await staffForm(app, jar, '/staff/logout', {}, { formPath: '/staff' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/staff/login?done=logout')
  t.equal((await app.db.selectFrom('staff_sessions').selectAll().execute()).length, 0)
  const after = await app.inject({ url: '/staff', headers: { cookie } })
  t.equal(after.statusCode, 303, 'the old cookie no longer works')
  t.equal((await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.logout').execute()).length, 1)
})

t.test('after login the browser returns to a local /staff page only', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const anon = await app.inject({ url: '/staff/account?tab=1' })
  t.equal(anon.statusCode, 303)
  t.equal(anon.headers.location, '/staff/login?next=%2Fstaff%2Faccount%3Ftab%3D1')
  t.equal(anon.headers['cache-control'], 'no-store')
  const jar = new Jar()
  const ok = await staffForm(app, jar, '/staff/login', { email: staff.email, password: staff.password, next: '/staff/account?tab=1' }, { formPath: '/staff/login?next=%2Fstaff%2Faccount%3Ftab%3D1' })
  t.equal(ok.headers.location, '/staff/account?tab=1')
  for (const next of ['//evil.example/staff', 'https://evil.example/staff', '/\\evil.example', '/other', '/staff/login', 'javascript:alert(1)', '/staff\r\nX: y']) {
    const res = await staffForm(app, new Jar(), '/staff/login', { email: staff.email, password: staff.password, next })
    t.equal(res.headers.location, '/staff', `refused next: ${JSON.stringify(next)}`)
  }
})

t.test('disabling a member from the admin page ends their sessions and API tokens', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await createStaff(app, { role: 'admin' })
  const victim = await createStaff(app, { role: 'handler' })
  const adminJar = new Jar()
  const victimJar = new Jar()
  await loginAs(app, adminJar, admin)
  await loginAs(app, victimJar, victim)
  const token = await apiTokenFor(app, victim)
  t.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)

  const res = await staffForm(app, adminJar, `/staff/admin/staff/${victim.id}/disable`, {}, { formPath: '/staff/admin/staff' })
  t.equal(res.statusCode, 303)
  t.equal((await app.inject({ url: '/staff', headers: { cookie: victimJar.header } })).statusCode, 303, 'session ended')
  t.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401, 'token revoked')
  t.equal((await app.db.selectFrom('staff_sessions').selectAll().where('staff_id', '=', victim.id).execute()).length, 0)
  t.ok((await app.db.selectFrom('api_tokens').selectAll().where('staff_id', '=', victim.id).executeTakeFirstOrThrow()).revoked_at)
  await t.rejects(loginAs(app, new Jar(), victim), /status 401/)
})

t.test('staff forms refuse a missing or foreign CSRF token', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await createStaff(app, { role: 'admin' })
  const other = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const otherJar = new Jar()
  await loginAs(app, otherJar, other)
  const foreign = csrfFrom((await app.inject({ url: '/staff/account', headers: { cookie: otherJar.header } })).body)
  const post = (url: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) })
  const cases: Array<[string, Record<string, string>]> = [
    ['/staff/admin/staff', { email: 'new@xtractor.se', name: 'New', role: 'viewer', password: 'en lång lösenordsfras', password2: 'en lång lösenordsfras' }],
    [`/staff/admin/staff/${other.id}/role`, { role: 'admin' }],
    [`/staff/admin/staff/${other.id}/disable`, {}],
    ['/staff/account/password', { current: admin.password, password: 'en annan lång fras', password2: 'en annan lång fras' }],
    ['/staff/account/mfa/enable', { code: '123456' }],
  ]
  for (const [url, fields] of cases) {
    t.equal((await post(url, fields)).statusCode, 403, `${url} without token`)
    t.equal((await post(url, { ...fields, _csrf: foreign })).statusCode, 403, `${url} with another session's token`)
  }
  const staff = await app.db.selectFrom('staff').selectAll().execute()
  t.equal(staff.length, 2, 'nobody added')
  t.equal(staff.find((s) => s.id === other.id)!.role, 'viewer', 'role unchanged')
  t.equal(staff.find((s) => s.id === other.id)!.disabled, 0, 'not disabled')
  const login = await app.inject({ method: 'POST', url: '/staff/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ email: admin.email, password: admin.password }) })
  t.equal(login.statusCode, 403, 'the login form is protected too (login CSRF)')
})

t.test('members change their own password; other sessions end', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer', name: 'Greta Garbo' })
  const here = new Jar()
  const elsewhere = new Jar()
  await loginAs(app, here, staff)
  await loginAs(app, elsewhere, staff)
  const wrong = await staffForm(app, here, '/staff/account/password', { current: 'not my password at all', password: 'en annan lång fras', password2: 'en annan lång fras' }, { formPath: '/staff/account' })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, /nuvarande lösenordet stämmer inte/)
  const personal = await staffForm(app, here, '/staff/account/password', { current: staff.password, password: 'greta garbo', password2: 'greta garbo' }, { formPath: '/staff/account' })
  t.equal(personal.statusCode, 400)
  const named = await staffForm(app, here, '/staff/account/password', { current: staff.password, password: 'Greta  Garbo ', password2: 'Greta  Garbo ' }, { formPath: '/staff/account' })
  t.equal(named.statusCode, 400, 'the name, however spaced, is refused')
  const ok = await staffForm(app, here, '/staff/account/password', { current: staff.password, password: 'en annan lång fras', password2: 'en annan lång fras' }, { formPath: '/staff/account' })
  t.equal(ok.statusCode, 303)
  t.equal((await app.inject({ url: '/staff', headers: { cookie: here.header } })).statusCode, 200, 'this session stays')
  t.equal((await app.inject({ url: '/staff', headers: { cookie: elsewhere.header } })).statusCode, 303, 'the other one ended')
  await loginAs(app, new Jar(), { email: staff.email, password: 'en annan lång fras' })
})
