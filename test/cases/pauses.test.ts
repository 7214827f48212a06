import t, { type Test } from 'tap'
import { escalationPlan } from '../../src/routing/escalation.js'
import { listQueue, queueCounts } from '../../src/cases/queue-repository.js'
import { runReminders } from '../../src/deadlines/reminders.js'
import { stockholmDate } from '../../src/deadlines/stockholm.js'
import { buildTestApp, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

const DAY = 86_400_000

async function setup(t: Test, type = 'access') {
  const ctx = await buildTestApp(t)
  const handler = await createStaff(ctx.app, { role: 'handler' })
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, handler)}` }
  const { case: c } = await openCase(ctx, { type, name: 'Åsa Öberg' })
  const post = (path: string, payload: object) => ctx.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/${path}`, payload, headers: auth })
  const get = async () => (await ctx.app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })).json()
  return { ...ctx, c, auth, post, get, handler }
}

t.test('EDPB 01/2022 §159 (a): a message asking about identity pauses the clock; the reply ends the pause', async (t) => {
  const { app, clock, c, post, get, smtp, flushMail } = await setup(t)
  t.equal(c.status, 'new')
  const res = await post('messages', { template: 'confirm_identity', pause: 'identity' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'awaiting_requester', 'from new, through in_progress, to awaiting_requester')
  t.equal(body.pauses.length, 1)
  const [p] = body.pauses
  t.match(p, { reason: 'identity', from: clock.now().toISOString(), to: null, messageId: Number })
  const message = await app.db.selectFrom('case_messages').select(['id', 'body']).where('id', '=', p.messageId).executeTakeFirstOrThrow()
  t.match(message.body, /står still tills du har svarat, eftersom vi behöver försäkra oss om att det är du/, 'the pausing message is the one that says why')
  await flushMail()
  const [mail] = await smtp.waitFor((m) => /Bekräfta din identitet/.test(m.parsed.subject ?? ''))
  const statusPath = new URL(linkIn(mail.parsed.text!, `${PUBLIC_URL}/status/`)).pathname

  clock.advance(4 * DAY)
  const paused = await get()
  t.equal(paused.pausedDays, 4, 'an open pause runs to today')
  t.equal(paused.dueDate > paused.strictDueDate, true)

  const page = await app.inject({ url: statusPath })
  t.match(page.body, /Tidsfristen står still tills du svarar, eftersom vi behöver försäkra oss om att det är du/)
  const reply = await submitForm(app, new Jar(), statusPath, { reply: 'Här är mitt kundnummer.' }, { postPath: statusPath + '/reply' })
  t.equal(reply.statusCode, 303)
  const after = await get()
  t.equal(after.status, 'in_progress')
  t.equal(after.pauses[0].to, clock.now().toISOString(), 'the reply ended the pause')
  t.equal(after.pausedDays, 4)
  const events = await app.db.selectFrom('case_events').select(['kind', 'data']).where('case_id', '=', c.id).orderBy('id').execute()
  t.match(JSON.parse(events.find((e) => e.kind === 'pause_started')!.data!), { reason: 'identity', messageId: p.messageId })
  t.ok(events.some((e) => e.kind === 'pause_ended'))
  const audit = await app.db.selectFrom('audit_log').select(['action', 'data']).where('case_id', '=', c.id).where('action', '=', 'case.message').execute()
  t.match(JSON.parse(audit[0].data!), { pause: 'identity' }, 'the pause is audited with the message')
})

t.test('EDPB 01/2022 §159: a plain move to awaiting_requester, or a question with awaitReply, does not stop the clock', async (t) => {
  const { app, clock, post, get } = await setup(t)
  t.equal((await post('status', { status: 'in_progress' })).statusCode, 200)
  const moved = await post('status', { status: 'awaiting_requester' })
  t.equal(moved.statusCode, 200)
  t.same(moved.json().pauses, [])
  const asked = await post('messages', { text: 'Vilket år gäller det?', awaitReply: true })
  t.equal(asked.json().status, 'awaiting_requester')
  clock.advance(10 * DAY)
  const later = await get()
  t.equal(later.pausedDays, 0, 'ten days waiting for a plain answer: the clock ran')
  t.same(later.pauses, [])
  const msg = await app.db.selectFrom('case_messages').select('body').orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.notMatch(msg.body, /står still/, 'the message does not claim the clock stands still')
})

t.test('EDPB 01/2022 §159 / recital 63: the reason must be one the law allows, and specify_access only for access or portability', async (t) => {
  const erasure = await setup(t, 'erasure')
  const bad = await erasure.post('messages', { text: 'Vilka system?', pause: 'specify_access' })
  t.equal(bad.statusCode, 409)
  t.match(bad.json(), { error: 'pause_not_allowed', message: /tillgång \(registerutdrag\) eller dataportabilitet/ })
  const other = await erasure.post('messages', { text: 'Hej', pause: 'holiday' })
  t.equal(other.statusCode, 400)
  t.match(other.json(), { error: 'invalid_pause_reason', message: /identity/ })
  t.equal((await erasure.post('messages', { text: 'Hej', pause: '' })).statusCode, 400, 'an empty reason is no reason')
  t.equal((await erasure.post('messages', { text: 'Hej', pause: 'identity\u200b' })).statusCode, 400, 'an invisible character is not a reason')
  t.equal((await erasure.post('messages', { pause: 'identity' })).statusCode, 400, 'no message, no pause')
  t.same((await erasure.get()).pauses, [], 'nothing was paused by the refusals')
  t.equal((await erasure.get()).status, 'new', 'nor moved')
  const messages = await erasure.app.db.selectFrom('case_messages').select('id').where('case_id', '=', erasure.c.id).execute()
  t.same(messages, [], 'nor sent')

  const portability = await setup(t, 'portability')
  const ok = await portability.post('messages', { text: 'Vilka uppgifter vill du ha?', pause: 'specify_access' })
  t.equal(ok.statusCode, 200)
  t.match(ok.json().pauses, [{ reason: 'specify_access' }])
  const again = await portability.post('messages', { text: 'Och en sak till', pause: 'identity' })
  t.equal(again.statusCode, 409, 'one pause at a time')
  t.match(again.json(), { error: 'already_paused' })
})

t.test('EDPB 01/2022 §159: staff setting the case back to in_progress ends the pause; closed cases cannot pause', async (t) => {
  const { clock, post, get } = await setup(t)
  await post('messages', { text: 'Styrk din identitet.', pause: 'identity' })
  clock.advance(2 * DAY)
  const back = await post('status', { status: 'in_progress' })
  t.equal(back.json().pauses[0].to, clock.now().toISOString())
  t.equal(back.json().pausedDays, 2)
  clock.advance(3 * DAY)
  t.equal((await get()).pausedDays, 2, 'no longer counting')
  await post('status', { status: 'completed' })
  const closed = await post('messages', { text: 'x', pause: 'identity' })
  t.equal(closed.statusCode, 409)
})

t.test('EDPB 01/2022 §159: queue filters and counts, escalation and reminders follow the recorded pauses, not the status', async (t) => {
  const ctx = await setup(t)
  const { app, clock, c, post } = ctx
  // A second case that waits with the clock running.
  const other = await openCase(ctx, { type: 'erasure' })
  const handler = ctx.handler
  const auth = ctx.auth
  await app.inject({ method: 'POST', url: `/api/v1/cases/${other.case.id}/messages`, payload: { text: 'Vilket konto?', awaitReply: true }, headers: auth })
  await post('messages', { text: 'Styrk din identitet.', pause: 'identity' })
  clock.advance(40 * DAY)
  const today = stockholmDate(clock.now())
  // The reminders job brings stored due dates up to date (the paused one moves every day).
  await runReminders({ db: app.db, config: app.config, renderEmail: app.renderEmail, now: clock.now() })
  const overdue = await listQueue(app.db, { due: 'overdue', today })
  t.same(overdue.items.map((x) => x.id), [other.case.id], 'the running one is overdue, the paused one is not')
  const counts = await queueCounts(app.db, today)
  t.equal(counts.overdue, 1)
  const plan = await escalationPlan(app.db, clock.now(), 0)
  t.same(plan.map((p) => p.caseId), [other.case.id], 'only the running one escalates as overdue')
  const stored = await app.db.selectFrom('cases').select(['id', 'due_date']).where('id', '=', c.id).executeTakeFirstOrThrow()
  t.ok(stored.due_date >= today, 'the paused case’s stored due date moved on')
  void handler
})
