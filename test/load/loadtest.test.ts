import t from 'tap'
import { runLoadtest } from '../../scripts/loadtest.js'

/**
 * The short version of `npm run loadtest -- --faults` that CI runs: 500 submissions over 50
 * connections, 10 s of mixed traffic, an SMTP outage and 10 SIGKILLs during submissions.
 * The full run (5,000 submissions, 3 minutes, 30 kills) is for a person to start by hand.
 */
// Sending the mixed traffic's emails before the outage, and every acknowledged email after the
// kills, takes minutes on a busy machine.
t.setTimeout(900_000)
const KILLS = Number(process.env.LOAD_KILLS ?? 6)

t.test('load and faults, short version', async (t) => {
  const lines: string[] = []
  const submissions = Number(process.env.LOAD_SUBMISSIONS ?? 500)
  const r = await runLoadtest({
    submissions,
    connections: 50,
    mixedSeconds: Number(process.env.LOAD_SECONDS ?? 10),
    faults: true,
    outageEmails: 30,
    kills: KILLS,
    log: (l) => {
      lines.push(l)
      t.comment(l)
    },
  })

  const s = r.submissions
  t.equal(s.acknowledged + Object.values(s.otherStatus).reduce((a, b) => a + b, 0), s.sent, 'every submission answered')
  t.equal(s.acknowledged, s.sent, 'every submission acknowledged with 202')
  t.equal(s.missingRows, 0, 'every 202 has its row')
  t.equal(s.status5xx, 0, 'no 5xx')
  t.equal(s.errors, 0, 'no connection errors or timeouts')
  t.equal(s.sent, submissions, `all ${submissions} submissions were sent (p99 ${s.p99} ms)`)

  const m = r.mixed
  t.ok(m.requests > 0, `mixed traffic: ${m.requests} requests, ${m.reqPerSec} req/s, p99 ${m.p99} ms`)
  t.equal(m.status5xx, 0, 'no 5xx in mixed traffic')
  t.equal(m.non2xx3xx, 0, 'every mixed request answered 2xx/3xx')
  // Memory depends on what the server holds, not on how busy the machine is: a leak of the
  // mixed traffic's requests (sessions, bodies, rows) would show here. Event-loop delay is a
  // timing figure, reported only.
  t.ok(m.rssEndMb > 0 && m.rssEndMb < 400, `RSS measured in the server and bounded: ${m.rssStartMb}→${m.rssEndMb} MB (event-loop delay p99 ${m.loopDelayP99Ms} ms)`)
  t.ok(m.heapEndMb - m.heapStartMb < 100, `the heap grows by less than 100 MB over the mixed traffic: ${m.heapStartMb}→${m.heapEndMb} MB`)
  t.equal(r.sqliteBusyInLogs, 0, 'no SQLITE_BUSY anywhere')

  const o = r.smtpOutage!
  t.equal(o.undelivered, 0, 'every email queued during the SMTP outage is delivered afterwards')
  t.equal(o.distinctMessageIds, o.queuedDuringOutage, 'one Message-ID per email')
  t.equal(o.duplicateDeliveries, 0, 'each delivered once')
  // Page latency during the outage is a wall-clock figure: two 3-second samples on a shared machine
  // differ by more than any bound that would still catch a slowdown, so it is reported here, and
  // judged by a person from `npm run loadtest -- --faults`, not asserted.
  t.comment(`pages during the outage: p99 ${o.pageP99DuringMs} ms vs ${o.pageP99BeforeMs} ms before`)

  const k = r.kills!
  t.equal(k.rounds, KILLS, 'killed with SIGKILL each round')
  t.ok(k.acknowledged > 0, `${k.acknowledged} requests acknowledged across the kills`)
  t.equal(k.missingRows, 0, 'every acknowledged request survived the kill')
  t.equal(k.wrongOutboxRows, 0, 'each with exactly one outbox row')
  t.equal(k.integrityFailures, 0, 'integrity_check ok after every kill')
  t.not(k.drainSeconds, -1, `the outbox drained within the 5 minutes allowed (${k.drainSeconds} s; -1 means it did not)`)
  t.equal(k.undeliveredAfterDrain, 0, 'every acknowledged request got its email')
  t.equal(k.distinctMessageIdsPerAddressViolations, 0, 'a resend after a kill keeps the Message-ID')
})
