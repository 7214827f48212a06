import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { claimDue, renewLeases } from '../../src/mail/outbox-repository.js'
import { describeError, isPermanent, retryDelay } from '../../src/mail/worker.js'
import { buildTestApp, Jar, PUBLIC_URL, submitForm, testClock } from '../helpers/app.js'
import { linkIn, TestSmtp } from '../helpers/smtp.js'

const SECRET = 'another-fixed-test-secret-long-enough-abcdefghijkl'

async function rows(app: FastifyInstance) {
  return app.db.selectFrom('outbox').selectAll().orderBy('id').execute()
}

async function submit(app: FastifyInstance, email: string, name = 'Person') {
  const res = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email, name } })
  if (res.statusCode !== 202) throw new Error('submit failed: ' + res.body)
}

t.test('worker rules: isPermanent, describeError, retryDelay', async (t) => {
  t.equal(isPermanent({ responseCode: 550 }), true, '550 is final')
  t.equal(isPermanent({ responseCode: 554 }), true)
  t.equal(isPermanent({ responseCode: 451 }), false, '451 is temporary')
  t.equal(isPermanent({ responseCode: 421 }), false)
  t.equal(isPermanent(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), false, 'network errors are temporary')
  t.equal(isPermanent(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })), false)
  t.equal(isPermanent(undefined), false)
  t.equal(isPermanent(null), false)
  t.equal(isPermanent('string error'), false)
  t.equal(isPermanent({ responseCode: '550' }), false, 'only a numeric code counts')

  const smtpError = Object.assign(new Error('Recipient <anna@example.com> rejected: no such user Anna'), { code: 'EENVELOPE', responseCode: 550 })
  t.equal(describeError(smtpError), 'Error EENVELOPE 550')
  t.notMatch(describeError(smtpError), /anna/i, 'no address or name in the description')
  t.equal(describeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' })), 'Error ECONNREFUSED')
  t.equal(describeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' })), 'Error ESOCKET ECONNREFUSED')
  t.equal(describeError({ code: 'ESOCKET', originalCode: 'anna@example.com' }), 'Error ESOCKET', 'only a code-shaped original code')
  t.equal(describeError(new TypeError('bad')), 'TypeError')
  t.equal(describeError(undefined), 'Error')
  t.equal(describeError('text with anna@example.com'), 'Error')

  t.equal(retryDelay(0), 5_000)
  t.equal(retryDelay(1), 10_000)
  t.equal(retryDelay(2), 20_000)
  t.equal(retryDelay(6), 320_000)
  t.equal(retryDelay(7), 600_000, 'capped at 10 minutes')
  t.equal(retryDelay(100), 600_000)
  t.equal(retryDelay(10_000), 600_000, 'no overflow')
  t.equal(retryDelay(-3), 5_000)
  for (let i = 1; i < 20; i++) t.ok(retryDelay(i) >= retryDelay(i - 1), 'never shrinks')
})

t.test('SMTP down for an hour loses nothing, then every email goes exactly once with its Message-ID', async (t) => {
  const clock = testClock()
  const h = await buildTestApp(t, { clock })
  const { app } = h
  const port = h.smtp.port
  await h.smtp.stop()

  for (let i = 0; i < 5; i++) await submit(app, `down${i}@example.com`, `Down ${i}`)
  await h.flushMail()
  let r = await rows(app)
  t.equal(r.length, 5)
  for (const row of r) {
    t.equal(row.status, 'pending', 'still pending')
    t.equal(row.attempts, 1)
    t.equal(row.next_attempt_at, new Date(clock.now().getTime() + 5_000).toISOString(), 'first retry in 5 s')
    t.match(row.last_error, /ECONNREFUSED/)
    t.notMatch(row.last_error, /down\d@|Down/, 'the error holds no address or name')
    t.equal(row.locked_until, null)
  }

  // Not due yet: nothing is tried.
  await h.flushMail()
  t.equal((await rows(app))[0].attempts, 1, 'not tried again before it is due')

  const start = clock.now().getTime()
  const gaps: number[] = []
  while (clock.now().getTime() - start < 3_600_000) {
    const next = new Date((await rows(app))[0].next_attempt_at).getTime()
    gaps.push(next - clock.now().getTime())
    clock.set(new Date(next))
    await h.flushMail()
  }
  t.same(gaps.slice(0, 8), [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000], 'exponential backoff')
  t.ok(gaps.slice(7).every((g) => g === 600_000), 'capped at 10 minutes')
  r = await rows(app)
  t.ok(r.every((row) => row.status === 'pending' && row.attempts === gaps.length + 1), 'after an hour: all pending, none given up')

  const back = await new TestSmtp().start(port)
  t.teardown(() => back.stop())
  clock.set(new Date(r[0].next_attempt_at))
  await h.flushMail()
  await back.waitFor(() => true, 5)
  await h.flushMail()
  clock.advance(3_600_000)
  await h.flushMail()
  t.equal(back.received.length, 5, 'each delivered once')
  r = await rows(app)
  for (const row of r) {
    t.equal(row.status, 'sent')
    const got = back.to(row.to_address)
    t.equal(got.length, 1, `${row.to_address} exactly once`)
    t.equal(got[0].parsed.messageId, row.message_id, 'with the Message-ID stored in the row')
  }
  // The links in the late emails still work if they are inside the 24 hours.
  const link = linkIn(back.received[0].parsed.text, `${PUBLIC_URL}/verify/`)
  t.match(link, /\/verify\/[A-Za-z0-9_-]{43}$/)
})

