import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

const attempt = (app: Parameters<typeof staffForm>[0], email: string, password: string, ip: string, jar = new Jar()) =>
  staffForm(app, jar, '/staff/login', { email, password }, { ip })

t.test('an attacker guessing one account cannot lock its owner out', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const victim = await createStaff(app, { role: 'admin' })
  const usual = new Jar() // the victim's browser, which has signed in before from 10.0.0.2
  await loginAs(app, usual, victim, { ip: '10.0.0.2' })
  t.ok(usual.get('dsr_staff_device'), 'a device cookie was set')
  clock.advance(60 * 60_000)

  // Five wrong guesses from one address, then that address must wait — even with the right password.
  for (let i = 0; i < 5; i++) t.equal((await attempt(app, victim.email, `wrong guess number ${i}`, '10.6.6.6')).statusCode, 401)
  const blocked = await attempt(app, victim.email, victim.password, '10.6.6.6')
  t.equal(blocked.statusCode, 429, 'the attacking address is slowed down')
  t.match(blocked.body, /Vänta en minut/)
  t.equal((await attempt(app, victim.email, 'yet another wrong guess', '10.6.6.6')).statusCode, 429, 'and says the same for a wrong one')

  // More guesses from other addresses: the account is now under attack (15 failures).
  // More guesses from a second address: the account has 10 failures and counts as under attack.
  for (let i = 0; i < 5; i++) t.equal((await attempt(app, victim.email, `wrong guess ${i}`, '10.6.6.7')).statusCode, 401)
  t.equal((await attempt(app, victim.email, 'a new source guessing', '10.6.6.8')).statusCode, 429, 'new sources get one try a minute')

  // The owner still gets in: from their usual browser anywhere, and from their usual address in any browser.
  const fromCafe = await attempt(app, victim.email, victim.password, '192.0.2.50', usual)
  t.equal(fromCafe.statusCode, 303, 'device cookie: accepted from a new address')
  const sameIpOtherBrowser = await attempt(app, victim.email, victim.password, '10.0.0.2')
  t.equal(sameIpOtherBrowser.statusCode, 303, 'known address: accepted without the cookie')

  // A brand-new device on a brand-new address is only delayed, not locked out.
  const fresh = await attempt(app, victim.email, victim.password, '198.51.100.7')
  t.equal(fresh.statusCode, 429)
  clock.advance(61_000)
  t.equal((await attempt(app, victim.email, victim.password, '198.51.100.7')).statusCode, 303, 'a minute later it works')

  // The attacking address's backoff grows: 1 minute after five failures, then 2, 4, …
  clock.advance(60_000)
  t.equal((await attempt(app, victim.email, 'guess after the wait', '10.6.6.6')).statusCode, 401, 'one more try after the wait')
  clock.advance(90_000)
  t.equal((await attempt(app, victim.email, 'too soon again', '10.6.6.6')).statusCode, 429, 'the next wait is longer')

  const rows = await app.db.selectFrom('rate_events').select(['bucket', 'key_hash']).execute()
  t.ok(rows.length > 0)
  t.notMatch(JSON.stringify(rows), /10\.6\.6|@xtractor/, 'no address or IP stored in clear')
})

t.test('one address spraying many accounts is stopped; others are not', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const member = await createStaff(app, { role: 'viewer' })
  for (let i = 0; i < 30; i++) {
    t.equal((await attempt(app, `user${i}@xtractor.se`, 'summer2026 password!', '203.0.113.9')).statusCode, 401)
  }
  const stopped = await attempt(app, member.email, member.password, '203.0.113.9')
  t.equal(stopped.statusCode, 429, 'the sprayer is refused, even with a right password')
  t.match(stopped.body, /Vänta 15 minuter/)
  t.equal((await attempt(app, member.email, member.password, '203.0.113.10')).statusCode, 303, 'another address signs in')
  // A sprayer that keeps going stays stopped: refused attempts count too.
  clock.advance(10 * 60_000)
  for (let i = 0; i < 30; i++) t.equal((await attempt(app, `more${i}@xtractor.se`, 'summer2026 password!', '203.0.113.9')).statusCode, 429)
  clock.advance(6 * 60_000)
  t.equal((await attempt(app, member.email, member.password, '203.0.113.9')).statusCode, 429, 'still stopped after the first window')
  clock.advance(16 * 60_000)
  t.equal((await attempt(app, member.email, member.password, '203.0.113.9')).statusCode, 303, 'after a quiet window it may try again')
})

t.test('an unknown address is throttled exactly like a known one', async (t) => {
  const { app } = await buildTestApp(t)
  const member = await createStaff(app, { role: 'viewer' })
  const answers = async (email: string, ip: string) => {
    const codes: number[] = []
    for (let i = 0; i < 7; i++) codes.push((await attempt(app, email, `wrong password ${i}`, ip)).statusCode)
    return codes
  }
  const known = await answers(member.email, '10.1.1.1')
  const unknown = await answers('ghost@xtractor.se', '10.1.1.2')
  t.same(known, [401, 401, 401, 401, 401, 429, 429])
  t.same(unknown, known)
})
