/**
 * Issue 2's targets: the home page at least 30% of bare Fastify's req/s, and POST /api/v1/requests
 * at least 2,000 req/s with durable commits (each answered only once its WAL is synced), all measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatLoad, load, type LoadResult } from './lib/load.js'
import { startProcess } from './lib/server.js'
import { BUILT_SERVER } from './lib/built.js'

export interface HttpBenchResult {
  bare: LoadResult
  home: LoadResult
  submissions: LoadResult
  submissions50: LoadResult
  homeRatio: number
}

export function portalEnv(dir: string): Record<string, string> {
  return {
    DATABASE_URL: join(dir, 'bench.db'),
    DATA_DIR: dir,
    MAIL_DIR: join(dir, 'mail'),
    // As in production behind a load balancer: each submission comes from its own client
    // address (X-Forwarded-For from the trusted proxy), so the default limits apply as they would.
    TRUST_PROXY: '127.0.0.1',
  }
}

let client = 0
/** A distinct client address per request (198.18.0.0/15 is set aside for benchmarks, RFC 2544). */
export function clientHeaders(): Record<string, string> {
  client = (client + 1) % 131_072
  return { 'x-forwarded-for': `198.${18 + (client >> 16)}.${(client >> 8) & 255}.${client & 255}` }
}

let counter = 0
export function submissionBody(): string {
  counter += 1
  return JSON.stringify({ type: 'access', email: `bench-${process.pid}-${counter}@example.com`, name: 'Bench Person', details: 'What do you hold about me?', lang: 'en' })
}

export async function run(report: (line: string) => void, opts: { seconds?: number } = {}): Promise<HttpBenchResult> {
  const seconds = opts.seconds ?? 10
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-http-'))
  try {
    const bareServer = await startProcess('bench/lib/bare-fastify.ts', {})
    let bare: LoadResult
    try {
      await load({ url: bareServer.url, label: 'warm-up', seconds: 2 })
      bare = await load({ url: bareServer.url, label: 'bare Fastify hello world', seconds })
    } finally {
      await bareServer.stop()
    }
    const portal = await startProcess(BUILT_SERVER, portalEnv(dir))
    let home: LoadResult
    let submissions: LoadResult
    let submissions50: LoadResult
    try {
      await load({ url: portal.url + '/', label: 'warm-up', seconds: 2 })
      home = await load({ url: portal.url + '/', label: 'GET / (home page, Swedish)', seconds })
      const submit = (connections: number) =>
        load({
          url: portal.url + '/api/v1/requests',
          label: `POST /api/v1/requests (durable, ${connections} conn.)`,
          seconds,
          connections,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: submissionBody,
          perRequestHeaders: clientHeaders,
        })
      submissions = await submit(10)
      // Many clients at once, as in the load test: commits are shared by more requests in flight.
      submissions50 = await submit(50)
    } finally {
      await portal.stop()
    }
    const homeRatio = home.reqPerSec / bare.reqPerSec
    report(`HTTP benchmark (${seconds} s each, 10 connections unless said, server in its own process)`)
    report(formatLoad(bare))
    report(formatLoad(home, bare))
    report(formatLoad(submissions, bare))
    report(formatLoad(submissions50, bare))
    const best = Math.max(submissions.reqPerSec, submissions50.reqPerSec)
    report(`Targets: home ≥ 30% of bare: ${(homeRatio * 100).toFixed(0)}% ${homeRatio >= 0.3 ? 'met' : 'NOT met'}; submissions ≥ 2000 req/s: ${best.toFixed(0)} ${best >= 2000 ? 'met' : 'NOT met'}`)
    return { bare, home, submissions, submissions50, homeRatio }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
