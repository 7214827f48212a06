import t from 'tap'
import { runReminders } from '../../src/deadlines/reminders.js'
import { remindersIfDue } from '../../src/scheduler/scheduler.js'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'

const DAY = 86_400_000

t.test('each handler gets one reminder a day for their close cases; unassigned ones go to admins', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, clock, smtp, flushMail } = ctx
  const anna = await insertStaff(app, 'handler', 'anna@xtractor.se')
  const bo = await insertStaff(app, 'handler', 'bo@xtractor.se', 'en')
  const admin = await insertStaff(app, 'admin', 'admin@xtractor.se')
  await insertStaff(app, 'viewer', 'viewer@xtractor.se')

  const soon = await openCase(ctx) // due 2026-12-28
  const unassigned = await openCase(ctx)
  clock.advance(20 * DAY)
  const later = await openCase(ctx) // received 15 Dec → due 15 Jan, outside the 7 days on 23 Dec
  await app.cases.assign(anna, soon.case.id, anna.id)
  await app.cases.assign(bo, later.case.id, bo.id)
  clock.set('2026-12-23T08:00:00Z')
  const deps = { db: app.db, config: app.config, renderEmail: app.renderEmail, now: clock.now() }

  const first = await runReminders(deps)
  t.match(first, { period: '2026-12-23', ran: true, emails: 2, cases: 2 })
  const again = await runReminders(deps)
  t.match(again, { ran: false, emails: 0 }, 'a second run the same day sends nothing')
  await flushMail()

  const toAnna = await smtp.waitFor((m) => m.envelopeTo.includes('anna@xtractor.se') && /Påminnelse/.test(m.parsed.subject ?? ''))
  t.equal(toAnna.length, 1)
  t.match(toAnna[0].parsed.text, new RegExp(soon.case.reference))
  t.notMatch(toAnna[0].parsed.text, new RegExp(unassigned.case.reference), 'handlers see their own cases')
  const toAdmin = await smtp.waitFor((m) => m.envelopeTo.includes('admin@xtractor.se') && /Påminnelse/.test(m.parsed.subject ?? ''))
  t.match(toAdmin[0].parsed.text, new RegExp(unassigned.case.reference), 'admins get the unassigned ones')
  t.equal(smtp.received.filter((m) => m.envelopeTo.includes('bo@xtractor.se')).length, 0, 'nothing due soon for Bo')
  t.equal(smtp.received.filter((m) => m.envelopeTo.includes('viewer@xtractor.se')).length, 0)
  void admin

  clock.set('2026-12-24T05:00:00Z')
  t.match(await remindersIfDue(app, app.config, clock.now()), { skipped: String }, 'not before the reminder hour (07:00 Stockholm)')
  clock.set('2026-12-24T07:30:00Z')
  t.match(await remindersIfDue(app, app.config, clock.now()), { period: '2026-12-24', ran: true }, 'the next day runs again')
})

t.test('a restart (a second app on the same database) sends nothing twice', async (t) => {
  const dir = t.testdir({})
  const env = { DATABASE_URL: `${dir}/portal.db` }
  const one = await buildTestApp(t, { env })
  const handler = await insertStaff(one.app, 'handler')
  const c = await openCase(one)
  await one.app.cases.assign(handler, c.case.id, handler.id)
  one.clock.set('2026-12-22T09:00:00Z')
  t.match(await runReminders({ db: one.app.db, config: one.config, renderEmail: one.app.renderEmail, now: one.clock.now() }), { ran: true, emails: 1 })
  await one.app.close()
  const two = await buildTestApp(t, { env })
  two.clock.set('2026-12-22T15:00:00Z')
  t.match(await runReminders({ db: two.app.db, config: two.config, renderEmail: two.app.renderEmail, now: two.clock.now() }), { ran: false })
  const rows = await two.app.db.selectFrom('outbox').select('id').where('kind', '=', 'reminder').execute()
  t.equal(rows.length, 1)
})
