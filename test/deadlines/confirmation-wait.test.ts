import t from 'tap'
import { buildTestApp, testClock } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'
import { Jar, PUBLIC_URL } from '../helpers/app.js'

/**
 * EDPB Guidelines 01/2022 §159: the wait before the address is confirmed moves the start of the
 * period, and we take the earlier of the two readings (src/deadlines/due-date.ts). The receipt
 * email, the status page, the case page, the case JSON and the queue all show the same date.
 */
t.test('EDPB 01/2022 §159: submitted 2026-05-29, confirmed 2026-06-01: every date shown or emailed is 2026-07-01, not 2026-07-02', async (t) => {
  const clock = testClock('2026-05-29T10:00:00.000Z')
  const ctx = await buildTestApp(t, { clock, env: { VERIFY_TOKEN_TTL_HOURS: '96' } })
  const { app, smtp, flushMail } = ctx
  const email = 'vanta@example.se'
  await app.intake.submit(
    { type: 'access', email, name: 'Vera Väntan', relationship: null, consentKind: null, details: 'Allt', incorrect: null, correct: null, keepData: false } as never,
    { ip: '192.0.2.1', lang: 'sv', channel: 'web' },
  )
  await flushMail()
  const [verify] = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/verify\//.test(m.parsed.text ?? ''))
  const token = /\/verify\/([A-Za-z0-9_-]{43})/.exec(verify.parsed.text!)![1]
  clock.set('2026-06-01T10:00:00.000Z')
  const confirmed = await app.intake.confirm(token)
  if (confirmed.state !== 'confirmed') throw new Error(confirmed.state)
  const c = confirmed.case
  t.equal(c.due_date, '2026-07-01', 'stored due date')

  await flushMail()
  const [receipt] = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/status\//.test(m.parsed.text ?? ''))
  t.match(receipt.parsed.text, /2026-07-01/, 'the receipt email promises 2026-07-01')
  t.notMatch(receipt.parsed.text, /2026-07-02/)

  const status = await app.inject({ url: new URL(linkIn(receipt.parsed.text!, `${PUBLIC_URL}/status/`)).pathname })
  t.match(status.body, /2026-07-01/, 'the status page')
  t.notMatch(status.body, /2026-07-02/)

  const staff = await createStaff(app, { role: 'handler' })
  const auth = { authorization: `Bearer ${await apiTokenFor(app, staff)}` }
  const json = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })).json()
  t.match(json, { dueDate: '2026-07-01', strictDueDate: '2026-06-29', pausedDays: 3, pauses: [] })
  const list = (await app.inject({ url: '/api/v1/cases', headers: auth })).json()
  t.equal(list.items[0].dueDate, '2026-07-01', 'the queue API')

  const jar = new Jar()
  await loginAs(app, jar, staff)
  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })
  t.match(page.body, /<strong>2026-07-01<\/strong>/, 'the case page')
  const queue = await app.inject({ url: '/staff?team=all', headers: { cookie: jar.header } })
  t.match(queue.body, /2026-07-01/, 'the queue page')
  t.notMatch(queue.body, /2026-07-02/)
})