t.test('SMTP_URL pointing at a closed port keeps rows pending', async (t) => {
  const probe = await new TestSmtp().start()
  const port = probe.port
  await probe.stop()
  const h = await buildTestApp(t, { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } })
  await submit(h.app, 'closed@example.com')
  await h.flushMail()
  const [row] = await rows(h.app)
  t.match(row, { status: 'pending', attempts: 1, last_error: /ECONNREFUSED/ })
})

t.test('a 550 reply fails the row for good; a 451 is retried', async (t) => {
  const clock = testClock()
  const h = await buildTestApp(t, { clock })
  const { app, smtp } = h
  smtp.refuseWith = 550
  await submit(app, 'perm@example.com')
  await h.flushMail()
  let [row] = await rows(app)
  t.equal(row.status, 'failed')
  t.equal(row.attempts, 1)
  t.match(row.last_error, /550/)
  clock.advance(24 * 3_600_000)
  smtp.refuseWith = null
  await h.flushMail()
  ;[row] = await rows(app)
  t.equal(row.status, 'failed', 'never tried again')
  t.equal(row.attempts, 1)
  t.equal(smtp.received.length, 0)

  smtp.refuseWith = 451
  await submit(app, 'temp@example.com')
  await h.flushMail()
  let temp = (await rows(app))[1]
  t.equal(temp.status, 'pending')
  t.equal(temp.attempts, 1)
  t.match(temp.last_error, /451/)
  t.equal(temp.next_attempt_at, new Date(clock.now().getTime() + 5_000).toISOString())
  smtp.refuseWith = null
  clock.advance(5_000)
  await h.flushMail()
  temp = (await rows(app))[1]
  t.equal(temp.status, 'sent')
  t.equal(temp.attempts, 2)
  t.equal(smtp.to('temp@example.com').length, 1)
  t.equal(smtp.to('temp@example.com')[0].parsed.messageId, temp.message_id)
})

t.test('a row left "sending" by a crash is sent after restart with its Message-ID, once', async (t) => {
  const dir = t.testdir()
  const env = { DATABASE_URL: join(dir, 'portal.db'), SESSION_SECRET: SECRET }
  const clock = testClock()
  const first = await buildTestApp(t, { env, clock })
  await submit(first.app, 'crash@example.com')
  await submit(first.app, 'fine@example.com')
  // The worker had claimed the first row and the process died mid-send.
  const lease = new Date(clock.now().getTime() + 60_000).toISOString()
  await first.app.db.updateTable('outbox').set({ status: 'sending', locked_until: lease }).where('to_address', '=', 'crash@example.com').execute()
  const stored = (await rows(first.app))[0]
  await first.app.close()

  const second = await buildTestApp(t, { env, clock })
  await second.flushMail()
  t.same(second.smtp.received.map((m) => m.envelopeTo[0]), ['fine@example.com'], 'a leased row waits for its lease to run out')
  clock.advance(60_001)
  await second.flushMail()
  const crash = second.smtp.to('crash@example.com')
  t.equal(crash.length, 1, 'sent after the lease ran out')
  t.equal(crash[0].parsed.messageId, stored.message_id, 'with the Message-ID stored before the crash')
  await second.app.close()

  const third = await buildTestApp(t, { env, clock })
  clock.advance(3_600_000)
  await third.flushMail()
  t.equal(third.smtp.received.length, 0, 'a restart sends no sent row again')
  t.same((await rows(third.app)).map((r) => r.status), ['sent', 'sent'])
})

