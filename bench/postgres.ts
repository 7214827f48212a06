/**
 * POST /api/v1/requests req/s on SQLite and on PostgreSQL, measured in the same run on the same
 * machine: one portal process per database, 10 connections, unique addresses.
 *   node --import tsx bench/postgres.ts [--quick]
 * PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * the run uses a schema of its own there and drops it afterwards.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
import pg from 'pg'
import { projectRoot } from '../src/paths.js'

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test'

interface Measured {
  label: string
  reqPerSec: number
  p50: number
  p99: number
  non2xx: number
  errors: number
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** A portal in its own process, so the load generator does not share its event loop. */
async function startPortal(env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the portal did not start in 60 s:\n${output.slice(-2000)}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000)
      if (/listening on/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the portal exited (${code}):\n${output.slice(-2000)}`))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

let counter = 0
const body = () => {
  counter += 1
  return JSON.stringify({ type: 'access', email: `bench-${process.pid}-${counter}@example.com`, name: 'Bench Person', details: 'What do you hold about me?', lang: 'en' })
}

async function submissions(url: string, label: string, seconds: number): Promise<Measured> {
  const r = await autocannon({
    url: `${url}/api/v1/requests`,
    connections: 10,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  })
  return { label, reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts }
}

async function measure(label: string, env: Record<string, string>, seconds: number): Promise<Measured> {
  const portal = await startPortal({
    ...env,
    // One client at a rate no person would; the limits are for people.
    LIMIT_IP_PER_HOUR: '1000000',
    LIMIT_ADDRESS_PER_HOUR: '1000000',
  })
  try {
    await submissions(portal.url, 'warm-up', 2)
    return await submissions(portal.url, label, seconds)
  } finally {
    await portal.stop()
  }
}

const line = (m: Measured) =>
  `${m.label.padEnd(34)} ${m.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${String(m.p50).padStart(4)} ms  p99 ${String(m.p99).padStart(4)} ms  non-2xx ${m.non2xx}  errors ${m.errors}`

export async function run(report: (line: string) => void, opts: { quick?: boolean } = {}): Promise<{ sqlite: Measured; postgres: Measured; ratio: number }> {
  const seconds = opts.quick ? 3 : 10
  const pgUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_PG
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-pg-'))
  const schema = `bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: pgUrl })
  try {
    await admin.connect()
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`PostgreSQL not reachable at ${pgUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} (set BENCH_DATABASE_URL): ${(error as Error).message}`)
  }
  try {
    await admin.query(`create schema ${schema}`)
    const pgSchemaUrl = new URL(pgUrl)
    pgSchemaUrl.searchParams.set('options', `-c search_path=${schema}`)
    const common = { DATA_DIR: dir, MAIL_DIR: join(dir, 'mail') }
    const sqlite = await measure('SQLite (synchronous=FULL, WAL)', { ...common, DATABASE_URL: join(dir, 'bench.db') }, seconds)
    const postgres = await measure('PostgreSQL (pool of 10)', { ...common, DATABASE_URL: pgSchemaUrl.toString() }, seconds)
    const version = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v
    const ratio = postgres.reqPerSec / sqlite.reqPerSec
    report(`POST /api/v1/requests, SQLite vs PostgreSQL ${version} (${seconds} s each, 10 connections, one portal process each, same machine)`)
    report(line(sqlite))
    report(line(postgres))
    report(`PostgreSQL / SQLite: ${ratio.toFixed(2)}× (${(ratio * 100).toFixed(0)}%)`)
    return { sqlite, postgres, ratio }
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {})
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run((l) => console.log(l), { quick: process.argv.includes('--quick') }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
