/**
 * The shipped server's footprint, each figure next to a baseline from the same run:
 * - memory: RSS of the whole process (every thread shares it) sampled under a mixed load (form
 *   pages and durable submissions, so the background thread composes email and copies the WAL
 *   back), against a bare Fastify hello world run the same way (plain node, no loader) under its
 *   load, with the requests per second of both. Target < 150 MB.
 * - start: process start to the first 200 from /healthz on a built tree with an existing
 *   database, against a bare node HTTP server started and asked the same way. Target < 1.5 s.
 * - durable submissions: POST /api/v1/requests against the raw single-writer durable commit
 *   rate (one better-sqlite3 connection, WAL, synchronous=FULL, one row per commit) measured
 *   just before it on the same disk; the median ratio of three runs. Target ≥ 0.3.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { clientHeaders, portalEnv, submissionBody } from './http.js'
import { BUILT_SERVER, ensureBuilt } from './lib/built.js'
import { formatLoad, load, type LoadResult } from './lib/load.js'
import { freePort, startProcess, type Started } from './lib/server.js'
import { target } from './lib/targets.js'
import { projectRoot } from '../src/paths.js'

const MEMORY_TARGET_MB = 150
const START_TARGET_MS = 1500
const DURABLE_TARGET = 0.3

/** Resident memory of the whole process, all threads (they share one address space). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN)
  return kb / 1024
}

/** Runs `work` while sampling the process's RSS every 50 ms; returns the peak and the last sample. */
async function sampled<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number; endMb: number }> {
  let peakMb = rssMb(pid)
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(pid))
  }, 50)
  try {
    const result = await work()
    const endMb = rssMb(pid)
    return { result, peakMb: Math.max(peakMb, endMb), endMb }
  } finally {
    clearInterval(timer)
  }
}

/** Pages and submissions in turn on each connection. */
function mixed(url: string, seconds: number, label: string): Promise<LoadResult> {
  let turn = 0
  return load({
    url: url + '/',
    label,
    seconds,
    connections: 10,
    requestFor: () => {
      turn = (turn + 1) % 3
      if (turn === 0) return { method: 'POST', path: '/api/v1/requests', headers: { 'content-type': 'application/json', ...clientHeaders() }, body: submissionBody() }
      return { method: 'GET', path: turn === 1 ? '/' : '/request?type=access' }
    },
  })
}