t.test('bodies are sealed in the database; another SESSION_SECRET cannot send them', async (t) => {
  const dir = t.testdir()
  const db = join(dir, 'portal.db')
  const first = await buildTestApp(t, { env: { DATABASE_URL: db, SESSION_SECRET: SECRET } })
  await submit(first.app, 'sealed@example.com', 'Sealed Name')
  const [row] = await rows(first.app)
  t.match(row.text_body, /^sealed:v1:/)
  t.match(row.html_body, /^sealed:v1:/)
  t.notMatch(row.text_body + row.html_body, /Sealed Name|verify\//, 'neither name nor link readable')
  await first.app.close()

  const other = await buildTestApp(t, { env: { DATABASE_URL: db, SESSION_SECRET: 'z'.repeat(40) } })
  await other.flushMail()
  const [after] = await rows(other.app)
  t.equal(after.status, 'failed', 'cannot be opened: failed, not retried forever')
  t.equal(after.last_error, 'SealError')
  t.equal(other.smtp.received.length, 0)
})

t.test('the dev mailbox writes .eml files and prints the links', async (t) => {
  const dir = t.testdir()
  const printed: string[] = []
  const h = await buildTestApp(t, { env: { SMTP_URL: '', MAIL_DIR: join(dir, 'mail') }, app: { print: (line) => printed.push(line) } })
  t.equal(h.config.smtpUrl, null, 'no SMTP_URL: the dev mailbox')
  await submitForm(h.app, new Jar(), '/request/access', { email: 'dev@example.com', name: 'Dev' })
  await h.flushMail()
  const files = readdirSync(join(dir, 'mail'))
  t.equal(files.length, 1)
  t.match(files[0], /-verify\.eml$/)
  const eml = readFileSync(join(dir, 'mail', files[0]), 'utf8')
  t.match(eml, /^To: dev@example\.com$/m, "the confirmation email names no one (issue 14)")
  t.match(eml, /^Subject: /m)
  t.match(eml, /^Message-ID: <[^>]+>$/m)
  const link = printed.map((l) => /(https:\/\/\S+\/verify\/\S+)/.exec(l)?.[1]).find(Boolean)
  t.ok(link, 'the confirmation link is printed')
  t.match(link, new RegExp(`^${PUBLIC_URL}/verify/[A-Za-z0-9_-]{43}$`))
  t.ok(printed.some((l) => l.includes(files[0])), 'the file name is printed')
  t.equal(h.smtp.received.length, 0, 'nothing went over SMTP')
  const [row] = await rows(h.app)
  t.equal(row.status, 'sent')

  const ok = await h.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: link!.split('/').pop() } })
  t.equal(ok.statusCode, 200, 'the printed link works')
})

t.test('a batch row whose lease ran out and was taken over by another instance is not sent again', async (t) => {
  const dir = t.testdir()
  const env = { DATABASE_URL: join(dir, 'portal.db'), SESSION_SECRET: SECRET }
  const clock = testClock()
  const a = await buildTestApp(t, { env, clock })
  const b = await buildTestApp(t, { env, clock })
  await submit(a.app, 'slow-1@example.com')
  await submit(a.app, 'slow-2@example.com')

  // Instance A claims both and is still busy when their lease runs out.
  const claimed = await claimDue(a.app.db, clock.now(), 60_000, 20)
  t.equal(claimed.length, 2)
  const renewed = await renewLeases(a.app.db, [claimed[0].id], claimed[0].locked_until!, clock.now(), 60_000)
  t.same([...renewed.ids], [claimed[0].id], 'a live lease is renewed just before sending')
  t.equal((await renewLeases(a.app.db, [claimed[0].id], 'not-our-lease', clock.now(), 60_000)).ids.size, 0, 'only by its holder')
  t.same(await claimDue(b.app.db, clock.now(), 60_000, 20), [], 'B takes nothing leased')

  clock.advance(61_000)
  await b.flushMail()
  t.equal(b.smtp.received.length, 2, 'B took both over and sent them')
  t.equal((await renewLeases(a.app.db, [claimed[0].id], renewed.until, clock.now(), 60_000)).ids.size, 0, 'A then finds the first taken over...')
  t.equal((await renewLeases(a.app.db, [claimed[1].id], claimed[1].locked_until!, clock.now(), 60_000)).ids.size, 0, '...and the second, so it sends neither')
  await a.flushMail()
  t.equal(a.smtp.received.length, 0, 'nothing sent twice')
  t.same((await rows(a.app)).map((r) => r.status), ['sent', 'sent'])
})

