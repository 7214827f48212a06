import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { main } from '../../src/cli.js'
import { runMaintenance } from '../../src/scheduler/maintenance.js'
import { buildTestApp, Jar, PUBLIC_URL, submitForm, testClock, type TestApp } from '../helpers/app.js'
import { tableNames, testDatabaseUrl } from '../helpers/db.js'
import { linkIn } from '../helpers/smtp.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const SECRET = 'a-fixed-test-secret-that-is-long-enough-0123456789'

/** Everything the database holds, as text, to search it. */
async function dumpDb(app: FastifyInstance): Promise<string> {
  const parts: string[] = []
  for (const name of await tableNames(app.db)) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(app.db)
    parts.push(name + ':' + JSON.stringify(rows.rows))
  }
  return parts.join('\n')
}

async function outboxTo(app: FastifyInstance, address: string): Promise<number> {
  return (await app.db.selectFrom('outbox').select('id').where('to_address', '=', address).execute()).length
}

async function latestLink(h: TestApp, address: string, prefix = `${PUBLIC_URL}/verify/`): Promise<string> {
  await h.flushMail()
  const mails = h.smtp.to(address)
  if (mails.length === 0) throw new Error('no mail to ' + address)
  return linkIn(mails[mails.length - 1].parsed.text, prefix)
}

function tokenOf(link: string): string {
  return link.split('/').pop()!
}

function comparable(res: LightMyRequestResponse) {
  return {
    status: res.statusCode,
    body: res.body.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""'),
    cookies: (res.cookies as Array<{ name: string }>).map((c) => c.name).sort(),
    contentType: res.headers['content-type'],
    cacheControl: res.headers['cache-control'],
  }
}

async function confirmViaApi(app: FastifyInstance, token: string) {
  return app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
}

t.test('no enumeration: new address, address with a case, and rate-limited address look the same', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_ADDRESS_PER_HOUR: '3' } })
  const { app } = h
  // known@ has a case already
  await submitForm(app, new Jar(), '/request/access', { email: 'known@example.com' })
  t.equal((await confirmViaApi(app, tokenOf(await latestLink(h, 'known@example.com')))).statusCode, 200)
  // limited@ has used up its three emails this hour
  for (let i = 0; i < 3; i++) await submitForm(app, new Jar(), '/request/erasure', { email: 'limited@example.com' })
  const outboxBefore = await outboxTo(app, 'limited@example.com')
  t.equal(outboxBefore, 3)

  const fields = { name: 'Same Name', details: 'Same text' }
  const fresh = await submitForm(app, new Jar(), '/request/erasure', { email: 'fresh@example.com', ...fields })
  const known = await submitForm(app, new Jar(), '/request/erasure', { email: 'known@example.com', ...fields })
  const limited = await submitForm(app, new Jar(), '/request/erasure', { email: 'limited@example.com', ...fields })
  t.equal(fresh.statusCode, 200)
  t.same(comparable(known), comparable(fresh), 'form: address with a case looks like a new one')
  t.same(comparable(limited), comparable(fresh), 'form: rate-limited address looks like a new one')
  t.equal(await outboxTo(app, 'limited@example.com'), outboxBefore, 'no email past the limit')
  t.equal(await outboxTo(app, 'fresh@example.com'), 1)

  const api = (email: string) => app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'objection', email } })
  const a = await api('fresh2@example.com')
  const b = await api('known@example.com')
  const c = await api('limited@example.com')
  t.equal(a.statusCode, 202)
  t.same(comparable(b), comparable(a), 'API: address with a case')
  t.same(comparable(c), comparable(a), 'API: rate-limited address')
  t.equal(await outboxTo(app, 'limited@example.com'), outboxBefore)
})

