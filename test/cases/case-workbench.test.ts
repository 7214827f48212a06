import t from 'tap'
import { casesEn } from '../../src/i18n/cases.en.js'
import { runEscalation } from '../../src/routing/escalation.js'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

// Issue 18: the case page as a workbench. A case received 2026-11-25 (the test clock) is due
// 2026-12-28; Art. 12(3) lets it be extended until then.

t.test('the extension form is offered only while the first month runs; afterwards the page says until when it was possible', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, clock } = ctx
  const { case: c } = await openCase(ctx)
  const me = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, me)
  const page = async () => (await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })).body

  const within = await page()
  t.match(within, 'id="extend-form"', 'offered in the first month')
  t.match(within, 'Kan förlängas till och med 2026-12-28')
  t.match(within, 'href="#extend-form"', 'and among the next steps')

  clock.set('2026-12-29T09:00:00.000Z')
  await loginAs(app, jar, me)
  const after = await page()
  t.notMatch(after, 'id="extend-form"', 'not offered once the month has passed')
  t.notMatch(after, 'href="#extend-form"')
  t.match(after, 'Förlängning var möjlig till och med 2026-12-28.', 'the reason instead of the form')
})

t.test('a refused extension (the case changed under the form) comes back to the case page by a redirect, with the reason', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, clock } = ctx
  const { case: a } = await openCase(ctx)
  const { case: b } = await openCase(ctx)
  const me = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, me)
  async function formFor(id: number) {
    const shown = await app.inject({ url: `/staff/cases/${id}`, headers: { cookie: jar.header } })
    t.match(shown.body, 'id="extend-form"', 'offered')
    return () =>
      app.inject({ method: 'POST', url: `/staff/cases/${id}/extend`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(shown.body), reason: 'Tre system att gå igenom' }) })
  }
  const follow = async (location: string) => app.inject({ url: location, headers: { cookie: jar.header } })

  // Another handler extends it while the form is open.
  const sendA = await formFor(a.id)
  await app.cases.extend({ id: me.id, role: 'handler' }, a.id, 'Många system')
  const twice = await sendA()
  t.equal(twice.statusCode, 303, 'Post/Redirect/Get, not a page at the POST URL')
  t.equal(twice.headers.location, `/staff/cases/${a.id}?refused=extensionAlreadyExtended`)
  const again = await follow(twice.headers.location as string)
  t.equal(again.statusCode, 200)
  t.match(again.body, /class="error-summary"[\s\S]*redan förlängts en gång/, 'the reason in the error summary')
  t.match(again.body, 'Tidsfristen är redan förlängd till 2027-02-25.')
  t.notMatch(again.body, 'id="extend-form"')

  // 23:50 in Stockholm on the last day of the month the form is offered; it is sent after midnight.
  clock.set('2026-12-28T22:50:00.000Z')
  await loginAs(app, jar, me)
  const sendB = await formFor(b.id)
  clock.set('2026-12-28T23:05:00.000Z')
  const late = await sendB()
  t.equal(late.statusCode, 303)
  t.equal(late.headers.location, `/staff/cases/${b.id}?refused=extensionMonthPassed`)
  const back = await follow(late.headers.location as string)
  t.match(back.body, /class="error-summary"[\s\S]*Förlängning måste meddelas inom en månad från mottagandet/)
  t.notMatch(back.body, 'id="extend-form"')
  t.equal((await app.cases.get(b.id)).extended, 0)

  const bogus = await follow(`/staff/cases/${b.id}?refused=notAThing`)
  t.notMatch(bogus.body, 'class="error-summary"', 'an unknown refusal name is ignored')
})

