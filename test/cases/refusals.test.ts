import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'
import { saveTemplate } from '../../src/cases/templates.js'

const DAY = 86_400_000
const IMY_SV = /Integritetsskyddsmyndigheten \(IMY\), www\.imy\.se.*domstol \(artiklarna 12\.4, 77 och 79 i dataskyddsförordningen\)\.\s*$/s
const IMY_EN = /Integritetsskyddsmyndigheten, IMY\), www\.imy\.se.*judicial remedy in court \(GDPR Articles 12\(4\), 77 and 79\)\.\s*$/s

/** The last email to `email` with `subject`, its text without the common signature. */
async function letterTo(ctx: Awaited<ReturnType<typeof buildTestApp>>, email: string, subject: RegExp) {
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes(email) && subject.test(m.parsed.subject ?? ''))
  return mails[mails.length - 1]
}

/** The body of the last message sent on the case (what the status page and the email show). */
async function lastMessage(ctx: Awaited<ReturnType<typeof buildTestApp>>, caseId: number) {
  const m = await ctx.app.db.selectFrom('case_messages').select(['body']).where('case_id', '=', caseId).where('direction', '=', 'out').orderBy('id', 'desc').executeTakeFirstOrThrow()
  return m.body
}

async function api(ctx: Awaited<ReturnType<typeof buildTestApp>>) {
  const staff = await createStaff(ctx.app, { role: 'handler' })
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, staff)}` }
  return (method: 'GET' | 'POST', url: string, payload?: object) => ctx.app.inject({ method, url, headers: auth, payload })
}

t.test('Art. 12(4): a rejection letter ends with the IMY and court notice even when an admin edited the template to drop it', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const handler = await insertStaff(app, 'handler')
  const admin = await insertStaff(app, 'admin')
  for (const lang of ['sv', 'en'] as const) {
    await saveTemplate(app.db, 'rejection', lang, { title: 'Avslag', subject: 'Beslut {{reference}}', body: 'Nej. {{reason}}' }, admin.id, app.clock().toISOString())
  }
  const sv = await openCase(ctx, { lang: 'sv' })
  await app.cases.changeStatus(handler, sv.case.id, 'rejected', 'Vi kunde inte styrka din identitet.')
  const svMail = await letterTo(ctx, sv.email, /^Beslut /)
  t.match(svMail.parsed.text, /Nej\. Vi kunde inte styrka din identitet\./, 'the edited template is used, with the reason')
  t.match(await lastMessage(ctx, sv.case.id), IMY_SV, 'sv: the fixed block is the end of the letter')
  t.match(svMail.parsed.text, /Integritetsskyddsmyndigheten \(IMY\), www\.imy\.se/)

  const en = await openCase(ctx, { lang: 'en' })
  await app.cases.changeStatus(handler, en.case.id, 'rejected', 'We could not verify your identity.')
  await letterTo(ctx, en.email, /^Beslut /)
  t.match(await lastMessage(ctx, en.case.id), IMY_EN, 'en: the block in English')
})

t.test('Art. 12(4): the default rejection letter has the notice once, not twice', async (t) => {
  const ctx = await buildTestApp(t)
  const handler = await insertStaff(ctx.app, 'handler')
  const { case: c } = await openCase(ctx)
  await ctx.app.cases.changeStatus(handler, c.id, 'rejected', 'Skäl')
  const body = await lastMessage(ctx, c.id)
  t.equal(body.split('Integritetsskyddsmyndigheten').length - 1, 1)
  t.match(body, IMY_SV)
})

t.test('Art. 12(4): completing with a partial refusal needs its reason, tells the requester why and where to complain, and shows in the case JSON', async (t) => {
  const ctx = await buildTestApp(t)
  const call = await api(ctx)
  const { case: c, email } = await openCase(ctx, { type: 'erasure', lang: 'en' })
  t.equal((await call('POST', `/api/v1/cases/${c.id}/status`, { status: 'in_progress' })).statusCode, 200)

  const blank = await call('POST', `/api/v1/cases/${c.id}/status`, { status: 'completed', partialRefusal: { reason: ' \u200b ' } })
  t.equal(blank.statusCode, 400, 'an invisible reason is no reason')
  t.match(blank.json(), { error: 'reason_required', message: /IMY/ })
  const noReason = await call('POST', `/api/v1/cases/${c.id}/status`, { status: 'completed', partialRefusal: {} })
  t.equal(noReason.statusCode, 400)
  const wrongStatus = await call('POST', `/api/v1/cases/${c.id}/status`, { status: 'withdrawn', partialRefusal: { reason: 'x' } })
  t.equal(wrongStatus.statusCode, 400)
  t.match(wrongStatus.json(), { error: 'partial_refusal_not_allowed' })
  t.equal((await ctx.app.cases.get(c.id)).status, 'in_progress', 'nothing changed on a refusal')

  const done = await call('POST', `/api/v1/cases/${c.id}/status`, { status: 'completed', partialRefusal: { reason: 'Invoices must be kept 7 years (Bokföringslagen); everything else was erased.' } })
  t.equal(done.statusCode, 200)
  t.match(done.json(), { status: 'completed', partialRefusal: { reason: /Bokföringslagen/ }, late: false, refusalReason: null })
  const mail = await letterTo(ctx, email, /^Decision in your case/)
  t.match(mail.parsed.text, /cannot comply with part of it/)
  t.match(mail.parsed.text, /Bokföringslagen/)
  t.match(await lastMessage(ctx, c.id), IMY_EN)

  const plain = await openCase(ctx, { type: 'erasure' })
  await call('POST', `/api/v1/cases/${plain.case.id}/status`, { status: 'in_progress' })
  const full = await call('POST', `/api/v1/cases/${plain.case.id}/status`, { status: 'completed', partialRefusal: null })
  t.match(full.json(), { status: 'completed', partialRefusal: null })
})

t.test('Art. 12(5): refused_excessive from any open status needs the evidence in words, may link earlier cases that exist, and sends the Art. 12(4) letter', async (t) => {
  const ctx = await buildTestApp(t)
  const call = await api(ctx)
  // Earlier requests by the same person (openCase needs a fresh address for each confirmation).
  const first = await openCase(ctx)
  const second = await openCase(ctx)
  const waiting = await openCase(ctx)
  await call('POST', `/api/v1/cases/${waiting.case.id}/status`, { status: 'in_progress' })
  await call('POST', `/api/v1/cases/${waiting.case.id}/status`, { status: 'awaiting_requester' })
  const current = await openCase(ctx)
  const email = current.email
  const url = `/api/v1/cases/${current.case.id}/status`

  const noReason = await call('POST', url, { status: 'refused_excessive', evidence: [first.case.id] })
  t.equal(noReason.statusCode, 400)
  t.match(noReason.json(), { error: 'reason_required', message: /uppenbart ogrundad|manifestly unfounded/ })
  const missing = await call('POST', url, { status: 'refused_excessive', reason: 'Fourth identical request', evidence: [first.case.id, 999999] })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { error: 'invalid_evidence', message: /999999/ })
  const self = await call('POST', url, { status: 'refused_excessive', reason: 'x', evidence: [current.case.id] })
  t.equal(self.statusCode, 400)
  t.match(self.json(), { error: 'invalid_evidence' })
  const huge = await call('POST', url, { status: 'refused_excessive', reason: 'x', evidence: [2147483648] })
  t.equal(huge.statusCode, 400, 'an id beyond 32 bits is refused, not sent to the database')
  const junk = await call('POST', url, { status: 'refused_excessive', reason: 'x', evidence: ['DSR-1'] })
  t.equal(junk.statusCode, 400)
  const notHere = await call('POST', url, { status: 'rejected', reason: 'x', evidence: [first.case.id] })
  t.match(notHere.json(), { error: 'evidence_not_allowed' })
  t.equal((await ctx.app.cases.get(current.case.id)).status, 'new')

  const refused = await call('POST', url, { status: 'refused_excessive', reason: 'The fourth identical access request in two weeks; the first was answered in full.', evidence: [first.case.id, second.case.id, first.case.id] })
  t.equal(refused.statusCode, 200)
  t.match(refused.json(), { status: 'refused_excessive', refusalReason: /fourth identical/, evidence: [first.case.id, second.case.id], late: false, closedAt: String })
  const mail = await letterTo(ctx, email, /^Beslut i ditt ärende/)
  t.match(mail.parsed.text, /uppenbart ogrundad eller orimlig \(artikel 12\.5/)
  t.match(mail.parsed.text, /fourth identical/)
  t.match(await lastMessage(ctx, current.case.id), IMY_SV)

  const fromWaiting = await call('POST', `/api/v1/cases/${waiting.case.id}/status`, { status: 'refused_excessive', reason: 'Same again' })
  t.match(fromWaiting.json(), { status: 'refused_excessive', evidence: [] })
  const again = await call('POST', url, { status: 'refused_excessive', reason: 'x' })
  t.equal(again.statusCode, 409, 'a closed case is not refused twice')
  t.ok(await ctx.app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.status').where('case_id', '=', current.case.id).executeTakeFirst())
})

t.test('Art. 12(4): a refusal after the due date is still sent, and marked late on the case JSON and the case page', async (t) => {
  const ctx = await buildTestApp(t)
  const call = await api(ctx)
  const onTime = await openCase(ctx)
  const late = await openCase(ctx)
  t.match((await call('POST', `/api/v1/cases/${onTime.case.id}/status`, { status: 'rejected', reason: 'Skäl' })).json(), { late: false })
  t.match((await call('GET', `/api/v1/cases/${late.case.id}`)).json(), { late: false, dueDate: '2026-12-28' }, 'an open case is not late, whatever its date')
  ctx.clock.set('2026-12-29T09:00:00.000Z')
  const refused = await call('POST', `/api/v1/cases/${late.case.id}/status`, { status: 'refused_excessive', reason: 'Skäl' })
  t.equal(refused.statusCode, 200, 'still possible')
  t.match(refused.json(), { status: 'refused_excessive', late: true })

  const admin = await createStaff(ctx.app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(ctx.app, jar, admin)
  const page = await ctx.app.inject({ url: `/staff/cases/${late.case.id}`, headers: { cookie: jar.header } })
  t.match(page.body, /id="case-answered">2026-12-29 <span class="deadline deadline-overdue">Efter sista svarsdagen \(försenat\)/)
  const ok = await ctx.app.inject({ url: `/staff/cases/${onTime.case.id}`, headers: { cookie: jar.header } })
  t.match(ok.body, /id="case-answered">2026-11-25 \(I tid\)/)

  const report = await ctx.app.inject({ url: '/staff/reports?year=2026', headers: { cookie: jar.header } })
  t.match(report.body, /Varav efter sista svarsdagen/)
  t.match(report.body, /<td>2<\/td><td><span class="deadline deadline-overdue">1<\/span><\/td><\/tr>/, '2 refusals, 1 late')
  t.ok(ctx.clock.now().getTime() > Date.parse('2026-12-28') + DAY / 2)
})

t.test('Art. 12(5) and 12(4) on the case page: refuse with evidence as references, complete with a partial refusal; errors keep what was typed', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const staff = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const earlier = await openCase(ctx)
  const { case: c } = await openCase(ctx)
  const page = `/staff/cases/${c.id}`

  const form = await app.inject({ url: page, headers: { cookie: jar.header } })
  t.match(form.body, /<option value="refused_excessive">Avslagen: uppenbart ogrundad eller orimlig<\/option>/)
  t.match(form.body, /name="evidence"/)
  t.match(form.body, /artiklarna 12\.4, 77 och 79/, 'the form says the notice is always added')

  const unknown = await staffForm(app, jar, page, { status: 'refused_excessive', reason: 'Upprepad begäran', evidence: `${earlier.case.reference}, DSR-1999-000001` }, { postPath: `${page}/status` })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.body, /Ärendena finns inte: DSR-1999-000001/)
  t.match(unknown.body, /Upprepad begäran<\/textarea>/, 'the reason comes back')
  t.match(unknown.body, new RegExp(`value="${earlier.case.reference}, DSR-1999-000001"`), 'the evidence comes back')

  const tooBig = await staffForm(app, jar, page, { status: 'refused_excessive', reason: 'Upprepad begäran', evidence: '999999999999' }, { postPath: `${page}/status` })
  t.equal(tooBig.statusCode, 400, 'a 12-digit id on the form is an unknown case, not a database error')
  t.match(tooBig.body, /Ärendena finns inte: 999999999999/)
  const done = await staffForm(app, jar, page, { status: 'refused_excessive', reason: 'Upprepad begäran', evidence: earlier.case.reference.toLowerCase() }, { postPath: `${page}/status` })
  t.equal(done.statusCode, 303)
  const shown = await app.inject({ url: page, headers: { cookie: jar.header } })
  t.match(shown.body, new RegExp(`id="case-evidence"><a href="/staff/cases/${earlier.case.id}">${earlier.case.reference}</a>`), 'the linked case is a link')
  t.match(shown.body, /id="case-refusal">Upprepad begäran/)
  t.match(shown.body, /status-refused_excessive">Avslagen: uppenbart ogrundad eller orimlig/)

  const other = await openCase(ctx, { type: 'erasure' })
  const p2 = `/staff/cases/${other.case.id}`
  await staffForm(app, jar, p2, { status: 'in_progress' }, { postPath: `${p2}/status` })
  const ticked = await staffForm(app, jar, p2, { status: 'completed', partial: 'on', partialReason: '' }, { postPath: `${p2}/status` })
  t.equal(ticked.statusCode, 400, 'a ticked partial refusal without a reason is refused')
  t.match(ticked.body, /id="status-partial" name="partial" value="on" checked/)
  const closed = await staffForm(app, jar, p2, { status: 'completed', partialReason: 'Fakturor sparas i sju år enligt bokföringslagen.' }, { postPath: `${p2}/status` })
  t.equal(closed.statusCode, 303)
  t.equal((await app.cases.get(other.case.id)).partial_refusal_reason, 'Fakturor sparas i sju år enligt bokföringslagen.')
  const after = await app.inject({ url: p2, headers: { cookie: jar.header } })
  t.match(after.body, /id="case-partial-refusal">Fakturor sparas/)
})

t.test('Art. 12(5): the new status has its label in sv and en in the queue filter, the queue and the requester status page', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const call = await api(ctx)
  const { case: c, statusToken } = await openCase(ctx, { lang: 'en' })
  await call('POST', `/api/v1/cases/${c.id}/status`, { status: 'refused_excessive', reason: 'Repeated' })
  for (const lang of ['sv', 'en'] as const) {
    const staff = await createStaff(app, { role: 'viewer' })
    await app.db.updateTable('staff').set({ lang }).where('id', '=', staff.id).execute()
    const jar = new Jar()
    await loginAs(app, jar, staff)
    const queue = await app.inject({ url: '/staff?status=refused_excessive', headers: { cookie: jar.header } })
    t.equal(queue.statusCode, 200)
    t.match(queue.body, lang === 'sv' ? /<option value="refused_excessive"[^>]*>Avslagen: uppenbart ogrundad eller orimlig/ : /<option value="refused_excessive"[^>]*>Refused: manifestly unfounded or excessive/, lang)
    t.match(queue.body, c.reference, `${lang}: the filter finds the case`)
  }
  const status = await app.inject({ url: `/status/${statusToken}`, headers: { 'accept-language': 'en' } })
  t.match(status.body, /Refused \(manifestly unfounded or excessive request\)|Avslaget \(uppenbart ogrundad eller orimlig begäran\)/)
})
