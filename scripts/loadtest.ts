/**
 * `npm run loadtest [-- --submissions=5000 --connections=50 --duration=180 --faults --kills=30]`
 *
 * Runs the real server (src/server.ts, spawned) on a temp SQLite file with a local SMTP server and
 * drives it over HTTP:
 *  1. submissions: N API submissions over C connections; every 202 must have its row, no 5xx;
 *  2. mixed traffic for a while (form pages, submissions, staff queue signed in, a status page):
 *     p99, req/s, RSS and heap growth and event-loop delay, measured inside the server by a
 *     preloaded probe (scripts/loadtest-probe.ts, over IPC) so the client does not skew them;
 *  3. (--faults) SMTP goes away and comes back: every email delivered afterwards under one
 *     Message-ID, page latency during the outage compared with before; then SIGKILL at random
 *     moments during submissions, K times: after each, every acknowledged request has one row and
 *     one outbox row, integrity_check is ok; at the end the outbox drains.
 * test/load/loadtest.test.ts runs a short version in CI. Prints a JSON report at the end.
 */
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { TestSmtp } from '../test/helpers/smtp.js'
import { freePort, runCli, sleep, startServer, type Started } from '../test/helpers/server.js'

export interface LoadOptions {
  submissions: number
  connections: number
  mixedSeconds: number
  faults: boolean
  kills: number
  /** Emails queued while SMTP is down (default 100). */
  outageEmails?: number
  log: (line: string) => void
}

interface Probe {
  rss: number
  heapUsed: number
  loopDelay: { p50: number; p99: number; max: number; mean: number }
}

export interface LoadReport {
  submissions: { sent: number; acknowledged: number; missingRows: number; status5xx: number; otherStatus: Record<string, number>; errors: number; reqPerSec: number; p50: number; p99: number; max: number }
  mixed: { seconds: number; requests: number; reqPerSec: number; p50: number; p99: number; max: number; status5xx: number; non2xx3xx: number; errors: number; rssStartMb: number; rssEndMb: number; heapStartMb: number; heapEndMb: number; loopDelayP99Ms: number; loopDelayMaxMs: number }
  sqliteBusyInLogs: number
  smtpOutage?: { queuedDuringOutage: number; delivered: number; distinctMessageIds: number; duplicateDeliveries: number; undelivered: number; pageP50BeforeMs: number; pageP99BeforeMs: number; pageP50DuringMs: number; pageP99DuringMs: number }
  kills?: { rounds: number; acknowledged: number; missingRows: number; wrongOutboxRows: number; integrityFailures: number; undeliveredAfterDrain: number; distinctMessageIdsPerAddressViolations: number; duplicateDeliveries: number; drainSeconds: number }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

class Portal {
  server!: Started
  smtp!: TestSmtp
  readonly dir = mkdtempSync(join(tmpdir(), 'dsr-load-'))
  readonly db = join(this.dir, 'portal.db')
  port = 0
  env: Record<string, string> = {}
  staff = { email: 'load-handler@xtractor.se', password: `last fras ${randomBytes(6).toString('hex')}` }

  async start(probe: boolean) {
    this.smtp ??= await new TestSmtp().start()
    this.port ||= await freePort()
    this.env = {
      DATA_DIR: this.dir,
      DATABASE_URL: this.db,
      PUBLIC_URL: `http://127.0.0.1:${this.port}`,
      SMTP_URL: this.smtp.url,
      MAIL_FROM: 'Xtractor Interactive AB <dsr@xtractor.se>',
      SESSION_SECRET: 'load-test-secret-load-test-secret-0123456789',
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_MS: '100',
      // A killed server's leased emails wait out the lease before the restarted one resends them:
      // 10 s instead of a minute, so the drain after the kills is not a minute of waiting.
      OUTBOX_LEASE_MS: '10000',
      LIMIT_IP_PER_HOUR: '1000000',
      LIMIT_ADDRESS_PER_HOUR: '1000',
      // The global ceiling on confirmation emails would hold most of the load's emails for an hour.
      LIMIT_EMAILS_PER_HOUR: '1000000',
      BODY_LIMIT_BYTES: '65536',
    }
    this.server = await startServer(null, this.env, { port: this.port, preload: probe ? ['./scripts/loadtest-probe.ts'] : [] })
    if (!/listening on/.test(this.server.output())) throw new Error('server did not start: ' + this.server.output())
  }

  async addStaff() {
    const res = await runCli(['staff', 'add', '--email', this.staff.email, '--name', 'Last Testare', '--role', 'handler'], { DATA_DIR: this.dir, DATABASE_URL: this.db }, this.staff.password + '\n')
    if (res.code !== 0) throw new Error('staff add failed: ' + res.out)
  }

