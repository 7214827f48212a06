import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'

t.test('EDPB 01/2022 §159: GET /api/v1/deadlines with confirmedAt counts no later than one month from the confirmation', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const auth = { authorization: `Bearer ${await apiTokenFor(app, await createStaff(app, { role: 'viewer' }))}` }
  const get = (qs: string) => app.inject({ url: `/api/v1/deadlines?${qs}`, headers: auth })

  const res = await get('receivedAt=2026-05-29&confirmedAt=2026-06-01&months=1')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { receivedAt: '2026-05-29', months: 1, dueDate: '2026-07-01', skipped: [], confirmedAt: '2026-06-01', pausedDays: 3, strictDueDate: '2026-06-29' })
  t.equal((await get('receivedAt=2027-01-29&confirmedAt=2027-02-01')).json().dueDate, '2027-03-01')
  t.equal((await get('receivedAt=2026-02-27&confirmedAt=2026-03-01')).json().dueDate, '2026-03-30')
  t.equal((await get('receivedAt=2026-05-29&confirmedAt=2026-05-29')).json().dueDate, '2026-06-29', 'confirmed the same day: no pause')
  // Without confirmedAt: exactly as before.
  t.same((await get('receivedAt=2026-05-29&months=1')).json(), { receivedAt: '2026-05-29', months: 1, dueDate: '2026-06-29', skipped: [] })

  for (const [qs, field] of [
    ['receivedAt=2026-05-29&confirmedAt=2026-05-28', 'confirmedAt'],
    ['receivedAt=2026-05-29&confirmedAt=2026-02-30', 'confirmedAt'],
    ['receivedAt=2026-05-29&confirmedAt=9999-12-31', 'confirmedAt'],
    ['receivedAt=2026-05-29&confirmedAt=%E2%80%8B2026-06-01', 'confirmedAt'],
    ['receivedAt=nope&confirmedAt=2026-06-01', 'receivedAt'],
  ] as const) {
    const bad = await get(qs)
    t.equal(bad.statusCode, 400, qs)
    t.ok(bad.json().fields[field], `${qs}: ${field} named`)
  }
  const twice = await app.inject({ url: '/api/v1/deadlines?receivedAt=2026-05-29&confirmedAt=2026-06-01&confirmedAt=2026-06-02', headers: auth })
  t.equal(twice.statusCode, 400, 'confirmedAt twice is refused, not a 500')
})

t.test('Art. 12(3): months=3 counts two months from the end of the first month', async (t) => {
  const ctx = await buildTestApp(t)
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, await createStaff(ctx.app, { role: 'viewer' }))}` }
  const res = await ctx.app.inject({ url: '/api/v1/deadlines?receivedAt=2026-01-30&months=3', headers: auth })
  t.equal(res.json().dueDate, '2026-04-28')
})

t.test('EDPB 01/2022 §159: the staff calculator page takes the confirmation date', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const jar = new Jar()
  await loginAs(app, jar, await createStaff(app, { role: 'viewer' }))
  const page = await app.inject({ url: '/staff/deadlines?receivedAt=2026-05-29&confirmedAt=2026-06-01&months=1', headers: { cookie: jar.header } })
  t.equal(page.statusCode, 200)
  t.match(page.body, /2026-07-01/)
  t.notMatch(page.body, /2026-07-02/)
  t.match(page.body, /name="confirmedAt"[^>]*value="2026-06-01"|value="2026-06-01"[^>]*name="confirmedAt"|id="confirmedAt" name="confirmedAt" type="date" value="2026-06-01"/)
  const empty = await app.inject({ url: '/staff/deadlines?receivedAt=2026-05-29&confirmedAt=&months=1', headers: { cookie: jar.header } })
  t.equal(empty.statusCode, 200, 'an empty confirmation field is no confirmation')
  t.match(empty.body, /2026-06-29/)
  const before = await app.inject({ url: '/staff/deadlines?receivedAt=2026-05-29&confirmedAt=2026-05-01&months=1', headers: { cookie: jar.header } })
  t.equal(before.statusCode, 400)
  t.match(before.body, /value="2026-05-01"/, 'what was typed comes back')
  t.match(before.body, /id="confirmedAt-error"/)
})