t.test('a slow batch renews the leases of the rows still to send, so no other instance takes them', async (t) => {
  const dir = t.testdir()
  const env = { DATABASE_URL: join(dir, 'portal.db'), SESSION_SECRET: SECRET, LOG_LEVEL: 'warn' }
  const clock = testClock()
  const lines: string[] = []
  const a = await buildTestApp(t, { env, clock, logStream: { write: (l) => void lines.push(l) } })
  const b = await buildTestApp(t, { env, clock })
  for (let i = 0; i < 12; i++) await submit(a.app, `slow-batch-${i}@example.com`)
  // Each email takes 7 s to send: the 12 of one batch take 84 s, past the 60-second lease.
  // When the tenth is in, 70 s after the claim, instance B looks for due rows.
  let bClaim: Promise<unknown[]> | null = null
  a.smtp.onMessage = () => {
    clock.advance(7_000)
    if (a.smtp.received.length === 10) bClaim = claimDue(b.app.db, clock.now(), 60_000, 20)
  }
  await a.app.outbox.runOnce()
  t.same(await bClaim, [], 'B found every row still leased: A renewed them on the way')
  t.equal(a.smtp.received.length, 12, 'A sent the whole batch in one run')
  t.same(new Set((await rows(a.app)).map((r) => r.status)), new Set(['sent']))
  await b.flushMail()
  t.equal(b.smtp.received.length, 0, 'nothing sent twice')
  t.notOk(lines.some((l) => l.includes('lease ran out')), 'no row lost its lease on the way')

  // A batch taken over half-way: the rows another instance leased are not renewed.
  a.smtp.onMessage = null
  for (let i = 0; i < 3; i++) await submit(a.app, `quick-${i}@example.com`)
  const claimed = await claimDue(a.app.db, clock.now(), 60_000, 20)
  const [first, ...rest] = claimed.map((r) => r.id)
  await a.app.db.updateTable('outbox').set({ locked_until: 'taken-over' }).where('id', '=', first).execute()
  const renewed = await renewLeases(a.app.db, [first, ...rest], claimed[0].locked_until!, clock.now(), 60_000)
  t.same([...renewed.ids].sort(), rest.sort(), 'only the rows still leased by this claim are renewed')
})

t.test('SMTP connections are pooled unless SMTP_URL says otherwise', async (t) => {
  const { pooledSmtpUrl } = await import('../../src/mail/transport.js')
  t.equal(pooledSmtpUrl('smtp://user:p%40ss@mail.example.com:587'), 'smtp://user:p%40ss@mail.example.com:587?pool=true', 'credentials untouched')
  t.equal(pooledSmtpUrl('smtps://mail.example.com:465?tls.rejectUnauthorized=false'), 'smtps://mail.example.com:465?tls.rejectUnauthorized=false&pool=true')
  t.equal(pooledSmtpUrl('smtp://mail.example.com?pool=false'), 'smtp://mail.example.com?pool=false', 'an explicit choice wins')
  t.equal(pooledSmtpUrl('smtp://mail.example.com#x'), 'smtp://mail.example.com?pool=true#x')

  // Through the app: several emails reach a real SMTP server over reused connections.
  const h = await buildTestApp(t)
  for (let i = 0; i < 12; i++) await submit(h.app, `pooled-${i}@example.com`)
  await h.flushMail()
  t.equal(h.smtp.received.length, 12)
  t.ok(h.smtp.connections <= 5, `12 emails over ${h.smtp.connections} connection(s)`)
})

t.test('a claim takes rows whose lease ran out first, then due rows by when they became due', async (t) => {
  const clock = testClock()
  const h = await buildTestApp(t, { clock })
  for (let i = 0; i < 4; i++) await submit(h.app, `order-${i}@example.com`)
  const all = await rows(h.app)
  const [a, b, c, d] = all.map((r) => r.id)
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString()
  // a: due later than b; b: due earliest; c: a crashed sender's lease, run out; d: not yet due.
  await h.app.db.updateTable('outbox').set({ next_attempt_at: at(-1_000) }).where('id', '=', a).execute()
  await h.app.db.updateTable('outbox').set({ next_attempt_at: at(-5_000) }).where('id', '=', b).execute()
  await h.app.db.updateTable('outbox').set({ status: 'sending', locked_until: at(-1) }).where('id', '=', c).execute()
  await h.app.db.updateTable('outbox').set({ next_attempt_at: at(60_000) }).where('id', '=', d).execute()

  const firstTwo = await claimDue(h.app.db, clock.now(), 60_000, 2)
  t.same(firstTwo.map((r) => r.id).sort(), [b, c].sort(), 'the lapsed lease and the earliest due row; the limit holds across both')
  const rest = await claimDue(h.app.db, clock.now(), 60_000, 20)
  t.same(rest.map((r) => r.id), [a], 'then the next due row; one not yet due stays')
})
