/**
 * Issue 2's targets: the home page at least 30% of bare Fastify's req/s, and POST /api/v1/requests
 * at least 2,000 req/s with durable commits (synchronous=FULL), all measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatLoad, load, type LoadResult } from './lib/load.js'
import { startProcess } from './lib/server.js'

export interface HttpBenchResult {
  bare: LoadResult
  home: LoadResult
  submissions: LoadResult
  homeRatio: number
}

export function portalEnv(dir: string): Record<string, string> {
  return {
    DATABASE_URL: join(dir, 'bench.db'),
    DATA_DIR: dir,
    MAIL_DIR: join(dir, 'mail'),
    // The bench submits from one address at a rate no person would; the limits are for people.
    LIMIT_IP_PER_HOUR: '1000000',
    LIMIT_ADDRESS_PER_HOUR: '1000000',
  }
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
    const portal = await startProcess('src/server.ts', portalEnv(dir))
    let home: LoadResult
    let submissions: LoadResult
    try {
      await load({ url: portal.url + '/', label: 'warm-up', seconds: 2 })
      home = await load({ url: portal.url + '/', label: 'GET / (home page, Swedish)', seconds })
      submissions = await load({
        url: portal.url + '/api/v1/requests',
        label: 'POST /api/v1/requests (durable)',
        seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: submissionBody,
      })
    } finally {
      await portal.stop()
    }
    const homeRatio = home.reqPerSec / bare.reqPerSec
    report(`HTTP benchmark (${seconds} s each, 10 connections, server in its own process)`)
    report(formatLoad(bare))
    report(formatLoad(home, bare))
    report(formatLoad(submissions, bare))
    report(`Targets: home ≥ 30% of bare: ${(homeRatio * 100).toFixed(0)}% ${homeRatio >= 0.3 ? 'met' : 'NOT met'}; submissions ≥ 2000 req/s: ${submissions.reqPerSec.toFixed(0)} ${submissions.reqPerSec >= 2000 ? 'met' : 'NOT met'}`)
    return { bare, home, submissions, homeRatio }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
