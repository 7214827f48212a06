import t from 'tap'
import { clientNetwork } from '../../src/security/client-network.js'
import { buildTestApp, Jar, type TestApp } from '../helpers/app.js'
import { createStaff, staffForm } from '../helpers/staff.js'

// Issue 14 §3: rate limits count people, not addresses.

const HOUR = 3_600_000

function submit(h: TestApp, email: string, remoteAddress = '192.0.2.1') {
  return h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email }, remoteAddress })
}

function tokenIn(text: string | undefined): string {
  return /\/verify\/([A-Za-z0-9_-]{43})/.exec(text ?? '')![1]
}

t.test('an IPv6 client counts by its /64, IPv4 by its address', async (t) => {
  t.equal(clientNetwork('2001:db8:1:2::1'), clientNetwork('2001:db8:1:2:ffff:eeee:dddd:cccc'))
  t.equal(clientNetwork('2001:DB8:0001:0002::9'), clientNetwork('2001:db8:1:2::1'), 'however it is written')
  t.not(clientNetwork('2001:db8:1:3::1'), clientNetwork('2001:db8:1:2::1'), 'the next /64 is another client')
  t.equal(clientNetwork('::ffff:198.51.100.7'), '198.51.100.7', 'IPv4-mapped counts as IPv4')
  t.not(clientNetwork('198.51.100.7'), clientNetwork('198.51.100.8'))
})

t.test('a /64 sending 25 confirmation emails gets 20 (LIMIT_IP_PER_HOUR=20)', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_IP_PER_HOUR: '20' } })
  for (let i = 0; i < 25; i++) {
    const res = await submit(h, `target${i}@example.se`, `2001:db8:aaaa:bbbb:${(i + 1).toString(16)}::${i + 7}`)
    t.equal(res.statusCode, 202, 'answered the same way past the limit')
  }
  await h.flushMail()
  t.equal(h.smtp.received.length, 20, 'twenty emails, not twenty-five')
  t.equal((await submit(h, 'other@example.se', '2001:db8:aaaa:bbbc::1')).statusCode, 202)
  await h.flushMail()
  t.equal(h.smtp.to('other@example.se').length, 1, 'the neighbouring /64 has its own allowance')
})

t.test('the staff sign-in throttle counts an IPv6 sprayer by its /64', async (t) => {
  const h = await buildTestApp(t)
  const member = await createStaff(h.app, { role: 'viewer' })
  for (let i = 0; i < 30; i++) {
    const res = await staffForm(h.app, new Jar(), '/staff/login', { email: `user${i}@xtractor.se`, password: 'summer2026 password!' }, { ip: `2001:db8:5:6::${(i + 1).toString(16)}` })
    t.equal(res.statusCode, 401)
  }
  const stopped = await staffForm(h.app, new Jar(), '/staff/login', { email: member.email, password: member.password }, { ip: '2001:db8:5:6:1234::99' })
  t.equal(stopped.statusCode, 429, 'a fresh address in the same /64 is the same sprayer')
  const other = await staffForm(h.app, new Jar(), '/staff/login', { email: member.email, password: member.password }, { ip: '2001:db8:5:7::1' })
  t.equal(other.statusCode, 303, 'another /64 signs in')
})

t.test('LIMIT_EMAILS_PER_HOUR: past the ceiling submissions are stored and answered the same, their emails wait in the outbox', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_EMAILS_PER_HOUR: '3' } })
  const answers = []
  for (let i = 0; i < 5; i++) {
    const res = await submit(h, `person${i}@example.se`, `198.51.100.${i + 1}`)
    answers.push({ status: res.statusCode, body: res.body })
  }
  t.same(new Set(answers.map((a) => JSON.stringify(a))).size, 1, 'every answer the same')
  t.equal((await h.app.db.selectFrom('submissions').select('id').execute()).length, 5, 'all five stored')
  await h.flushMail()
  t.equal(h.smtp.received.length, 3, 'three sent this hour')
  const waiting = await h.app.db.selectFrom('outbox').select(['to_address', 'status', 'next_attempt_at']).where('status', '=', 'pending').orderBy('id').execute()
  t.same(waiting.map((w) => w.to_address), ['person3@example.se', 'person4@example.se'], 'the others wait')
  t.ok(waiting.every((w) => w.next_attempt_at > h.clock.now().toISOString()), 'until the hour allows')

  // Other emails are not held by the ceiling: a receipt goes out at once.
  const token = tokenIn(h.smtp.to('person0@example.se')[0].parsed.text)
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })).statusCode, 200)
  await h.flushMail()
  t.equal(h.smtp.received.length, 4, 'the receipt went out')

  h.clock.advance(HOUR)
  await h.flushMail()
  t.equal(h.smtp.received.length, 6, 'an hour later the held emails go out')
  t.equal(h.smtp.to('person4@example.se').length, 1)
})

t.test('a held confirmation email arrives with a live link: its lifetime counts from when it is sent', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_EMAILS_PER_HOUR: '1', VERIFY_TOKEN_TTL_HOURS: '1' } })
  await submit(h, 'first@example.se', '198.51.100.1')
  await submit(h, 'held@example.se', '198.51.100.2')
  await h.flushMail()
  t.equal(h.smtp.to('held@example.se').length, 0, 'held')
  h.clock.advance(HOUR + 60_000)
  await h.flushMail()
  const mail = h.smtp.to('held@example.se')
  t.equal(mail.length, 1, 'sent an hour later')
  h.clock.advance(45 * 60_000) // 1 h 46 min after the submission, 45 min after the email
  const token = tokenIn(mail[0].parsed.text)
  const page = await h.app.inject({ url: `/verify/${token}` })
  t.equal(page.statusCode, 200, 'the link is still valid')
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })).statusCode, 200, 'and confirms')
  h.clock.advance(20 * 60_000)
  const firstToken = tokenIn(h.smtp.to('first@example.se')[0].parsed.text)
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: firstToken } })).statusCode, 410, 'an email sent at once still expires an hour after it was sent')
})

t.test('LIMIT_EMAILS_PER_HOUR is validated', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.js')
  t.equal(loadConfig({ NODE_ENV: 'test' }).limitEmailsPerHour, 500, 'default 500')
  t.equal(loadConfig({ NODE_ENV: 'test', LIMIT_EMAILS_PER_HOUR: '40' }).limitEmailsPerHour, 40)
  for (const bad of ['0', '-1', 'many', '1.5']) t.throws(() => loadConfig({ NODE_ENV: 'test', LIMIT_EMAILS_PER_HOUR: bad }), ConfigError, bad)
})
