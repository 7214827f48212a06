import t from 'tap'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'

/** Issue 14 §5: broken multipart bodies and dates outside the supported range are the client's fault: 4xx, a clear message, nothing logged as a failure. */
t.test('broken multipart bodies and out-of-range dates answer 4xx with a clear message', async (t) => {
  const logged: string[] = []
  const h = await buildTestApp(t, { env: { LOG_LEVEL: 'error' }, logStream: { write: (l) => void logged.push(l) } })
  const { app } = h
  const opened = await openCase(h)
  const admin = await createStaff(app, { role: 'admin' })
  const token = await apiTokenFor(app, admin)
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const csrf = csrfFrom((await app.inject({ url: '/staff/account', headers: { cookie: jar.header } })).body)
  const api = { authorization: `Bearer ${token}` }
  const en = { 'accept-language': 'en' }

  const truncated = '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Cl'
  for (const [label, headers, payload] of [
    ['truncated multipart', { 'content-type': 'multipart/form-data; boundary=x' }, truncated],
    ['multipart without boundary', { 'content-type': 'multipart/form-data' }, 'List-Unsubscribe=One-Click'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/u/some-token', headers: { ...headers, ...en }, payload })
    t.equal(res.statusCode, 400, `POST /u/<token>, ${label}: 400`)
    t.match(res.body, /arrived broken or incomplete/, `${label}: the page says what is wrong`)
    const sv = await app.inject({ method: 'POST', url: '/u/some-token', headers, payload })
    t.match(sv.body, /trasigt eller ofullständigt/, `${label}: in Swedish by default`)
  }

  for (const url of [`/api/v1/cases/${opened.case.id}/package/files`]) {
    const res = await app.inject({ method: 'POST', url, headers: { ...api, ...en, 'content-type': 'multipart/form-data' }, payload: 'x' })
    t.equal(res.statusCode, 400, 'package upload without boundary (API): 400')
    t.equal(res.json().error, 'invalid_body')
    t.match(res.json().message, /no boundary/)
  }
  const page = await app.inject({ method: 'POST', url: `/staff/cases/${opened.case.id}/package/files`, headers: { cookie: jar.header, 'content-type': 'multipart/form-data' }, payload: 'x' })
  t.equal(page.statusCode, 400, 'package upload without boundary (page): 400')
  t.match(page.headers['content-type'], /text\/html/)

  for (const months of ['1', '3']) {
    const res = await app.inject({ url: `/api/v1/deadlines?receivedAt=9999-12-31&months=${months}`, headers: { ...api, ...en } })
    t.equal(res.statusCode, 400, `GET /api/v1/deadlines 9999-12-31 (${months} months): 400`)
    t.equal(res.json().fields.receivedAt, 'must be a date from 2000-01-01 to 2999-12-31 (the range the portal computes deadlines for)')
  }
  const ok = await app.inject({ url: '/api/v1/deadlines?receivedAt=2999-12-31&months=3', headers: api })
  t.equal(ok.statusCode, 200, 'the last supported date still computes')
  const calc = await app.inject({ url: '/staff/deadlines?receivedAt=9999-12-31', headers: { cookie: jar.header } })
  t.equal(calc.statusCode, 400, 'GET /staff/deadlines 9999-12-31: 400')
  t.match(calc.body, /Ange ett datum från 2000-01-01 till 2999-12-31/)
  t.match(calc.body, /value="9999-12-31"/, 'the form keeps what was typed')

  for (const receivedAt of ['0001-01-01', '0001-01-01T00:00:00Z', '1999-12-31']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: { ...api, ...en, 'content-type': 'application/json' }, payload: JSON.stringify({ type: 'access', email: 'old@example.se', channel: 'email', receivedAt }) })
    t.equal(res.statusCode, 400, `POST /api/v1/cases receivedAt ${receivedAt}: 400`)
    t.match(res.json().fields.receivedAt, /from 2000-01-01 to 2999-12-31/)
    const staff = await app.inject({ method: 'POST', url: '/staff/cases/new', headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf, type: 'access', email: 'old@example.se', channel: 'email', receivedAt }) })
    t.equal(staff.statusCode, 400, `POST /staff/cases/new receivedAt ${receivedAt}: 400`)
    t.match(staff.body, /Ange ett datum från 2000-01-01 till 2999-12-31/)
    t.match(staff.body, /old@example\.se/, 'the form comes back with what was typed')
  }
  t.same(logged.filter((l) => /"level":5\d/.test(l)), [], 'nothing logged as a failure')
})
