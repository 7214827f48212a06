import t from 'tap'
import { buildTestApp, form, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { linkIn } from '../helpers/smtp.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

t.test('staff find a case, assign it, write to the requester; the requester answers', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const staff = await createStaff(app, { role: 'handler', name: 'Hanna Handläggare' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const { case: c } = await openCase(ctx, { email: 'eva@example.se', name: 'Eva <b>Ek</b>' })
  await openCase(ctx, { email: 'other@example.se', name: 'Olle' })

  const queue = await app.inject({ url: '/staff?q=eva@example.se', headers: { cookie: jar.header } })
  t.equal(queue.statusCode, 200)
  t.equal(queue.headers['cache-control'], 'no-store')
  t.match(queue.body, c.reference)
  t.notMatch(queue.body, /Olle/, 'search narrows the queue')
  t.match(queue.body, /Eva &lt;b&gt;Ek&lt;\/b&gt;/, 'names from the public are escaped')

  const page = `/staff/cases/${c.id}`
  const assigned = await staffForm(app, jar, page, { assignee: 'me' }, { postPath: `${page}/assign` })
  t.equal(assigned.statusCode, 303)
  t.equal((await app.cases.get(c.id)).assignee_id, staff.id)
  t.match((await app.inject({ url: '/staff?assignee=me', headers: { cookie: jar.header } })).body, c.reference)

  t.equal((await staffForm(app, jar, page, { status: 'in_progress' }, { postPath: `${page}/status` })).statusCode, 303)
  const sent = await staffForm(app, jar, page, { template: '', text: 'Vilket år sökte du jobb hos oss?', lang: 'sv', awaitReply: 'on' }, { postPath: `${page}/messages` })
  t.equal(sent.statusCode, 303)
  t.equal((await app.cases.get(c.id)).status, 'awaiting_requester')
  const note = await staffForm(app, jar, page, { text: 'Ringde, inget svar' }, { postPath: `${page}/notes` })
  t.equal(note.statusCode, 303)

  await flushMail()
  const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes('eva@example.se') && /Meddelande i ditt ärende/.test(m.parsed.subject ?? ''))
  t.match(mail.parsed.text, /Vilket år sökte du jobb hos oss\?/)
  t.notMatch(mail.parsed.text, /Ringde/, 'internal notes are never sent')
  const statusPath = new URL(linkIn(mail.parsed.text, `${PUBLIC_URL}/status/`)).pathname

  const requester = new Jar()
  const statusPage = await app.inject({ url: statusPath })
  t.match(statusPage.body, /Vilket år sökte du jobb hos oss\?/, 'the message shows on the status page')
  t.notMatch(statusPage.body, /Ringde/)
  const empty = await submitForm(app, requester, statusPath, { reply: '   ' }, { postPath: `${statusPath}/reply` })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /Skriv ett meddelande/)
  const answered = await submitForm(app, requester, statusPath, { reply: 'År 2024, <i>våren</i>.' }, { postPath: `${statusPath}/reply` })
  t.equal(answered.statusCode, 303)
  t.equal((await app.cases.get(c.id)).status, 'in_progress')

  const casePage = await app.inject({ url: page, headers: { cookie: jar.header } })
  t.equal(casePage.statusCode, 200)
  t.match(casePage.body, /År 2024, &lt;i&gt;våren&lt;\/i&gt;\./, 'the reply is on the timeline, escaped')
  t.match(casePage.body, /Ringde, inget svar/)
  t.match(casePage.body, /Hanna Handläggare/, 'who did it')
  for (const kind of ['submitted', 'verified', 'assigned', 'status_changed', 'message_out', 'message_in', 'note']) t.match(casePage.body, `event-${kind}`, kind)
  // EDPB 01/2022 §159: a plain question (no reason that allows a pause) leaves the clock running.
  for (const kind of ['pause_started', 'pause_ended']) t.notMatch(casePage.body, `event-${kind}`, `no ${kind}`)
})