  probe(msg: 'sample' | 'reset'): Promise<Probe | null> {
    const child = this.server.child
    if (!child.send) return Promise.resolve(null)
    return new Promise((resolve) => {
      if (msg === 'reset') {
        child.send('reset')
        return resolve(null)
      }
      child.once('message', (m) => resolve(m as Probe))
      child.send('sample')
    })
  }

  async stop() {
    if (this.server.child.exitCode === null && this.server.child.signalCode === null) {
      this.server.child.kill('SIGTERM')
      await this.server.exited
    }
  }

  async close() {
    await this.stop()
    await this.smtp.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** One HTTP request with a keep-alive agent; resolves with the status and body, or rejects on a network error. */
function http(port: number, agent: Agent, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } : headers }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Signs the handler in through the real form and returns the session cookie header. */
async function staffCookie(portal: Portal): Promise<string> {
  const agent = new Agent({ keepAlive: false })
  const page = await http(portal.port, agent, 'GET', '/staff/login')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const jar = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0])
  const form = new URLSearchParams({ _csrf: csrf, email: portal.staff.email, password: portal.staff.password }).toString()
  const res = await http(portal.port, agent, 'POST', '/staff/login', form, { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') })
  if (res.status !== 303) throw new Error(`staff login failed: ${res.status}`)
  return [...jar, ...([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0])].join('; ')
}

function acknowledgedCheck(dbFile: string, emails: string[]): { missingRows: number; wrongOutboxRows: number; integrity: string } {
  const db = new Database(dbFile)
  try {
    db.pragma('busy_timeout = 5000')
    const integrity = String(db.pragma('integrity_check', { simple: true }))
    const sub = db.prepare('SELECT COUNT(*) AS n FROM submissions WHERE email_key = ?')
    const out = db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE to_address = ? AND kind = 'verify'")
    let missingRows = 0
    let wrongOutboxRows = 0
    for (const e of emails) {
      if ((sub.get(e) as { n: number }).n !== 1) missingRows++
      if ((out.get(e) as { n: number }).n !== 1) wrongOutboxRows++
    }
    return { missingRows, wrongOutboxRows, integrity }
  } finally {
    db.close()
  }
}

function outboxPending(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true })
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status != 'sent'").get() as { n: number }).n
  } finally {
    db.close()
  }
}

/**
 * Waits until every email is sent, at most `timeoutMs`; with `stallMs`, gives up sooner when
 * nothing has been sent for that long. Returns the seconds it took, or -1.
 */
async function waitForDrain(dbFile: string, timeoutMs: number, stallMs = timeoutMs): Promise<number> {
  const start = Date.now()
  let fewest = Infinity
  let progressAt = start
  while (Date.now() - start < timeoutMs) {
    const pending = outboxPending(dbFile)
    if (pending === 0) return (Date.now() - start) / 1000
    if (pending < fewest) {
      fewest = pending
      progressAt = Date.now()
    } else if (Date.now() - progressAt > stallMs) break
    await sleep(250)
  }
  return -1
}

async function submissionsPhase(portal: Portal, o: LoadOptions): Promise<{ report: LoadReport['submissions']; acked: string[] }> {
  let n = 0
  const acked: string[] = []
  const other: Record<string, number> = {}
  const result = await autocannon({
    url: `http://127.0.0.1:${portal.port}`,
    connections: o.connections,
    amount: o.submissions,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/requests',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const email = `load-${++n}@example.se`
          ;(context as Record<string, string>).email = email
          return { ...req, body: JSON.stringify({ type: n % 3 === 0 ? 'erasure' : 'access', email, name: 'Last Person', details: 'Load test request' }) }
        },
        onResponse: (status, _body, context) => {
          if (status === 202) acked.push((context as Record<string, string>).email)
          else other[status] = (other[status] ?? 0) + 1
        },
      },
    ],
  })
  const check = acknowledgedCheck(portal.db, acked)
  const status5xx = Object.entries(other).filter(([s]) => Number(s) >= 500).reduce((a, [, v]) => a + v, 0)
  return {
    acked,
    report: { sent: result.requests.total, acknowledged: acked.length, missingRows: check.missingRows, status5xx, otherStatus: other, errors: result.errors + result.timeouts, reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  }
}