async function timeToHealthy(args: string[], env: Record<string, string>, port: number): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`)
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false)
      if (ok) return performance.now() - started
      if (performance.now() - started > 30_000) throw new Error('no /healthz answer in 30 s')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))
  }
}

/** Commits per second of one connection writing one row per durable transaction, for `seconds`. */
export function rawDurableCommitRate(dir: string, seconds: number): number {
  const file = join(dir, `raw-${Date.now()}.db`)
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.exec('create table t (id integer primary key, body text not null)')
    const insert = db.prepare('insert into t (body) values (?)')
    const body = 'x'.repeat(300)
    const end = performance.now() + seconds * 1000
    let n = 0
    while (performance.now() < end) {
      insert.run(body)
      n++
    }
    return n / seconds
  } finally {
    db.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
  }
}

/** The outbox rows a stopped server left to send: what a next server on the same data would send first. */
function unsentEmails(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare("select count(*) as n from outbox where status in ('pending', 'sending')").get() as { n: number }).n
  } finally {
    db.close()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function withServer<T>(script: string, env: Record<string, string>, fn: (s: Started) => Promise<T>): Promise<T> {
  const server = await startProcess(script, env)
  try {
    return await fn(server)
  } finally {
    await server.stop()
  }
}

export async function run(report: (line: string) => void, opts: { quick?: boolean } = {}) {
  ensureBuilt()
  const seconds = opts.quick ? 4 : 10
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-footprint-'))
  const env = { ...portalEnv(dir), NODE_ENV: 'development', LOG_LEVEL: 'warn' }
  try {
    // Memory.
    // Plain node, as the portal runs: under tsx its loader thread and hooks added some 30 MB to the baseline.
    const bare = await withServer('bench/lib/bare-fastify.mjs', {}, async (s) => {
      await load({ url: s.url, label: 'warm-up', seconds: 1 })
      return sampled(s.child.pid!, () => load({ url: s.url, label: 'bare Fastify hello world', seconds }))
    })
    const portal = await withServer(BUILT_SERVER, env, async (s) => {
      const idleMb = rssMb(s.child.pid!)
      await mixed(s.url, 1, 'warm-up')
      const m = await sampled(s.child.pid!, () => mixed(s.url, seconds, 'mixed: GET /, GET /request, POST /api/v1/requests'))
      return { ...m, idleMb }
    })
    if (portal.result.non2xx > 0 || portal.result.errors > 0) throw new Error(`mixed load: ${portal.result.non2xx} non-2xx, ${portal.result.errors} errors`)
    report(`Memory of ${BUILT_SERVER} (RSS of the whole process, all threads; sampled every 50 ms)`)
    report(`  bare Fastify (plain node) under its load: peak ${bare.peakMb.toFixed(0)} MB at ${bare.result.reqPerSec.toFixed(0)} req/s`)
    report(`  portal idle after start ${portal.idleMb.toFixed(0)} MB; under the mixed load peak ${portal.peakMb.toFixed(0)} MB, at the end ${portal.endMb.toFixed(0)} MB (×${(portal.peakMb / bare.peakMb).toFixed(2)} of bare)`)
    report(`  ${formatLoad(portal.result)}  (×${(portal.result.reqPerSec / bare.result.reqPerSec).toFixed(2)} of bare's req/s)`)

    // Start: the database exists (the memory run created and migrated it).
    const nodePort = await freePort()
    const bareStart: number[] = []
    const portalStart: number[] = []
    for (let i = 0; i < 3; i++) {
      bareStart.push(await timeToHealthy(['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${nodePort}, '127.0.0.1')`], {}, nodePort))
      portalStart.push(await timeToHealthy([BUILT_SERVER], env, await freePort()))
    }
    const startMs = median(portalStart)
    report(`Start to first /healthz 200 (median of 3): portal ${startMs.toFixed(0)} ms [${portalStart.map((x) => x.toFixed(0)).join(', ')}], bare node HTTP server ${median(bareStart).toFixed(0)} ms (×${(startMs / median(bareStart)).toFixed(1)})`)

    // Durable submissions against the raw single-writer rate, three runs.
    const ratios: number[] = []
    for (let i = 0; i < 3; i++) {
      const raw = rawDurableCommitRate(dir, opts.quick ? 2 : 4)
      // Each run on a fresh data dir: on a shared one, the emails a run queued and had not sent yet
      // were sent by the mail thread during the next run, taking its CPU, and the ratio fell run by
      // run. Fresh, every run measures the same thing (migrations run before "listening").
      const runDir = mkdtempSync(join(dir, `durable-${i + 1}-`))
      const runEnv = { ...portalEnv(runDir), NODE_ENV: 'development', LOG_LEVEL: 'warn' }
      const sub = await withServer(BUILT_SERVER, runEnv, async (s) => {
        await load({ url: s.url + '/api/v1/requests', label: 'warm-up', seconds: 1, connections: 50, method: 'POST', headers: { 'content-type': 'application/json' }, body: submissionBody, perRequestHeaders: clientHeaders })
        return load({ url: s.url + '/api/v1/requests', label: `POST /api/v1/requests (durable, 50 conn.) run ${i + 1}`, seconds: opts.quick ? 3 : 6, connections: 50, method: 'POST', headers: { 'content-type': 'application/json' }, body: submissionBody, perRequestHeaders: clientHeaders })
      })
      if (sub.non2xx > 0 || sub.errors > 0) throw new Error(`submissions: ${sub.non2xx} non-2xx, ${sub.errors} errors`)
      ratios.push(sub.reqPerSec / raw)
      report(`  raw single-writer durable commits ${raw.toFixed(0)}/s; ${formatLoad(sub)}  ratio ${(sub.reqPerSec / raw).toFixed(2)}; emails left unsent at stop ${unsentEmails(portalEnv(runDir).DATABASE_URL)}`)
      rmSync(runDir, { recursive: true, force: true })
    }
    const ratio = median(ratios)
    // Timings on a shared machine say little without how busy it was.
    report(`Load average (1, 5, 15 min): ${loadavg().map((x) => x.toFixed(2)).join(', ')}`)
    report(target(`memory < ${MEMORY_TARGET_MB} MB`, `peak ${portal.peakMb.toFixed(0)} MB at ${portal.result.reqPerSec.toFixed(0)} req/s`, portal.peakMb < MEMORY_TARGET_MB))
    report(target(`start < ${START_TARGET_MS} ms`, `${startMs.toFixed(0)} ms`, startMs < START_TARGET_MS))
    report(target(`durable submissions ≥ ${DURABLE_TARGET} of raw commits (median of 3)`, ratio.toFixed(2), ratio >= DURABLE_TARGET))
    return { peakMb: portal.peakMb, startMs, ratio }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
