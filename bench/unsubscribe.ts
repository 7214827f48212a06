/**
 * One-click unsubscribe benchmark: starts the app as the server does (listening, on a temporary
 * SQLite file), adds N newsletter subscribers, then sends each one's RFC 8058 one-click POST
 * (`POST /u/<token>`, form-urlencoded `List-Unsubscribe=One-Click`) exactly once with autocannon,
 * so every request is a real first-time unsubscribe (transaction: subscriber, suppression, a
 * completed case with its timeline, audit entry). A baseline (GET /healthz) is measured in the same
 * run with the same connections, and the ratio reported.
 *
 *   node --import tsx bench/unsubscribe.ts [--subscribers 5000] [--connections 10]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import app from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { fastifyOptions } from '../src/fastify-options.js'
import { insertSubscribers } from '../src/registers/subscribers-repository.js'
import { unsubscribeToken } from '../src/registers/unsubscribe-token.js'

interface Options {
  subscribers?: number
  connections?: number
}

async function cannon(url: string, opts: Omit<autocannon.Options, 'url'>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, ...opts }, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

export async function run(report: (line: string) => void, options: Options = {}): Promise<void> {
  const n = options.subscribers ?? 5000
  const connections = options.connections ?? 10
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-unsub-'))
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: join(dir, 'portal.db'), DATA_DIR: dir, PUBLIC_URL: 'http://127.0.0.1', LOG_LEVEL: 'silent' })
  const server = Fastify(fastifyOptions(config))
  await server.register(app, { config, background: false })
  try {
    const address = await server.listen({ port: 0, host: '127.0.0.1' })
    const at = new Date().toISOString()
    const emails = Array.from({ length: n }, (_, i) => `bench${i}@example.se`)
    await server.db.transaction().execute((trx) =>
      insertSubscribers(trx, config.sessionSecret, emails.map((e) => ({ email: e, emailNormalized: e, name: null, phone: null, source: 'bench', subscribedAt: at })), at),
    )
    const paths = emails.map((e) => `/u/${unsubscribeToken(config.sessionSecret, e)}`)

    // Warm up both routes briefly (on the baseline and on tokens that do not exist).
    await cannon(`${address}/healthz`, { connections, duration: 1 })
    const baseline = await cannon(`${address}/healthz`, { connections, duration: 5 })

    let next = 0
    const started = Date.now()
    const result = await cannon(address, {
      connections,
      amount: n,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
          setupRequest: (req) => ({ ...req, path: paths[next++ % n] }),
        },
      ],
    })
    const seconds = (Date.now() - started) / 1000
    const done = await server.db.selectFrom('newsletter_subscribers').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'unsubscribed').executeTakeFirstOrThrow()
    const cases = await server.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    const perSecond = Number(done.n) / seconds
    const base = baseline.requests.average
    report(`unsubscribe: ${n} subscribers, ${connections} connections`)
    report(`unsubscribe: baseline GET /healthz ${base.toFixed(0)} req/s (p99 ${baseline.latency.p99} ms)`)
    report(
      `unsubscribe: one-click POST /u/<token> ${perSecond.toFixed(0)} unsubscribes/s (p99 ${result.latency.p99} ms; ${result['2xx']} × 200, ${result.non2xx} other, ${result.errors} errors; ${done.n} unsubscribed, ${cases.n} cases)`,
    )
    report(`unsubscribe: ratio one-click / baseline = ${(perSecond / base).toFixed(3)}`)
  } finally {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: flags } = parseArgs({ options: { subscribers: { type: 'string' }, connections: { type: 'string' } } })
  await run((line) => console.log(line), { subscribers: flags.subscribers ? Number(flags.subscribers) : undefined, connections: flags.connections ? Number(flags.connections) : undefined })
}
