import t from 'tap'
import { buildTestApp, Jar, testClock } from '../helpers/app.js'
import { createStaff, loginAs } from '../helpers/staff.js'
import { maintenanceIfDue } from '../../src/scheduler/maintenance.js'

/** Issue 14 §6: expired and idle staff sessions are deleted by the scheduler's hourly maintenance, live ones stay. */
t.test('the hourly maintenance deletes expired and idle staff sessions', async (t) => {
  const clock = testClock('2026-11-25T08:00:00.000Z')
  const { app, config } = await buildTestApp(t, { clock })
  const early = await createStaff(app, { role: 'handler' })
  const late = await createStaff(app, { role: 'viewer' })
  await loginAs(app, new Jar(), early)
  clock.advance(20 * 60_000)
  await loginAs(app, new Jar(), late)
  const sessions = () => app.db.selectFrom('staff_sessions').select('staff_id').execute()
  t.equal((await sessions()).length, 2)

  clock.advance(15 * 60_000) // the first session has been idle for 35 minutes, the second for 15
  const run = await maintenanceIfDue(app.db, config, clock.now())
  t.match(run, { ran: true, sessionsPurged: 1 }, 'the idle session is purged')
  t.same((await sessions()).map((s) => s.staff_id), [late.id], 'the live one stays')

  clock.advance(9 * 3_600_000)
  t.match(await maintenanceIfDue(app.db, config, clock.now()), { ran: true, sessionsPurged: 1 })
  t.same(await sessions(), [], 'past its end, the last one goes too')
})
