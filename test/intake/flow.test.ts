import t from 'tap'
import { buildTestApp, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'

t.test('a request submitted in Swedish is confirmed by email and opens a case', async (t) => {
  const { app, smtp, flushMail } = await buildTestApp(t, { env: { STAFF_EMAIL: 'dpo@xtractor.se' } })
  const jar = new Jar()
  const res = await submitForm(app, jar, '/request/access', { email: 'Anna.Svensson@Example.se', name: 'Anna Svensson', relationship: 'candidate', details: 'Vad har ni om mig?' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /Kolla din e-post/)
  t.equal(res.headers['cache-control'], 'no-store')
  await flushMail()

  const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes('Anna.Svensson@example.se'))
  t.equal(mail.parsed.subject, 'Bekräfta din begäran till Xtractor')
  t.ok(mail.parsed.messageId, 'has a Message-ID')
  t.match(mail.parsed.html, /lang="sv"/)
  const link = linkIn(mail.parsed.text, `${PUBLIC_URL}/verify/`)
  const path = new URL(link).pathname

  const page = await app.inject({ url: path, headers: { cookie: jar.header } })
  jar.store(page)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Bekräfta och skicka in/)
  t.equal(await app.db.selectFrom('cases').select('id').execute().then((r) => r.length), 0, 'GET alone opens nothing')

  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const confirm = await app.inject({ method: 'POST', url: path, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}` })
  t.equal(confirm.statusCode, 303)
  const statusPath = confirm.headers.location as string
  t.match(statusPath, /^\/status\/[A-Za-z0-9_-]{43}$/)

  const cases = await app.db.selectFrom('cases').selectAll().execute()
  t.equal(cases.length, 1)
  t.match(cases[0].reference, /^DSR-2026-000001$/)
  t.equal(cases[0].status, 'new')
  t.equal(cases[0].received_at, '2026-11-25T10:00:00.000Z')
  t.equal(cases[0].due_date, '2026-12-28')

  const status = await app.inject({ url: statusPath })
  t.equal(status.statusCode, 200)
  t.match(status.body, /DSR-2026-000001/)
  t.match(status.body, /2026-12-28/)
  t.equal(status.headers['cache-control'], 'no-store')

  await flushMail()
  const [receipt] = await smtp.waitFor((m) => m.parsed.subject === 'Kvitto: ditt ärende DSR-2026-000001')
  t.equal(new URL(linkIn(receipt.parsed.text, `${PUBLIC_URL}/status/`)).pathname, statusPath)
  await smtp.waitFor((m) => m.envelopeTo.includes('dpo@xtractor.se'))

  const again = await app.inject({ method: 'POST', url: path, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}` })
  t.equal(again.statusCode, 410, 'the link confirms once')
  t.equal((await app.db.selectFrom('cases').select('id').execute()).length, 1)
})

t.test('the JSON API submits and verifies in English', async (t) => {
  const { app, smtp, flushMail } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'erasure', email: 'bob@example.com', name: 'Bob', lang: 'en' } })
  t.equal(res.statusCode, 202)
  t.same(res.json(), { status: 'pending_verification' })
  await flushMail()
  const [mail] = await smtp.waitFor(() => true)
  t.equal(mail.parsed.subject, 'Confirm your request to Xtractor')
  const token = linkIn(mail.parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()
  const ok = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { reference: /^DSR-2026-\d{6}$/, statusUrl: new RegExp(`^${PUBLIC_URL}/status/`) })
  const used = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  t.equal(used.statusCode, 410)
  t.match(used.json(), { error: 'token_used', message: String })
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: 'x'.repeat(43) } })
  t.equal(unknown.statusCode, 404)
  const bad = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'erasure', email: 'bob@example.com', extra: 1 } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { error: 'invalid_body', fields: { extra: String } })
})
