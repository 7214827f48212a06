/**
 * Three real server processes on one PostgreSQL schema, as behind a load balancer: 1,000
 * submissions and their confirmations are spread over them, and every case must exist once and
 * every email must have been sent once. Runs only with TEST_DATABASE_URL (see docs/postgresql.md).
 */
import t from 'tap'
import { createDb } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { onPostgres, testDatabaseUrl } from '../helpers/db.js'
import { startServer, type Started } from '../helpers/server.js'
import { linkIn, TestSmtp } from '../helpers/smtp.js'

const REQUESTS = 1000
const CONCURRENCY = 30
const PUBLIC_URL = 'https://portal.test'
const SECRET = 'three-instances-share-this-session-secret-0123456789'

async function postJson(port: number, path: string, body: unknown, forwardedFor: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** Runs `work(i)` for i in 0..n-1, `limit` at a time. */
async function pool(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await work(next++)
    }),
  )
}

// Longer than the suite's per-file timeout: 2,000 requests and 2,000 emails take minutes on a busy 2-core box.
if (onPostgres) t.setTimeout(600_000)

t.test(
  'three instances on one PostgreSQL: 1,000 requests confirmed, each case once, each email once',
  { skip: onPostgres ? false : 'needs PostgreSQL: set TEST_DATABASE_URL=postgres://… (docs/postgresql.md)' },
  async (t) => {
    const url = await testDatabaseUrl(t, 'three-instances')
    const smtp = await new TestSmtp().start()
    t.teardown(() => smtp.stop())
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '6',
      // pool=true: nodemailer keeps its SMTP connections open between emails.
      SMTP_URL: `${smtp.url}?pool=true`,
      PUBLIC_URL,
      MAIL_FROM: 'Xtractor Interactive AB <dsr@xtractor.se>',
      SESSION_SECRET: SECRET,
      TRUST_PROXY: '127.0.0.1',
      LIMIT_IP_PER_HOUR: '20',
      // 1,000 confirmation emails in a minute: past the default hourly ceiling (500), which has its own test.
      LIMIT_EMAILS_PER_HOUR: '100000',
      OUTBOX_POLL_MS: '200',
      LOG_LEVEL: 'info',
    }
    // All three start at once: they race to migrate the empty schema (Kysely's lock lets one do it).
    const began = Date.now()
    const phase = (name: string) => t.comment(`${name}: ${((Date.now() - began) / 1000).toFixed(1)} s`)
    const servers: Started[] = await Promise.all([0, 1, 2].map(() => startServer(t, env)))
    for (const s of servers) t.match(s.output(), /listening on/, `instance on port ${s.port} started`)
    phase('started')
    const at = (i: number) => servers[i % servers.length].port

    // Submissions: round-robin over the instances; each "client" has its own address behind the proxy.
    const clientIp = (i: number) => `10.1.${Math.floor(i / 250)}.${i % 250}`
    const submitted: number[] = []
    await pool(REQUESTS, CONCURRENCY, async (i) => {
      const res = await postJson(at(i), '/api/v1/requests', { type: 'access', email: `person${i}@example.com`, name: `Person ${i}` }, clientIp(i))
      submitted.push(res.status)
    })
    phase('submitted')
    t.same([...new Set(submitted)], [202], `all ${REQUESTS} submissions accepted`)

    const verifyEmails = await smtp.waitFor((m) => /\/verify\//.test(m.parsed.text ?? ''), REQUESTS, 300_000)
    t.equal(verifyEmails.length, REQUESTS, 'one confirmation email per submission')
    phase('links received')

    // Confirmations: each on another instance than its submission; 50 of them twice at once on two
    // instances (a double click through the load balancer): exactly one of each pair opens the case.
    const tokenFor = new Map<string, string>()
    for (const m of verifyEmails) tokenFor.set(m.envelopeTo[0], linkIn(m.parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!)
    const outcomes: number[] = []
    const doubles: Array<[number, number]> = []
    await pool(REQUESTS, CONCURRENCY, async (i) => {
      const token = tokenFor.get(`person${i}@example.com`)!
      if (i % 20 === 0) {
        const [a, b] = await Promise.all([postJson(at(i + 1), '/api/v1/verify', { token }, clientIp(i)), postJson(at(i + 2), '/api/v1/verify', { token }, clientIp(i))])
        doubles.push([a.status, b.status].sort() as [number, number])
      } else {
        outcomes.push((await postJson(at(i + 1), '/api/v1/verify', { token }, clientIp(i))).status)
      }
    })
    phase('confirmed')
    t.same([...new Set(outcomes)], [200], 'every confirmation opened a case')
    t.equal(doubles.length, REQUESTS / 20)
    t.same([...new Set(doubles.map((d) => d.join('/')))], ['200/410'], 'a token confirmed twice at once: one case, one "already used"')

    // Per case: the link, then the receipt with the status link.
    const total = REQUESTS * 2
    await smtp.waitFor(() => true, total, 300_000)
    phase('all emails received')
    await new Promise((r) => setTimeout(r, 1000)) // anything sent twice would arrive now

    const db = createDb(url)
    t.teardown(() => db.destroy())
    await migrateToLatest(db)
    const cases = await db.selectFrom('cases').select(['email_key', 'reference']).execute()
    t.equal(cases.length, REQUESTS, 'one case per request')
    t.equal(new Set(cases.map((c) => c.email_key)).size, REQUESTS, 'no requester has two cases')
    t.equal(new Set(cases.map((c) => c.reference)).size, REQUESTS, 'references are unique')
    const outbox = await db.selectFrom('outbox').select(['message_id', 'status']).execute()
    t.equal(outbox.length, total, 'a link and a receipt per request')
    t.same([...new Set(outbox.map((r) => r.status))], ['sent'])

    const ids = smtp.received.map((m) => m.parsed.messageId)
    t.equal(smtp.received.length, total, `exactly ${total} emails arrived`)
    t.equal(new Set(ids).size, total, 'no Message-ID arrived twice')
    t.same(new Set(ids), new Set(outbox.map((r) => r.message_id)), 'and they are exactly the outbox rows')
    const perRecipient = new Map<string, number>()
    for (const m of smtp.received) for (const to of m.envelopeTo) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1)
    t.ok([...Array(REQUESTS).keys()].every((i) => perRecipient.get(`person${i}@example.com`) === 2), 'each requester got a link and a receipt')

    // Each instance did a share of the sending.
    const sentBy = servers.map((s) => (s.output().match(/"msg":"email sent"/g) ?? []).length)
    t.equal(sentBy.reduce((a, b) => a + b, 0), total, `sends per instance: ${sentBy.join(', ')}`)
    t.ok(sentBy.every((n) => n > 0), 'every instance sent some')

    for (const s of servers) s.child.kill('SIGTERM')
    const exits = await Promise.all(servers.map((s) => s.exited))
    t.same(exits.map((e) => e.code), [0, 0, 0], 'all three shut down cleanly')
  },
)
