import t from 'tap'
import { buildTestApp, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'

t.test('a processor case is forwarded to the client from the case page; the requester is told who the controller is', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, handler)
  const { case: c } = await openCase(ctx, { type: 'erasure', email: 'resenar@example.se', name: 'Rita Resenär', relationship: 'event_participant' })
  const page = `/staff/cases/${c.id}`
  t.match((await app.inject({ url: page, headers: { cookie: jar.header } })).body, /id="forward-form"/)

  const bad = await staffForm(app, jar, page, { clientId: '', clientName: 'Kund AB', clientEmail: 'inte-en-adress' }, { postPath: `${page}/forward` })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /e-postadress för dataskyddsfrågor/)
  t.match(bad.body, /value="Kund AB"/, 'what was typed comes back')
  const plain = await staffForm(app, jar, page, { status: 'in_progress' }, { postPath: `${page}/status` })
  t.equal(plain.statusCode, 303)
  const direct = await app.cases.changeStatus({ id: handler.id, role: 'handler' }, c.id, 'forwarded').catch((e: { code: string }) => e.code)
  t.equal(direct, 'use_forward', 'forwarded only through forwarding')

  const marked = await staffForm(app, jar, page, { clientName: 'Resebolaget AB', clientEmail: 'dataskydd@resebolaget.se' }, { postPath: `${page}/client` })
  t.equal(marked.statusCode, 303)
  t.match(await app.cases.get(c.id), { on_behalf_of_client: 1, controller_name: 'Resebolaget AB', status: 'in_progress' })
  const forwarded = await staffForm(app, jar, page, { clientId: '', clientName: '', clientEmail: '', forwardLang: 'sv' }, { postPath: `${page}/forward` })
  t.equal(forwarded.statusCode, 303)
  const after = await app.cases.get(c.id)
  t.match(after, { status: 'forwarded', closed_at: String })

  await flushMail()
  const [toClient] = await smtp.waitFor((m) => m.envelopeTo.includes('dataskydd@resebolaget.se'))
  t.match(toClient.parsed.subject, new RegExp(`vårt ärende ${c.reference}`))
  t.match(toClient.parsed.text, /personuppgiftsbiträdesavtal/)
  t.match(toClient.parsed.text, /Rita Resenär/)
  t.match(toClient.parsed.text, /resenar@example\.se/)
  t.notMatch(toClient.parsed.text, /\/status\//, 'the client gets no link to the requester’s status page')
  const [toRequester] = await smtp.waitFor((m) => m.envelopeTo.includes('resenar@example.se') && /Resebolaget AB/.test(m.parsed.subject ?? ''))
  t.match(toRequester.parsed.text, /Resebolaget AB \(dataskydd@resebolaget\.se\)/)
  t.match(toRequester.parsed.text, /personuppgiftsansvarig/)
  const status = await app.inject({ url: new URL(linkIn(toRequester.parsed.text, `${PUBLIC_URL}/status/`)).pathname })
  t.match(status.body, /Vidarebefordrat till den personuppgiftsansvarige/)

  const casePage = (await app.inject({ url: page, headers: { cookie: jar.header } })).body
  t.match(casePage, /event-forwarded/)
  t.match(casePage, /Resebolaget AB/)
  t.notMatch(casePage, /id="forward-form"/, 'a closed case cannot be forwarded again')
  t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.forward').where('actor_id', '=', handler.id).executeTakeFirst())
  const report = await app.inject({ url: '/staff/reports?year=2026&format=csv', headers: { cookie: jar.header } })
  t.match(report.body, /2026-11,erasure,1,1,0,1\.000,0,0/, 'the report counts it as answered, on time')

  // Known clients can be picked next time, through the API.
  const { case: c2 } = await openCase(ctx, { type: 'access', relationship: 'event_participant' })
  const client = await app.db.selectFrom('clients').select(['id']).executeTakeFirstOrThrow()
  const api = await app.inject({ method: 'POST', url: `/api/v1/cases/${c2.id}/forward`, headers: { authorization: `Bearer ${await apiTokenFor(app, handler)}` }, payload: { clientId: client.id, lang: 'en' } })
  t.equal(api.statusCode, 200)
  t.match(api.json(), { status: 'forwarded', onBehalfOfClient: true, controller: { name: 'Resebolaget AB', email: 'dataskydd@resebolaget.se' } })
  const again = await app.inject({ method: 'POST', url: `/api/v1/cases/${c2.id}/forward`, headers: { authorization: `Bearer ${await apiTokenFor(app, handler)}` }, payload: { clientId: client.id } })
  t.equal(again.statusCode, 409)
  const unknown = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/client`, headers: { authorization: `Bearer ${await apiTokenFor(app, handler)}` }, payload: { clientId: 999 } })
  t.equal(unknown.statusCode, 409, 'closed')
})

t.test('a question from the public form is confirmed, routed, answered and then minimised', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const browser = new Jar()
  const empty = await submitForm(app, browser, '/request/question', { email: 'fraga@example.se', name: 'Frida', details: '' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /Skriv din fråga/)
  t.match(empty.body, /value="Frida"/)
  const page = await app.inject({ url: '/request/question?lang=en' })
  t.match(page.body, /Ask a question about your personal data/)
  t.match(page.body, /name="keep"/)
  const sent = await submitForm(app, browser, '/request/question', { email: 'fraga@example.se', name: 'Frida Fråga', details: 'Hur länge sparar ni mitt CV?' })
  t.equal(sent.statusCode, 200)
  await flushMail()
  const [verify] = await smtp.waitFor((m) => m.envelopeTo.includes('fraga@example.se'))
  const verifyPath = new URL(linkIn(verify.parsed.text, `${PUBLIC_URL}/verify/`)).pathname
  const confirmed = await submitForm(app, browser, verifyPath, {})
  t.equal(confirmed.statusCode, 303)
  const c = await app.db.selectFrom('cases').selectAll().where('type', '=', 'question').executeTakeFirstOrThrow()
  t.match(c, { keep_data: 0, details: 'Hur länge sparar ni mitt CV?', routed_by: /default/ })

  const handler = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, handler)
  const casePath = `/staff/cases/${c.id}`
  t.match((await app.inject({ url: casePath, headers: { cookie: jar.header } })).body, /raderas den registrerades kontaktuppgifter/)
  const blank = await staffForm(app, jar, casePath, { answer: '  ' }, { postPath: `${casePath}/answer` })
  t.equal(blank.statusCode, 400)
  t.match(blank.body, /Skriv svaret/)
  await staffForm(app, jar, casePath, { text: 'Intern anteckning om Frida' }, { postPath: `${casePath}/notes` })
  const answered = await staffForm(app, jar, casePath, { answer: 'Vi sparar CV i tre år med ditt samtycke.' }, { postPath: `${casePath}/answer` })
  t.equal(answered.statusCode, 303)

  await flushMail()
  const [answer] = await smtp.waitFor((m) => m.envelopeTo.includes('fraga@example.se') && /Svar på din fråga/.test(m.parsed.subject ?? ''))
  t.match(answer.parsed.text, /Hej Frida Fråga!/)
  t.match(answer.parsed.text, /Vi sparar CV i tre år med ditt samtycke\./)

  const reduced = await app.cases.get(c.id)
  t.match(reduced, { status: 'completed', email: '', name: null, details: null, minimised_at: String, reference: c.reference, received_at: c.received_at, closed_at: String })
  t.equal((await app.db.selectFrom('case_messages').select('id').where('case_id', '=', c.id).execute()).length, 0, 'messages deleted')
  t.equal((await app.db.selectFrom('submissions').select('id').where('case_id', '=', c.id).execute()).length, 0, 'the submission is deleted')
  const events = await app.db.selectFrom('case_events').select(['kind', 'data']).where('case_id', '=', c.id).execute()
  t.notOk(events.some((e) => (e.data ?? '').includes('Frida')), 'no note text left on the timeline')
  t.ok(events.some((e) => e.kind === 'minimised'))
  const { purgeMinimisedMail } = await import('../../src/cases/minimise.js')
  t.ok((await purgeMinimisedMail(app.db)) >= 1, 'the sent answer leaves the outbox')
  t.equal((await app.db.selectFrom('outbox').select('id').where('to_address', '=', 'fraga@example.se').execute()).length, 0, 'no email to the address is kept')
  const shown = (await app.inject({ url: casePath, headers: { cookie: jar.header } })).body
  t.match(shown, /Personuppgifterna i ärendet raderades/)
  t.notMatch(shown, /Frida/)
  t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.answer').executeTakeFirst())
})

t.test('a question whose asker consented to keeping it is answered but not minimised; API questions and answers', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const res = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'question', email: 'spara@example.se', details: 'Vilka underbiträden har ni?', keep: true } })
  t.equal(res.statusCode, 202)
  const noQuestion = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'question', email: 'x@example.se' } })
  t.equal(noQuestion.statusCode, 400)
  t.match(noQuestion.json(), { fields: { details: /fråga|question/i } })
  await flushMail()
  const [verify] = await smtp.waitFor((m) => m.envelopeTo.includes('spara@example.se'))
  const token = /\/verify\/([A-Za-z0-9_-]{43})/.exec(verify.parsed.text ?? '')![1]
  const confirmed = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  t.equal(confirmed.statusCode, 200)
  const auth = { authorization: `Bearer ${await apiTokenFor(app, await createStaff(app, { role: 'handler' }))}` }
  const list = (await app.inject({ url: '/api/v1/cases?type=question', headers: auth })).json()
  t.match(list.items[0], { type: 'question', keepData: true, team: 'data_protection' })
  const id = list.items[0].id
  const answered = await app.inject({ method: 'POST', url: `/api/v1/cases/${id}/answer`, headers: auth, payload: { text: 'Se vår förteckning.' } })
  t.equal(answered.statusCode, 200)
  t.match(answered.json(), { status: 'completed', email: 'spara@example.se', details: 'Vilka underbiträden har ni?', minimisedAt: null })
  const { case: access } = await openCase(ctx, { type: 'access' })
  const wrong = await app.inject({ method: 'POST', url: `/api/v1/cases/${access.id}/answer`, headers: auth, payload: { text: 'x' } })
  t.equal(wrong.statusCode, 409)
  t.match(wrong.json(), { error: 'not_a_question' })
})