t.test('tokens are stored only hashed; opening the link changes nothing', async (t) => {
  const h = await buildTestApp(t)
  const { app } = h
  await submitForm(app, new Jar(), '/request/access', { email: 'hash@example.com', name: 'Hash' })
  const token = tokenOf(await latestLink(h, 'hash@example.com'))
  t.match(token, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url')
  const dump = await dumpDb(app)
  t.notOk(dump.includes(token), 'the raw token is nowhere in the database')

  const before = await dumpDb(app)
  for (let i = 0; i < 3; i++) {
    const page = await app.inject({ url: `/verify/${token}` })
    t.equal(page.statusCode, 200)
    t.match(page.body, `action="/verify/${token}"`)
    t.match(page.body, 'type="submit"')
    t.equal(page.headers['cache-control'], 'no-store')
  }
  t.equal(await dumpDb(app), before, 'GET /verify changes nothing')
  const head = await app.inject({ method: 'HEAD', url: `/verify/${token}` })
  t.ok(head.statusCode < 500)
  t.equal(await dumpDb(app), before, 'HEAD changes nothing')

  const ok = await confirmViaApi(app, token)
  t.equal(ok.statusCode, 200)
  const statusToken = ok.json().statusUrl.split('/').pop()
  const after = await dumpDb(app)
  t.notOk(after.includes(token), 'still absent after confirming')
  t.notOk(after.includes(statusToken), 'the status token is stored only hashed too')
  await h.flushMail()
  t.notOk((await dumpDb(app)).includes(statusToken), 'and after the receipt was sent')
})

t.test('expired, unknown, used and malformed tokens', async (t) => {
  const clock = testClock()
  const h = await buildTestApp(t, { clock, env: { VERIFY_TOKEN_TTL_HOURS: '2' } })
  const { app } = h
  const jar = new Jar()
  await submitForm(app, jar, '/request/access', { email: 'exp@example.com' })
  const link = await latestLink(h, 'exp@example.com')
  const path = new URL(link).pathname

  clock.advance(2 * HOUR - 1000)
  t.equal((await app.inject({ url: path })).statusCode, 200, 'valid just before the end')
  clock.advance(2000)
  const expired = await app.inject({ url: path })
  t.equal(expired.statusCode, 410)
  t.match(expired.body, 'Länken har gått ut')
  t.match(expired.body, '2 timmar')
  const expiredEn = await app.inject({ url: path, headers: { 'accept-language': 'en' } })
  t.match(expiredEn.body, 'The link has expired')
  const page = await app.inject({ url: '/request/access', headers: { cookie: jar.header } })
  jar.store(page)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const post = await app.inject({ method: 'POST', url: path, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}` })
  t.equal(post.statusCode, 410, 'confirming an expired link')
  const api = await confirmViaApi(app, tokenOf(link))
  t.equal(api.statusCode, 410)
  t.same(api.json(), { error: 'token_expired', message: api.json().message })
  t.equal((await app.db.selectFrom('cases').select('id').execute()).length, 0)

  const unknown = await app.inject({ url: '/verify/' + 'A'.repeat(43) })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, 'Länken fungerar inte')
  for (const bad of ['short', 'x'.repeat(44), '%3Cscript%3E', 'a.b', '-'.repeat(42) + '%00', 'x'.repeat(3000)]) {
    const res = await app.inject({ url: '/verify/' + bad })
    t.equal(res.statusCode, 404, `malformed ${bad.slice(0, 20)}`)
    t.match(res.headers['content-type'], 'text/html')
    const p = await app.inject({ method: 'POST', url: '/verify/' + bad, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '_csrf=x' })
    t.equal(p.statusCode, 404, `malformed POST ${bad.slice(0, 20)}`)
  }
  t.equal((await app.inject({ url: '/verify/' })).statusCode, 404)
})

t.test('asking again sends a new link for a new submission; the old link keeps its own content (issue 14)', async (t) => {
  const h = await buildTestApp(t)
  const { app } = h
  await submitForm(app, new Jar(), '/request/erasure', { email: 'Again@Example.com', name: 'First' })
  const first = await latestLink(h, 'Again@example.com')
  h.clock.advance(60_000)
  await submitForm(app, new Jar(), '/request/erasure', { email: 'again@EXAMPLE.com', name: 'Second', details: 'newer wording' })
  const second = await latestLink(h, 'again@example.com')
  t.not(first, second, 'a new link')
  const subs = await app.db.selectFrom('submissions').selectAll().orderBy('id').execute()
  t.same(subs.map((s) => [s.name, s.details, s.created_at]), [
    ['First', null, '2026-11-25T10:00:00.000Z'],
    ['Second', 'newer wording', '2026-11-25T10:01:00.000Z'],
  ], 'each submission as it was sent; nothing overwritten')
  t.equal((await app.db.selectFrom('verification_tokens').select('id').execute()).length, 2)
  t.equal(h.smtp.received.length, 2, 'two emails')

  const ok = await confirmViaApi(app, tokenOf(second))
  t.equal(ok.statusCode, 200, 'the newest link confirms the newest submission')
  const cases = await app.db.selectFrom('cases').selectAll().execute()
  t.equal(cases.length, 1)
  t.equal(cases[0].received_at, '2026-11-25T10:01:00.000Z')
  t.equal(cases[0].name, 'Second')
  // Different content: the older link is still its own request, shown as sent.
  const page = await app.inject({ url: new URL(first).pathname })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'First')
  t.notMatch(page.body, 'newer wording')
  const old = await confirmViaApi(app, tokenOf(first))
  t.equal(old.statusCode, 200)
  t.same((await app.db.selectFrom('cases').select('name').orderBy('id').execute()).map((c) => c.name), ['Second', 'First'])
})

t.test('20 concurrent confirmations of one token open one case and queue one receipt', async (t) => {
  const h = await buildTestApp(t)
  const { app } = h
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'race@example.com' } })
  const token = tokenOf(await latestLink(h, 'race@example.com'))
  const results = await Promise.all(Array.from({ length: 20 }, () => confirmViaApi(app, token)))
  const codes = results.map((r) => r.statusCode).sort()
  t.same(codes, [200, ...Array(19).fill(410)], 'one 200, the rest 410')
  t.equal((await app.db.selectFrom('cases').select('id').execute()).length, 1)
  t.equal((await app.db.selectFrom('outbox').where('kind', '=', 'receipt').select('id').execute()).length, 1)
  for (const r of results.filter((r) => r.statusCode === 410)) t.equal(r.json().error, 'token_used')
})

t.test('rate limits are counted in the database and survive a restart', async (t) => {
  const dir = t.testdir()
  const env = { DATABASE_URL: join(dir, 'portal.db'), SESSION_SECRET: SECRET, LIMIT_ADDRESS_PER_HOUR: '2', LIMIT_IP_PER_HOUR: '4' }
  const clock = testClock()
  const first = await buildTestApp(t, { env, clock })
  const inbox = await submitForm(first.app, new Jar(), '/request/access', { email: 'limit@example.com' })
  await submitForm(first.app, new Jar(), '/request/erasure', { email: 'limit@example.com' })
  t.equal(await outboxTo(first.app, 'limit@example.com'), 2)
  // The IP 10.9.9.9 uses three of its four submissions.
  const fromIp = (app: FastifyInstance, email: string) =>
    app.inject({ method: 'POST', url: '/api/v1/requests', remoteAddress: '10.9.9.9', payload: { type: 'access', email } })
  for (const n of [1, 2, 3]) t.equal((await fromIp(first.app, `ip${n}@example.com`)).statusCode, 202)
  await first.app.close()

  const second = await buildTestApp(t, { env, clock })
  const again = await submitForm(second.app, new Jar(), '/request/access', { email: 'LIMIT@example.com' })
  t.same(comparable(again), comparable(inbox), 'the same page past the limit')
  t.equal(await outboxTo(second.app, 'limit@example.com'), 2, 'address limit kept over the restart: no email')
  t.equal(await outboxTo(second.app, 'LIMIT@example.com'), 0)

  t.equal((await fromIp(second.app, 'ip4@example.com')).statusCode, 202)
  t.equal(await outboxTo(second.app, 'ip4@example.com'), 1, 'the fourth from the IP goes out')
  const past = await fromIp(second.app, 'ip5@example.com')
  t.equal(past.statusCode, 202, 'the fifth gets the same answer')
  t.same(past.json(), { status: 'pending_verification' })
  t.equal(await outboxTo(second.app, 'ip5@example.com'), 0, 'but no email')
  t.equal((await second.app.db.selectFrom('submissions').where('email', '=', 'ip5@example.com').select('id').execute()).length, 0, 'and nothing stored')
  t.equal((await fromIp(second.app, 'other@example.com')).statusCode, 202)
  t.equal((await second.app.inject({ method: 'POST', url: '/api/v1/requests', remoteAddress: '10.9.9.10', payload: { type: 'access', email: 'ip6@example.com' } })).statusCode, 202)
  t.equal(await outboxTo(second.app, 'ip6@example.com'), 1, 'another IP is not limited')

  const rows = await second.app.db.selectFrom('rate_events').selectAll().execute()
  const dump = JSON.stringify(rows)
  t.notOk(/limit@example|10\.9\.9\.9/i.test(dump), 'rate events keep no address or IP')

  clock.advance(HOUR + 1000)
  await submitForm(second.app, new Jar(), '/request/objection', { email: 'limit@example.com' })
  t.equal(await outboxTo(second.app, 'limit@example.com'), 3, 'an hour later the address may ask again')
  t.equal((await fromIp(second.app, 'ip7@example.com')).statusCode, 202)
  t.equal(await outboxTo(second.app, 'ip7@example.com'), 1, 'and the IP')
})

t.test('unverified submissions are purged after the retention period', async (t) => {
  const clock = testClock()
  const h = await buildTestApp(t, { clock })
  const { app, config } = h
  await submitForm(app, new Jar(), '/request/access', { email: 'old@example.com', name: 'Old' })
  await submitForm(app, new Jar(), '/request/access', { email: 'done@example.com' })
  t.equal((await confirmViaApi(app, tokenOf(await latestLink(h, 'done@example.com')))).statusCode, 200)
  clock.advance(1 * DAY)
  await submitForm(app, new Jar(), '/request/access', { email: 'recent@example.com' })
  await h.flushMail()

  clock.advance(1 * DAY - 60_000)
  t.equal(config.unverifiedRetentionDays, 2, 'the default: the link lives 24 hours, the submission 2 days')
  t.match(await runMaintenance(app.db, config, clock.now()), { unverifiedPurged: 0 }, 'nothing unverified is 2 days old yet')
  clock.advance(2 * 60_000)
  const result = await runMaintenance(app.db, config, clock.now())
  t.equal(result.unverifiedPurged, 1)
  const subs = await app.db.selectFrom('submissions').select(['email', 'status']).orderBy('id').execute()
  t.same(subs, [{ email: 'done@example.com', status: 'verified' }, { email: 'recent@example.com', status: 'pending' }])
  const tokens = await app.db.selectFrom('verification_tokens').select('submission_id').execute()
  t.equal(tokens.length, 2, "the purged submission's tokens went with it")
  t.notOk((await dumpDb(app)).includes('old@example.com'), 'no trace of the unverified address is left')
  t.equal((await app.db.selectFrom('cases').select('id').execute()).length, 1, 'cases are untouched')
})

t.test('`dsr-portal maintenance run` purges too', async (t) => {
  const dir = t.testdir()
  const env = { NODE_ENV: 'test', DATABASE_URL: await testDatabaseUrl(t, join(dir, 'portal.db')), SESSION_SECRET: SECRET }
  const clock = testClock()
  const h = await buildTestApp(t, { env, clock })
  await submitForm(h.app, new Jar(), '/request/access', { email: 'cli@example.com' })
  await h.flushMail()
  await h.app.close()

  const out: string[] = []
  const err: string[] = []
  clock.advance(8 * DAY)
  const code = await main(['maintenance', 'run'], { env, now: clock.now, out: (s) => out.push(s), err: (s) => err.push(s) })
  t.equal(code, 0)
  t.same(err, [])
  t.match(JSON.parse(out.join('')), { unverifiedPurged: 1 })

  const h2 = await buildTestApp(t, { env, clock })
  t.equal((await h2.app.db.selectFrom('submissions').select('id').execute()).length, 0)
  t.notOk((await dumpDb(h2.app)).includes('cli@example.com'))
})
