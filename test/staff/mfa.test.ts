import type { Test } from 'tap'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, Jar } from '../helpers/app.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'
import { base32Decode, hotp, timeStep } from '../../src/staff/totp.js'

const codeAt = (secret: string, at: Date, offset = 0) => hotp(base32Decode(secret), timeStep(at) + offset)

/** Enrols the signed-in member through the pages; returns the base32 secret shown. */
async function enrol(t: Tap, app: FastifyInstance, jar: Jar, now: () => Date): Promise<string> {
  const page = await app.inject({ url: '/staff/account/mfa', headers: { cookie: jar.header } })
  t.equal(page.statusCode, 200)
  t.match(page.body, /<svg role="img" aria-label="[^"]+" class="qr"/, 'a QR code, inline SVG')
  const secret = /<code class="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1].replace(/ /g, '')
  t.equal(secret.length, 32, '160-bit secret for manual entry')
  const again = await app.inject({ url: '/staff/account/mfa', headers: { cookie: jar.header } })
  t.match(again.body, secret.slice(0, 4), 'the same secret until confirmed')
  const res = await staffForm(app, jar, '/staff/account/mfa/enable', { code: codeAt(secret, now()) }, { formPath: '/staff/account/mfa' })
  t.equal(res.statusCode, 303)
  return secret
}
type Tap = Test

t.test('enrol, then sign in with password and code; replayed and wrong codes are refused', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, staff)

  const wrong = await staffForm(app, jar, '/staff/account/mfa/enable', { code: '000000' }, { formPath: '/staff/account/mfa' })
  t.equal(wrong.statusCode, 400, 'a wrong code does not enable')
  const secret = await enrol(t, app, jar, clock.now)
  const row = await app.db.selectFrom('staff').selectAll().where('id', '=', staff.id).executeTakeFirstOrThrow()
  t.equal(row.totp_enabled, 1)
  t.match(row.totp_secret, /^v1\./, 'stored sealed')
  t.notMatch(row.totp_secret!, secret)
  const enrolledStep = timeStep(clock.now())
  t.equal(row.totp_last_step, enrolledStep)
  const enrolCode = codeAt(secret, clock.now())

  // Sign in again: the password alone gives a half session that grants nothing.
  const jar2 = new Jar()
  const pw = await staffForm(app, jar2, '/staff/login', { email: staff.email, password: staff.password })
  t.equal(pw.statusCode, 303)
  t.equal(pw.headers.location, '/staff/login/mfa')
  const half = jar2.get('dsr_staff')!
  t.equal((await app.db.selectFrom('staff_sessions').select('mfa_passed').where('staff_id', '=', staff.id).orderBy('created_at', 'desc').execute()).some((s) => s.mfa_passed === 0), true)
  for (const url of ['/staff', '/staff/account', '/staff/account/mfa']) {
    t.equal((await app.inject({ url, headers: { cookie: jar2.header } })).statusCode, 303, `${url}: nothing before the code`)
  }
  t.equal((await app.inject({ url: '/staff/login', headers: { cookie: jar2.header } })).headers.location, '/staff/login/mfa')

  const replay = await staffForm(app, jar2, '/staff/login/mfa', { code: enrolCode })
  t.equal(replay.statusCode, 401, 'the code used to enrol cannot be used again')
  t.match(replay.body, /Koden stämmer inte/)

  clock.advance(30_000)
  const ok = await staffForm(app, jar2, '/staff/login/mfa', { code: codeAt(secret, clock.now()) })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/staff')
  t.not(jar2.get('dsr_staff'), half, 'a new session id once the code is right')
  t.equal((await app.inject({ url: '/staff', headers: { cookie: jar2.header } })).statusCode, 200)
  t.equal((await app.inject({ url: '/staff', headers: { cookie: `dsr_staff=${half}` } })).statusCode, 303, 'the half session is gone')

  // The same code again, on another sign-in within its window: refused.
  const jar3 = new Jar()
  await staffForm(app, jar3, '/staff/login', { email: staff.email, password: staff.password })
  t.equal((await staffForm(app, jar3, '/staff/login/mfa', { code: codeAt(secret, clock.now()) })).statusCode, 401, 'replay refused')
  t.equal((await staffForm(app, jar3, '/staff/login/mfa', { code: codeAt(secret, clock.now(), -1) })).statusCode, 401, 'an older step after a newer one is refused')
  clock.advance(30_000)
  t.equal((await staffForm(app, jar3, '/staff/login/mfa', { code: codeAt(secret, clock.now(), 1) })).statusCode, 303, 'one step ahead is accepted')

  // Five wrong codes end the half session; the password must be given again.
  const jar4 = new Jar()
  await staffForm(app, jar4, '/staff/login', { email: staff.email, password: staff.password }, { ip: '10.9.9.9' })
  for (let i = 0; i < 4; i++) t.equal((await staffForm(app, jar4, '/staff/login/mfa', { code: '000000' }, { ip: '10.9.9.9' })).statusCode, 401)
  const ended = await staffForm(app, jar4, '/staff/login/mfa', { code: '000000' }, { ip: '10.9.9.9' })
  t.equal(ended.statusCode, 401)
  t.match(ended.body, /Logga in igen/)
  t.equal((await app.inject({ url: '/staff/login/mfa', headers: { cookie: jar4.header } })).headers.location, '/staff/login')

  // Turning it off needs a current code; the step-ahead code above used up the current step.
  const used = codeAt(secret, clock.now(), 1)
  clock.advance(60_000)
  t.equal((await staffForm(app, jar2, '/staff/account/mfa/disable', { code: used }, { formPath: '/staff/account/mfa' })).statusCode, 400, 'an already-used step cannot turn it off')
  const bad = await staffForm(app, jar2, '/staff/account/mfa/disable', { code: '123456' }, { formPath: '/staff/account/mfa' })
  t.equal(bad.statusCode, 400, 'a wrong code does not turn it off')
  t.equal((await staffForm(app, jar2, '/staff/account/mfa/disable', { code: codeAt(secret, clock.now()) }, { formPath: '/staff/account/mfa' })).statusCode, 303)
  const off = await app.db.selectFrom('staff').selectAll().where('id', '=', staff.id).executeTakeFirstOrThrow()
  t.equal(off.totp_enabled, 0)
  t.equal(off.totp_secret, null)
  await loginAs(app, new Jar(), staff)

  const audit = (await app.db.selectFrom('audit_log').select('action').execute()).map((a) => a.action)
  t.ok(audit.includes('staff.mfa_enable'))
  t.ok(audit.includes('staff.mfa_disable'))
  t.notMatch(JSON.stringify(await app.db.selectFrom('audit_log').selectAll().execute()), secret)
})