t.test('refusals come back on the case page with the typed values; viewers only read', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const viewer = await createStaff(app, { role: 'viewer' })
  const { case: c } = await openCase(ctx)
  const jar = new Jar()
  await loginAs(app, jar, handler)
  const page = `/staff/cases/${c.id}`
  const reject = await staffForm(app, jar, page, { status: 'rejected', reason: '' }, { postPath: `${page}/status` })
  t.equal(reject.statusCode, 400)
  t.match(reject.body, /Ange skälet|reason/i)
  const noCsrf = await app.inject({ method: 'POST', url: `${page}/notes`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ text: 'x' }) })
  t.equal(noCsrf.statusCode, 403)
  t.equal(await app.db.selectFrom('case_events').select('id').where('kind', '=', 'note').executeTakeFirst(), undefined)

  const vjar = new Jar()
  await loginAs(app, vjar, viewer)
  t.equal((await app.inject({ url: page, headers: { cookie: vjar.header } })).statusCode, 200)
  t.notMatch((await app.inject({ url: page, headers: { cookie: vjar.header } })).body, /action="\/staff\/cases\/\d+\/notes"/, 'no work forms for viewers')
  const denied = await staffForm(app, vjar, page, { text: 'x' }, { postPath: `${page}/notes` })
  t.equal(denied.statusCode, 403)
  t.equal((await app.inject({ url: '/staff/cases/new', headers: { cookie: vjar.header } })).statusCode, 403)
  t.equal((await app.inject({ url: '/staff/admin/templates', headers: { cookie: jar.header } })).statusCode, 403, 'templates are for admins')
  const anon = await app.inject({ url: page })
  t.equal(anon.statusCode, 303)
  t.match(anon.headers.location, /^\/staff\/login\?next=/)
  t.equal((await app.inject({ url: '/staff/cases/99999', headers: { cookie: jar.header } })).statusCode, 404)
})

t.test('register a request that came by phone; bad input keeps what was typed', async (t) => {
  const { app } = await buildTestApp(t)
  const jar = new Jar()
  await loginAs(app, jar, await createStaff(app, { role: 'handler' }))
  const bad = await staffForm(app, jar, '/staff/cases/new', { type: 'erasure', channel: 'phone', receivedAt: '2099-01-01', email: 'nope', name: 'Greta "G" Ö', details: 'Ringde in' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /får inte vara i framtiden/)
  t.match(bad.body, /giltig e-postadress/)
  t.match(bad.body, /value="Greta &quot;G&quot; Ö"/)
  t.match(bad.body, /Ringde in/)
  const ok = await staffForm(app, jar, '/staff/cases/new', { type: 'erasure', channel: 'phone', receivedAt: '2026-11-20', email: 'greta@example.se', name: 'Greta', lang: 'sv' })
  t.equal(ok.statusCode, 303)
  const created = await app.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow()
  t.match(created, { channel: 'phone', received_at: '2026-11-20T12:00:00.000Z', due_date: '2026-12-21' })
})

t.test('admins edit templates; the edit is used for the next message', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const admin = await createStaff(app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const saved = await staffForm(app, jar, '/staff/admin/templates', { key: 'answer', lang: 'sv', subject: 'Svar {{reference}}', body: 'Hej {{name}}, svaret kommer här. Senast {{dueDate}}.' })
  t.equal(saved.statusCode, 303)
  const empty = await staffForm(app, jar, '/staff/admin/templates', { key: 'answer', lang: 'en', subject: '', body: 'x' })
  t.equal(empty.statusCode, 400)
  const { case: c } = await openCase(ctx, { name: 'Stina' })
  await app.cases.sendMessage({ id: admin.id, role: 'admin' }, c.id, { template: 'answer' })
  await flushMail()
  const [mail] = await smtp.waitFor((m) => m.parsed.subject === `Svar ${c.reference}`)
  t.match(mail.parsed.text, /Hej Stina, svaret kommer här\. Senast 2026-12-28\./)
  t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', 'template.save').executeTakeFirst())
})

t.test('report and calculator pages', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const jar = new Jar()
  await loginAs(app, jar, await createStaff(app, { role: 'viewer' }))
  await openCase(ctx, { type: 'erasure' })
  const report = await app.inject({ url: '/staff/reports', headers: { cookie: jar.header } })
  t.equal(report.statusCode, 200)
  t.match(report.body, /2026-11/)
  const csv = await app.inject({ url: '/staff/reports?year=2026&format=csv', headers: { cookie: jar.header } })
  t.match(csv.headers['content-type'], /text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment; filename="dsr-report-2026.csv"/)
  t.match(csv.body, /2026-11,erasure,1,0,,,0,1/)
  const calc = await app.inject({ url: '/staff/deadlines?receivedAt=2026-11-25&months=1', headers: { cookie: jar.header } })
  t.match(calc.body, /2026-12-28/)
  t.match(calc.body, /Juldagen/)
  const bad = await app.inject({ url: '/staff/deadlines?receivedAt=nope', headers: { cookie: jar.header } })
  t.equal(bad.statusCode, 400)
})