async function mixedPhase(portal: Portal, o: LoadOptions, statusPath: string): Promise<LoadReport['mixed']> {
  const cookie = await staffCookie(portal)
  await portal.probe('reset')
  const before = await portal.probe('sample')
  let n = 0
  const statuses: Record<string, number> = {}
  const count = (status: number) => void (statuses[status] = (statuses[status] ?? 0) + 1)
  const result = await autocannon({
    url: `http://127.0.0.1:${portal.port}`,
    connections: Math.min(o.connections, 20),
    duration: o.mixedSeconds,
    timeout: 30,
    requests: [
      { method: 'GET', path: '/', onResponse: count },
      { method: 'GET', path: '/request/access', onResponse: count },
      {
        method: 'POST',
        path: '/api/v1/requests',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ type: 'access', email: `mixed-${++n}@example.se`, name: 'Blandad Trafik' }) }),
        onResponse: count,
      },
      { method: 'GET', path: '/staff', headers: { cookie }, onResponse: count },
      { method: 'GET', path: '/staff?status=open&sort=received', headers: { cookie }, onResponse: count },
      { method: 'GET', path: statusPath, onResponse: count },
    ],
  })
  const after = await portal.probe('sample')
  const status5xx = Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, v]) => a + v, 0)
  const odd = Object.entries(statuses).filter(([s]) => !/^[23]/.test(s)).reduce((a, [, v]) => a + v, 0)
  return {
    seconds: o.mixedSeconds,
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    status5xx,
    non2xx3xx: odd,
    errors: result.errors + result.timeouts,
    rssStartMb: mb(before?.rss ?? 0),
    rssEndMb: mb(after?.rss ?? 0),
    heapStartMb: mb(before?.heapUsed ?? 0),
    heapEndMb: mb(after?.heapUsed ?? 0),
    loopDelayP99Ms: Math.round((after?.loopDelay.p99 ?? 0) * 10) / 10,
    loopDelayMaxMs: Math.round((after?.loopDelay.max ?? 0) * 10) / 10,
  }
}

async function pageLatency(portal: Portal, seconds: number) {
  const r = await autocannon({ url: `http://127.0.0.1:${portal.port}/request/access`, connections: 10, duration: seconds })
  return { p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx }
}

async function smtpOutagePhase(portal: Portal, count: number, log: (l: string) => void): Promise<NonNullable<LoadReport['smtpOutage']>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 })
  // The mixed traffic's emails (a thousand or more) must be out first: the outbox sends in id
  // order, so a backlog left from them would sit in front of the outage's emails and keep them
  // from being sent in the wait after it. That takes minutes on a busy machine: wait as long as
  // the outbox keeps sending.
  const drained = await waitForDrain(portal.db, 600_000, 60_000)
  if (drained >= 0) log(`outbox drained before the outage (${drained} s)`)
  else log(`outbox not drained before the outage: ${outboxPending(portal.db)} emails still queued, ahead of the outage's`)
  const before = await pageLatency(portal, 3)
  const smtpPort = portal.smtp.port
  portal.smtp.received.length = 0
  await portal.smtp.stop()
  log('SMTP stopped')
  const addresses: string[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < count) {
        const email = `outage-${next++}@example.se`
        const res = await http(portal.port, agent, 'POST', '/api/v1/requests', JSON.stringify({ type: 'access', email }))
        if (res.status === 202) addresses.push(email)
      }
    }),
  )
  const during = await pageLatency(portal, 3)
  const received = portal.smtp.received
  portal.smtp = new TestSmtp()
  await portal.smtp.start(smtpPort)
  log('SMTP back')
  await waitForDrain(portal.db, 120_000)
  const got = portal.smtp.received.filter((m) => addresses.some((a) => m.envelopeTo.includes(a)))
  const ids = new Set(got.map((m) => m.parsed.messageId))
  const deliveredTo = new Set(got.flatMap((m) => m.envelopeTo))
  void received
  agent.destroy()
  return {
    queuedDuringOutage: addresses.length,
    delivered: got.length,
    distinctMessageIds: ids.size,
    duplicateDeliveries: got.length - ids.size,
    undelivered: addresses.filter((a) => !deliveredTo.has(a)).length,
    pageP50BeforeMs: before.p50,
    pageP99BeforeMs: before.p99,
    pageP50DuringMs: during.p50,
    pageP99DuringMs: during.p99,
  }
}

