/**
 * Issue 3's target over HTTP: with 100,000 cases, the queue's first page (sorted by due date) and a
 * filtered page answer with p99 under 50 ms, as HTML (/staff) and as JSON (/api/v1/cases).
 * One connection at a time, so p99 is the latency a person sees, not queueing behind the load.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedDatabase } from '../scripts/seed.js'
import { createDb } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { projectRoot } from '../src/paths.js'
import { portalEnv } from './http.js'
import { formatLoad, load, type LoadResult } from './lib/load.js'
import { startProcess } from './lib/server.js'
import { BUILT_SERVER } from './lib/built.js'

const TARGET_P99_MS = 50

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

export async function run(report: (line: string) => void, opts: { cases?: number; amount?: number } = {}): Promise<{ results: LoadResult[]; ok: boolean }> {
  const cases = opts.cases ?? 100_000
  const amount = opts.amount ?? 500
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-queue-'))
  const env = portalEnv(dir)
  try {
    const db = createDb(env.DATABASE_URL)
    await migrateToLatest(db)
    await seedDatabase(db, { cases, staff: 5, seed: 42 })
    await db.destroy()
    const email = 'bench.handler@xtractor.se'
    const password = 'a long bench passphrase'
    cli(env, ['staff', 'add', '--email', email, '--name', 'Bench Handler', '--role', 'handler'], password + '\n')
    const token = cli(env, ['token', 'create', '--email', email]).trim().split('\n').at(-1)!

    const portal = await startProcess(BUILT_SERVER, env)
    try {
      const cookie = await signIn(portal.url, email, password)
      const html = { cookie }
      const api = { authorization: `Bearer ${token}` }
      const pages: Array<[string, string, Record<string, string>]> = [
        ['HTML /staff first page (due date)', '/staff', html],
        ['HTML /staff filtered (in_progress, erasure, due week)', '/staff?status=in_progress&type=erasure&due=week', html],
        ['API /api/v1/cases first page (due date)', '/api/v1/cases', api],
        ['API /api/v1/cases filtered', '/api/v1/cases?status=in_progress&type=erasure&due=week', api],
      ]
      const baseline = await load({ url: portal.url + '/healthz', label: 'baseline GET /healthz', amount, connections: 1 })
      const results: LoadResult[] = []
      for (const [label, path, headers] of pages) {
        await load({ url: portal.url + path, label: 'warm-up', amount: 50, connections: 1, headers })
        const r = await load({ url: portal.url + path, label, amount, connections: 1, headers })
        if (r.non2xx > 0) throw new Error(`${label}: ${r.non2xx} non-2xx answers`)
        results.push(r)
      }
      const ok = results.every((r) => r.p99 < TARGET_P99_MS)
      report(`Queue over HTTP: ${cases} cases, ${amount} sequential requests each`)
      report(formatLoad(baseline))
      for (const r of results) report(`${formatLoad(r)}  p99 ×${(r.p99 / Math.max(1, baseline.p99)).toFixed(1)} of baseline`)
      report(`Target p99 < ${TARGET_P99_MS} ms for each: ${ok ? 'met' : 'NOT met'}`)
      return { results, ok }
    } finally {
      await portal.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