t.test('STAFF_REQUIRE_MFA sends admins without TOTP to enrolment before anything else', async (t) => {
  const { app, clock } = await buildTestApp(t, { env: { STAFF_REQUIRE_MFA: 'true' } })
  t.equal(app.config.staffRequireMfa, true)
  const admin = await createStaff(app, { role: 'admin' })
  const handler = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, admin)
  for (const url of ['/staff', '/staff/admin/staff', '/staff/account']) {
    const res = await app.inject({ url, headers: { cookie: jar.header } })
    t.equal(res.statusCode, 303, url)
    t.equal(res.headers.location, '/staff/account/mfa', `${url} → enrolment`)
  }
  const page = await app.inject({ url: '/staff/account/mfa', headers: { cookie: jar.header } })
  t.equal(page.statusCode, 200)
  t.match(page.body, /Administratörer måste använda tvåstegsverifiering/)

  const hjar = new Jar()
  await loginAs(app, hjar, handler)
  t.equal((await app.inject({ url: '/staff', headers: { cookie: hjar.header } })).statusCode, 200, 'handlers are not forced')

  const secret = await enrol(t, app, jar, clock.now)
  t.equal((await app.inject({ url: '/staff/admin/staff', headers: { cookie: jar.header } })).statusCode, 200, 'enrolled: everything opens')
  clock.advance(30_000)
  const disable = await staffForm(app, jar, '/staff/account/mfa/disable', { code: codeAt(secret, clock.now()) }, { formPath: '/staff/account/mfa' })
  t.equal(disable.statusCode, 400, 'admins cannot turn it off while it is required')
})

t.test('the MFA pages speak English through the switch', async (t) => {
  const { app } = await buildTestApp(t)
  const staff = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const en = await app.inject({ url: '/staff/account/mfa?lang=en', headers: { cookie: jar.header } })
  t.match(en.body, /Two-step verification/)
  jar.store(en)
  const row = await app.db.selectFrom('staff').select('lang').where('id', '=', staff.id).executeTakeFirstOrThrow()
  t.equal(row.lang, 'en', 'the choice is stored with the member')
  const later = await app.inject({ url: '/staff/account', headers: { cookie: `dsr_staff=${jar.get('dsr_staff')}` } })
  t.match(later.body, /<html lang="en">/, 'and followed without the language cookie')
})
