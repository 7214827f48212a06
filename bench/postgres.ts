/**
 * POST /api/v1/requests req/s on SQLite and on PostgreSQL, measured in the same run on the same
 * machine: one portal process per database, 10 connections, unique addresses and client addresses.
 *   node --import tsx bench/postgres.ts [--quick]
 * PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * the run uses a schema of its own there and drops it afterwards.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { clientHeaders, portalEnv, submissionBody } from './http.js'
import { formatLoad, load, type LoadResult } from './lib/load.js'
import { startProcess } from './lib/server.js'
import { BUILT_SERVER } from './lib/built.js'

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test'

function submissions(url: string, label: string, seconds: number): Promise<LoadResult> {
  return load({
    url: `${url}/api/v1/requests`,
    label,
    seconds,
    connections: 10,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: submissionBody,
    perRequestHeaders: clientHeaders,
  })
}

async function measure(label: string, env: Record<string, string>, seconds: number): Promise<LoadResult> {
  const portal = await startProcess(BUILT_SERVER, env)
  try {
    await submissions(portal.url, 'warm-up', 2)
    return await submissions(portal.url, label, seconds)
  } finally {
    await portal.stop()
  }
}

export async function run(report: (line: string) => void, opts: { quick?: boolean } = {}): Promise<{ sqlite: LoadResult; postgres: LoadResult; ratio: number }> {
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
    const sqlite = await measure('SQLite (WAL, synced before each answer)', portalEnv(dir), seconds)
    const postgres = await measure('PostgreSQL (pool of 10)', { ...portalEnv(dir), DATABASE_URL: pgSchemaUrl.toString() }, seconds)
    const version = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v
    const ratio = postgres.reqPerSec / sqlite.reqPerSec
    report(`POST /api/v1/requests, SQLite vs PostgreSQL ${version} (${seconds} s each, 10 connections, one portal process each, same machine)`)
    report(formatLoad(sqlite))
    report(formatLoad(postgres, sqlite))
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