t.test('each action is confirmed by what was done, not "Saved."', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const { case: c } = await openCase(ctx, { email: 'eva@example.se', type: 'access' })
  const me = await createStaff(app, { role: 'handler', name: 'Hanna Handläggare' })
  await createStaff(app, { role: 'handler', name: 'Anna Andersson' })
  const anna = (await app.db.selectFrom('staff').select('id').where('name', '=', 'Anna Andersson').executeTakeFirstOrThrow()).id
  const jar = new Jar()
  await loginAs(app, jar, me)
  const url = `/staff/cases/${c.id}`
  async function act(path: string, fields: Record<string, string>, done: string, text: string) {
    const res = await staffForm(app, jar, url, fields, { postPath: `${url}/${path}` })
    t.equal(res.statusCode, 303, path)
    t.equal(res.headers.location, `${url}?done=${done}`)
    const page = await app.inject({ url: res.headers.location as string, headers: { cookie: jar.header } })
    t.match(page.body, new RegExp(`<div class="notice notice-success" role="status" id="case-done"><p>${text.replace(/[.()?]/g, '\\$&')}</p></div>`), text)
    t.notMatch(page.body, '>Sparat.<')
    return page.body
  }
  await act('assign', { assignee: 'me' }, 'assigned', 'Tilldelat dig.')
  await act('assign', { assignee: String(anna) }, 'assigned', 'Tilldelat Anna Andersson.')
  await act('assign', { assignee: '' }, 'assigned', 'Ingen handläggare är tilldelad nu.')
  await act('status', { status: 'in_progress' }, 'status', 'Status ändrad till ”Handläggs”.')
  await act('messages', { text: 'Vilka system gäller det?', pause: 'identity' }, 'paused', 'Meddelandet skickat till eva@example.se. Pausad: tidsfristen står still tills hen svarar.')
  await act('status', { status: 'in_progress' }, 'status', 'Status ändrad till ”Handläggs”.')
  await act('messages', { text: 'En fråga till', awaitReply: 'on' }, 'awaiting', 'Meddelandet skickat till eva@example.se. Ärendet väntar på svar; tidsfristen löper vidare.')
  await act('status', { status: 'in_progress' }, 'status', 'Status ändrad till ”Handläggs”.')
  await act('notes', { text: 'Ringde' }, 'note', 'Anteckningen är sparad.')
  await act('extend', { reason: 'Många system' }, 'extended', 'Förlängt till 2027-02-25. Den registrerade har fått veta varför.')
  // In English: the member's language, switched once.
  await app.inject({ url: `${url}?lang=en`, headers: { cookie: jar.header } })
  await act('messages', { text: 'One more thing' }, 'message', 'Message sent to eva@example.se.')
  await act('status', { status: 'completed' }, 'status', 'Closed: Completed.')
  t.equal(casesEn.statuses.completed, 'Completed')
})

t.test('the timeline: newest first, messages as a thread, emails by name, escalation without "A → A"', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, clock } = ctx
  const { case: c } = await openCase(ctx, { email: 'erik@example.se' })
  const me = await createStaff(app, { role: 'admin' })
  const jar = new Jar()
  await app.cases.changeStatus({ id: me.id, role: 'admin' }, c.id, 'in_progress')
  await app.cases.sendMessage({ id: me.id, role: 'admin' }, c.id, { text: 'Vilket år sökte du jobb?', awaitReply: true })
  await app.cases.requesterReply(c.id, 'År 2024.')
  await app.cases.addNote({ id: me.id, role: 'admin' }, c.id, 'Senaste anteckningen')

  // Overdue and nobody took it: it escalates to the data protection team, where it already is.
  clock.set('2026-12-30T09:00:00.000Z')
  await loginAs(app, jar, me)
  const plan = await app.inject({ url: '/staff/escalation', headers: { cookie: jar.header } })
  t.match(plan.body, new RegExp(`${c.reference}[\\s\\S]*Stannar i teamet, markeras som eskalerat`), 'the escalation page says the case stays in its team')
  await runEscalation(app.db, clock.now(), app.config.escalateUnassignedHours, { force: true })

  const body = (await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })).body
  const at = (s: string) => body.indexOf(s)
  t.ok(at('event-note') > 0 && at('event-note') < at('event-submitted'), 'newest first')
  t.ok(at('event-escalated') < at('event-note'), 'the escalation is the newest')
  t.match(body, /<li class="event event-message_out msg msg-out">\s*<p class="meta"><strong>Till den registrerade<\/strong>/, 'a message out reads as one')
  t.match(body, /<li class="event event-message_in msg msg-in">\s*<p class="meta"><strong>Från den registrerade<\/strong>/, 'and an answer in')
  t.match(body, /E-post skickad<\/strong>: kvitto med länk för att följa ärendet/, 'the email by its name')
  t.notMatch(body, /: receipt\b/, 'never the template key')
  t.match(body, /Eskalerat<\/strong>: (Försenat|Ingen har tagit ärendet); ligger kvar hos /, 'the reason, and that it stays with the team')
  t.notMatch(body, /(\S+) → \1 ·/, 'no "A → A"')
})