async function killPhase(portal: Portal, rounds: number, log: (l: string) => void): Promise<NonNullable<LoadReport['kills']>> {
  const allAcked: string[] = []
  let missingRows = 0
  let wrongOutboxRows = 0
  let integrityFailures = 0
  let k = 0
  for (let round = 1; round <= rounds; round++) {
    if (portal.server.child.exitCode === null && portal.server.child.signalCode === null) {
      portal.server.child.kill('SIGKILL')
      await portal.server.exited
    }
    await portal.start(false)
    const agent = new Agent({ keepAlive: true, maxSockets: 20 })
    // One request first, so the kill lands on a warmed-up server taking submissions.
    await http(portal.port, agent, 'GET', '/healthz')
    const acked: string[] = []
    let stop = false
    const worker = async () => {
      while (!stop) {
        const email = `kill-${round}-${++k}@example.se`
        try {
          const res = await http(portal.port, agent, 'POST', '/api/v1/requests', JSON.stringify({ type: 'access', email, name: 'Killed Midway' }))
          if (res.status === 202) acked.push(email)
          else if (res.status >= 500) throw new Error(`5xx during kill round: ${res.status} ${res.body}`)
          // Paced (at most ~200 requests a second in all), so a fast machine does not acknowledge more
          // than the outbox can send within the drain wait; requests are still in flight at every moment.
          await sleep(100)
        } catch (error) {
          if ((error as Error).message.startsWith('5xx')) throw error
          return // the connection died with the server: not acknowledged
        }
      }
    }
    const workers = Array.from({ length: 20 }, worker)
    await sleep(200 + Math.floor(Math.random() * 1500))
    portal.server.child.kill('SIGKILL')
    stop = true
    await Promise.all(workers)
    await portal.server.exited
    agent.destroy()
    const check = acknowledgedCheck(portal.db, acked)
    missingRows += check.missingRows
    wrongOutboxRows += check.wrongOutboxRows
    if (check.integrity !== 'ok') integrityFailures++
    allAcked.push(...acked)
    log(`kill ${round}/${rounds}: ${acked.length} acknowledged, missing ${check.missingRows}, outbox mismatches ${check.wrongOutboxRows}, integrity ${check.integrity}`)
  }
  // One last start: the outbox drains (rows a killed worker had claimed wait for their lease to run out).
  await portal.start(false)
  const drainSeconds = await waitForDrain(portal.db, 300_000)
  const ackedSet = new Set(allAcked)
  const got = portal.smtp.received.filter((m) => m.envelopeTo.some((a) => ackedSet.has(a)))
  const idsPerAddress = new Map<string, Set<string>>()
  for (const m of got) for (const a of m.envelopeTo) idsPerAddress.set(a, (idsPerAddress.get(a) ?? new Set()).add(m.parsed.messageId ?? ''))
  return {
    rounds,
    acknowledged: allAcked.length,
    missingRows,
    wrongOutboxRows,
    integrityFailures,
    undeliveredAfterDrain: allAcked.filter((a) => !idsPerAddress.has(a)).length,
    distinctMessageIdsPerAddressViolations: [...idsPerAddress.values()].filter((s) => s.size !== 1).length,
    duplicateDeliveries: got.length - new Set(got.map((m) => m.parsed.messageId)).size,
    drainSeconds,
  }
}

export async function runLoadtest(o: LoadOptions): Promise<LoadReport> {
  const portal = new Portal()
  try {
    await portal.addStaff()
    await portal.start(true)
    o.log(`server on ${portal.port}, database ${portal.db}`)
    const subs = await submissionsPhase(portal, o)
    o.log(`submissions: ${JSON.stringify(subs.report)}`)
    // One confirmed case, so the mixed traffic includes its status page.
    const first = subs.acked[0]
    const mail = (await portal.smtp.waitFor((m) => m.envelopeTo.includes(first), 1, 60_000))[0]
    const token = /\/verify\/([A-Za-z0-9_-]{43})/.exec(mail.parsed.text ?? '')![1]
    const confirmed = await http(portal.port, new Agent(), 'POST', '/api/v1/verify', JSON.stringify({ token }))
    const statusPath = new URL(JSON.parse(confirmed.body).statusUrl).pathname
    const mixed = await mixedPhase(portal, o, statusPath)
    o.log(`mixed: ${JSON.stringify(mixed)}`)
    const report: LoadReport = { submissions: subs.report, mixed, sqliteBusyInLogs: 0 }
    if (o.faults) {
      report.smtpOutage = await smtpOutagePhase(portal, o.outageEmails ?? 100, o.log)
      o.log(`smtp outage: ${JSON.stringify(report.smtpOutage)}`)
    }
    report.sqliteBusyInLogs = (portal.server.output().match(/SQLITE_BUSY/g) ?? []).length
    if (o.kills > 0) {
      report.kills = await killPhase(portal, o.kills, o.log)
      o.log(`kills: ${JSON.stringify(report.kills)}`)
    }
    return report
  } finally {
    await portal.close()
  }
}

function arg(name: string, def: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit ? Number(hit.split('=')[1]) : def
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const faults = process.argv.includes('--faults')
  const report = await runLoadtest({
    submissions: arg('submissions', 5000),
    connections: arg('connections', 50),
    mixedSeconds: arg('duration', 180),
    faults,
    kills: arg('kills', faults ? 30 : 0),
    log: (l) => console.error(`[loadtest] ${l}`),
  })
  console.log(JSON.stringify(report, null, 2))
  const s = report.submissions
  const failed = s.missingRows > 0 || s.status5xx > 0 || report.mixed.status5xx > 0 || report.sqliteBusyInLogs > 0 || (report.kills && (report.kills.missingRows || report.kills.wrongOutboxRows || report.kills.integrityFailures || report.kills.undeliveredAfterDrain)) || (report.smtpOutage && report.smtpOutage.undelivered)
  process.exit(failed ? 1 : 0)
}
