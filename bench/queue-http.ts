/**
 * Issue 16's target over HTTP: with 1,000,000 cases, the queue's first page (sorted by due date), a
 * filtered page and a common search answer with p99 under 20 ms (pages) and 50 ms (search), as
 * HTML (/staff) and as JSON (/api/v1/cases). One connection at a time, so p99 is the latency a
 * person sees, not queueing behind the load. On PostgreSQL too when a URL is given
 * (BENCH_DATABASE_URL or TEST_DATABASE_URL), in a schema of its own, analysed after the seed.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { seedDatabase } from '../scripts/seed.js'
import { createDb, isPostgres } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { projectRoot } from '../src/paths.js'
import { portalEnv } from './http.js'
import { formatLoad, load, type LoadResult } from './lib/load.js'
import { startProcess } from './lib/server.js'
import { BUILT_SERVER } from './lib/built.js'
import { benchPgUrl } from './queue.js'

const PAGE_TARGET_P99_MS = 20
const SEARCH_TARGET_P99_MS = 50

function cli(env: Record<string, string>, args: string[], stdin = ''): string {
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli-main.ts'), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', ...env },
    input: stdin,
    encoding: 'utf8',
  })
  if (res.status !== 0) throw new Error(`dsr-portal ${args.join(' ')} failed: ${res.stderr}`)
  return res.stdout
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const page = await fetch(url + '/staff/login')
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0])
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  const res = await fetch(url + '/staff/login', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  })
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`)
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0])
  return [...cookies, ...session].join('; ')
}

async function measure(report: (line: string) => void, env: Record<string, string>, opts: { database: string; cases: number; amount: number }): Promise<{ results: LoadResult[]; ok: boolean }> {
  const { cases, amount } = opts
  const db = createDb(env.DATABASE_URL)
  try {
    await migrateToLatest(db)
    await seedDatabase(db, { cases, staff: 5, seed: 42 })
    if (isPostgres(db)) await sql`analyze`.execute(db)
  } finally {
    await db.destroy()
  }
  const email = 'bench.handler@xtractor.se'
  const password = 'a long bench passphrase'
  cli(env, ['staff', 'add', '--email', email, '--name', 'Bench Handler', '--role', 'handler'], password + '\n')
  const token = cli(env, ['token', 'create', '--email', email]).trim().split('\n').at(-1)!

  const portal = await startProcess(BUILT_SERVER, env)
  try {
    const cookie = await signIn(portal.url, email, password)
    const html = { cookie }
    const api = { authorization: `Bearer ${token}` }
    const pages: Array<[string, string, Record<string, string>, number]> = [
      ['HTML /staff first page (due date)', '/staff', html, PAGE_TARGET_P99_MS],
      ['HTML /staff filtered (in_progress, erasure, due week)', '/staff?status=in_progress&type=erasure&due=week', html, PAGE_TARGET_P99_MS],
      ['HTML /staff search "ber", all statuses', '/staff?status=all&q=ber', html, SEARCH_TARGET_P99_MS],
      ['API /api/v1/cases first page (due date)', '/api/v1/cases', api, PAGE_TARGET_P99_MS],
      ['API /api/v1/cases filtered', '/api/v1/cases?status=in_progress&type=erasure&due=week', api, PAGE_TARGET_P99_MS],
      ['API /api/v1/cases search "ber", all statuses', '/api/v1/cases?status=all&q=ber', api, SEARCH_TARGET_P99_MS],
    ]
    const baseline = await load({ url: portal.url + '/healthz', label: 'baseline GET /healthz', amount, connections: 1 })
    const results: LoadResult[] = []
    let ok = true
    for (const [label, path, headers, target] of pages) {
      await load({ url: portal.url + path, label: 'warm-up', amount: 50, connections: 1, headers })
      const r = await load({ url: portal.url + path, label, amount, connections: 1, headers })
      if (r.non2xx > 0) throw new Error(`${label}: ${r.non2xx} non-2xx answers`)
      if (r.p99 >= target) ok = false
      results.push(r)
    }
    report(`Queue over HTTP on ${opts.database}: ${cases} cases, ${amount} sequential requests each`)
    report(formatLoad(baseline))
    for (const r of results) report(`${formatLoad(r)}  p99 ×${(r.p99 / Math.max(1, baseline.p99)).toFixed(1)} of baseline`)
    report(`Targets on ${opts.database}: pages p99 < ${PAGE_TARGET_P99_MS} ms, search p99 < ${SEARCH_TARGET_P99_MS} ms: ${ok ? 'met' : 'NOT met'}`)
    return { results, ok }
  } finally {
    await portal.stop()
  }
}

export async function run(report: (line: string) => void, opts: { cases?: number; amount?: number } = {}): Promise<{ results: LoadResult[]; ok: boolean }> {
  const cases = opts.cases ?? 1_000_000
  const amount = opts.amount ?? 500
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-queue-'))
  try {
    const sqlite = await measure(report, portalEnv(dir), { database: 'SQLite', cases, amount })
    const pgUrl = benchPgUrl()
    if (!pgUrl) {
      report('PostgreSQL: not measured (set BENCH_DATABASE_URL or TEST_DATABASE_URL)')
      return sqlite
    }
    const schema = `bench_${randomBytes(5).toString('hex')}`
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    try {
      await admin.query(`create schema ${schema}`)
      const url = new URL(pgUrl)
      url.searchParams.set('options', `-c search_path=${schema}`)
      mkdirSync(join(dir, 'pg'))
      const onPg = await measure(report, { ...portalEnv(join(dir, 'pg')), DATABASE_URL: url.toString() }, { database: 'PostgreSQL', cases, amount })
      return { results: [...sqlite.results, ...onPg.results], ok: sqlite.ok && onPg.ok }
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {})
      await admin.end()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
