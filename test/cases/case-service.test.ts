import t from 'tap'
import { DomainError } from '../../src/domain/errors.js'
import { domainMessage } from '../../src/http/errors.js'
import { buildTestApp, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'
import { linkIn } from '../helpers/smtp.js'

const DAY = 86_400_000

/** A refusal with its sentence in both languages, as the scope's edge would word it. */
async function refusal(p: Promise<unknown>): Promise<DomainError & { messages: { sv: string; en: string } }> {
  try {
    await p
  } catch (error) {
    if (error instanceof DomainError) return Object.assign(error, { messages: { sv: domainMessage(error, 'sv'), en: domainMessage(error, 'en') } })
    throw error
  }
  throw new Error('expected a refusal')
}

t.test('assign, note and status changes land on the timeline and in the audit log', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const handler = await insertStaff(app, 'handler')
  const viewer = await insertStaff(app, 'viewer')
  const { case: c } = await openCase(ctx)

  const assigned = await app.cases.assign(handler, c.id, handler.id)
  t.equal(assigned.assignee_id, handler.id)
  await t.rejects(app.cases.assign(handler, c.id, viewer.id), { code: 'invalid_assignee' }, 'a viewer cannot hold cases')
  await app.cases.addNote(handler, c.id, 'Checked the CRM')
  await t.rejects(app.cases.addNote(handler, c.id, '   '), { code: 'text_required' })
  await app.cases.changeStatus(handler, c.id, 'in_progress')
  await t.rejects(app.cases.changeStatus(handler, c.id, 'new'), { code: 'forbidden_transition' })
  await t.rejects(app.cases.changeStatus(handler, c.id, 'rejected'), { code: 'reason_required' })

  const kinds = (await app.db.selectFrom('case_events').select('kind').where('case_id', '=', c.id).orderBy('id').execute()).map((e) => e.kind)
  t.same(kinds, ['submitted', 'verified', 'routed', 'tasks_created', 'email_out', 'assigned', 'note', 'status_changed'])
  const audit = (await app.db.selectFrom('audit_log').select(['action', 'actor_id']).where('case_id', '=', c.id).orderBy('id').execute()).map((a) => a.action)
  t.same(audit, ['case.route', 'case.assign', 'case.note', 'case.status'])
  const notes = await app.db.selectFrom('outbox').select('kind').where('case_id', '=', c.id).execute()
  t.notOk(notes.some((n) => n.kind === 'case_message'), 'an internal note sends nothing')
})

t.test('EDPB 01/2022 §159: asking to confirm identity pauses the deadline; their reply restarts it', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, clock, smtp, flushMail } = ctx
  const handler = await insertStaff(app, 'handler')
  const { case: c } = await openCase(ctx, { name: 'Åsa Öberg' })
  t.equal(c.due_date, '2026-12-28')
  await app.cases.changeStatus(handler, c.id, 'in_progress')
  await app.cases.sendMessage(handler, c.id, { template: 'confirm_identity', pause: 'identity' })
  t.equal((await app.cases.get(c.id)).status, 'awaiting_requester')
  await flushMail()
  const [mail] = await smtp.waitFor((m) => m.parsed.subject === `Bekräfta din identitet – ärende ${c.reference}`)
  t.match(mail.parsed.text, /Hej Åsa Öberg!/, 'placeholders filled')
  t.match(mail.parsed.text, /Tidsfristen för att svara på din begäran står still tills du har svarat, eftersom vi behöver försäkra oss om att det är du/, 'the email says the clock stands still, and why')
  const statusUrl = linkIn(mail.parsed.text, `${PUBLIC_URL}/status/`)

  clock.advance(5 * DAY)
  const jar = new Jar()
  const page = await app.inject({ url: new URL(statusUrl).pathname })
  t.equal(page.statusCode, 200)
  t.match(page.body, /För att skydda dina uppgifter/)
  t.match(page.body, /Tidsfristen står still tills du svarar, eftersom vi behöver försäkra oss om att det är du/, 'the status page says why the clock stands still')
  const reply = await submitForm(app, jar, new URL(statusUrl).pathname, { reply: 'Jag menar mitt CV från 2024.' }, { postPath: new URL(statusUrl).pathname + '/reply' })
  t.equal(reply.statusCode, 303)
  const after = await app.cases.get(c.id)
  t.equal(after.status, 'in_progress', 'the reply moved the case back to in_progress')
  const deadline = await app.cases.deadline(after)
  t.equal(deadline.pausedDays, 5)
  t.equal(deadline.strictDueDate, '2026-12-28')
  t.equal(deadline.dueDate, '2026-12-30', 'the period ends 25 Dec; + 5 paused days = Wednesday 30 Dec, a working day')
  t.equal(after.due_date, '2026-12-30', 'stored due date follows')
  const kinds = (await app.db.selectFrom('case_events').select('kind').where('case_id', '=', c.id).execute()).map((e) => e.kind)
  t.ok(kinds.includes('pause_started') && kinds.includes('pause_ended') && kinds.includes('message_in'))
})

t.test('extension: once, with a reason, within the first month; the requester is told', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, clock, smtp, flushMail } = ctx
  const handler = await insertStaff(app, 'handler')
  const { case: c } = await openCase(ctx)
  await t.rejects(app.cases.extend(handler, c.id, '  '), { code: 'reason_required' })
  const extended = await app.cases.extend(handler, c.id, 'Många system att gå igenom')
  t.equal(extended.due_date, '2027-02-25', '25 Nov + 3 months = 25 Feb 2027 (Thursday)')
  t.match((await refusal(app.cases.extend(handler, c.id, 'again'))).messages.sv, /redan/)
  await flushMail()
  const [mail] = await smtp.waitFor((m) => /Vi behöver mer tid/.test(m.parsed.subject ?? ''))
  t.match(mail.parsed.text, /Många system att gå igenom/)
  t.match(mail.parsed.text, /2027-02-25/)

  const late = await openCase(ctx)
  clock.advance(40 * DAY)
  t.match((await refusal(app.cases.extend(handler, late.case.id, 'too late'))).messages.en, /month has passed/)

  const unsub = await openCase(ctx, { type: 'unsubscribe' })
  t.match((await refusal(app.cases.extend(handler, unsub.case.id, 'no'))).messages.en, /cannot be extended/)
})

t.test('rejection needs a reason and tells the requester about IMY and the courts', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const handler = await insertStaff(app, 'handler')
  const { case: c } = await openCase(ctx, { lang: 'en' })
  await app.cases.changeStatus(handler, c.id, 'rejected', 'We hold no data about you beyond this case.')
  await flushMail()
  const [mail] = await smtp.waitFor((m) => m.parsed.subject === `Decision in your case ${c.reference}`)
  t.match(mail.parsed.text, /We hold no data about you/)
  t.match(mail.parsed.text, /IMY/)
  t.match(mail.parsed.text, /court/)
  const closed = await app.cases.get(c.id)
  t.ok(closed.closed_at)
})

t.test('staff register a request that came by letter, with its own receipt date', async (t) => {
  const { app } = await buildTestApp(t)
  const handler = await insertStaff(app, 'handler')
  const c = await app.cases.registerManual(handler, { type: 'erasure', email: 'brev@example.se', name: 'Brev Skrivare', relationship: 'other', consentKind: null, details: 'Radera allt', channel: 'letter', receivedAt: '2026-03-05T12:00:00.000Z', lang: 'sv' })
  t.equal(c.due_date, '2026-04-07', 'received 5 March → due 7 April (Easter Monday 6 April)')
  t.equal(c.channel, 'letter')
  t.equal(c.verified_at, null)
})
