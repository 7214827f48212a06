/**
 * Queue benchmark (issue 16): seeds 1,000,000 cases (scripts/seed.ts) and times listQueue for the
 * first page, a filtered page, and each kind of search in each tab, next to a primary-key lookup
 * measured in the same run. The same on PostgreSQL when a URL is given (BENCH_DATABASE_URL or
 * TEST_DATABASE_URL): a schema of its own, vacuumed and analysed after the seed as autovacuum would, dropped after.
 *
 *   npm run bench:queue [-- --cases 1000000 --runs 200] [-- --db FILE] [-- --pg-schema NAME]
 *
 * --db and --pg-schema time an already seeded database (nothing is seeded or dropped), since a
 * seed of 1M cases takes minutes. Targets: p99 < 20 ms for the pages, < 50 ms for every search of
 * 3+ characters, matching or not.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import pg from 'pg'
import { seedDatabase } from '../scripts/seed.js'
import { listQueue, queueCounts, type QueueFilters } from '../src/cases/queue-repository.js'
import { CASE_STATUSES } from '../src/cases/state-machine.js'
import { createDb, isPostgres, type Db } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { stockholmDate } from '../src/deadlines/stockholm.js'

export const PAGE_TARGET_P99_MS = 20
export const SEARCH_TARGET_P99_MS = 50

export interface Timing {
  name: string
  kind: 'baseline' | 'page' | 'search' | 'other'
  runs: number
  p50: number
  p99: number
  max: number
  rows: number
}

export interface QueueBenchResult {
  database: string
  cases: number
  seedMs: number | null
  timings: Timing[]
  pagesOk: boolean
  searchesOk: boolean
}

export interface QueueBenchOptions {
  cases?: number
  runs?: number
  warmup?: number
  /** A seeded SQLite file to time instead of seeding one. */
  db?: string
  /** PostgreSQL: this URL's server, in a new schema (or `pgSchema`, already seeded). */
  pgUrl?: string | null
  pgSchema?: string
  log?: (line: string) => void
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function time(name: string, kind: Timing['kind'], runs: number, warmup: number, fn: () => Promise<number>): Promise<Timing> {
  let rows = 0
  for (let i = 0; i < warmup; i++) rows = await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    rows = await fn()
    samples.push(performance.now() - t0)
  }
  samples.sort((a, b) => a - b)
  return { name, kind, runs, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1], rows }
}

/** Each kind of search: prefixes, rare and common substrings, a frequent first name, nothing. */
const SEARCHES: Array<[string, string]> = [
  ['reference prefix', 'DSR-2026-00012'],
  ['reference, every case (dsr)', 'dsr'],
  ['email prefix', 'anna.'],
  ['name, rare (LÖVGREN as lövgren)', 'lövgren'],
  ['name, 1.5% (söderberg)', 'söderberg'],
  ['name, common 3 chars (ber)', 'ber'],
  ['name, common (berg)', 'berg'],
  ['name + email, common (and)', 'and'],
  ['name, frequent first name (anna)', 'Anna'],
  ['no match (qzxwv)', 'Qzxwv'],
]
const TABS: Array<[string, Partial<QueueFilters>]> = [
  ['open', {}],
  ['all', { status: [...CASE_STATUSES] }],
  ['in_progress', { status: 'in_progress' }],
  ['completed', { status: 'completed' }],
]

async function timeQueue(db: Db, opts: { runs: number; warmup: number; staffId: number }): Promise<Timing[]> {
  const { runs, warmup } = opts
  const today = stockholmDate(new Date())
  const pk = Number((await db.selectFrom('cases').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 1) >> 1
  const list = (name: string, kind: Timing['kind'], f: QueueFilters) => time(name, kind, runs, warmup, async () => (await listQueue(db, { today, ...f })).items.length)
  const timings: Timing[] = [
    await time('baseline: SELECT 1', 'baseline', runs, warmup, async () => (await sql`select 1 as one`.execute(db)).rows.length),
    await time('baseline: case by primary key', 'baseline', runs, warmup, async () => ((await db.selectFrom('cases').selectAll().where('id', '=', pk).executeTakeFirst()) ? 1 : 0)),
    await list('first page: open cases by due date', 'page', {}),
    await list('filtered: in_progress + erasure + due this week', 'page', { status: 'in_progress', type: 'erasure', due: 'week' }),
    await list('my open cases', 'other', { assignee: 'me', me: opts.staffId }),
    await list('open cases, newest first', 'other', { sort: 'received' }),
    await list('all statuses by due date', 'other', { status: [...CASE_STATUSES] }),
    await time('queueCounts (open statuses + overdue + week)', 'other', runs, warmup, async () => (await queueCounts(db, today)).open),
  ]
  for (const [kind, q] of SEARCHES) for (const [tab, f] of TABS) timings.push(await list(`search ${kind}, ${tab}`, 'search', { ...f, q }))
  return timings
}

function result(database: string, cases: number, seedMs: number | null, timings: Timing[]): QueueBenchResult {
  return {
    database,
    cases,
    seedMs,
    timings,
    pagesOk: timings.filter((t) => t.kind === 'page').every((t) => t.p99 < PAGE_TARGET_P99_MS),
    searchesOk: timings.filter((t) => t.kind === 'search').every((t) => t.p99 < SEARCH_TARGET_P99_MS),
  }
}

async function seeded(db: Db, cases: number, log: (l: string) => void): Promise<{ ms: number; staffId: number }> {
  await migrateToLatest(db)
  log(`Seeding ${cases} cases ...`)
  const s = await seedDatabase(db, { cases, staff: 5, seed: 42 })
  // As autovacuum would after a million inserts (PostgreSQL 13+ vacuums on inserts too): the
  // visibility map set, so index-only scans (the search's walk, the counts) skip the table.
  if (isPostgres(db)) await sql`vacuum analyze`.execute(db)
  return { ms: s.ms, staffId: s.staffIds[1] ?? s.staffIds[0] ?? 1 }
}

async function existing(db: Db): Promise<{ cases: number; staffId: number }> {
  const n = await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const staff = await db.selectFrom('cases').select('assignee_id').where('assignee_id', 'is not', null).limit(1).executeTakeFirst()
  return { cases: Number(n.n), staffId: staff?.assignee_id ?? 1 }
}

export async function runSqlite(opts: QueueBenchOptions): Promise<QueueBenchResult> {
  const log = opts.log ?? (() => {})
  const dir = opts.db ? null : mkdtempSync(join(tmpdir(), 'dsr-queue-bench-'))
  const db = createDb(opts.db ?? join(dir!, 'bench.db'))
  try {
    const cases = opts.cases ?? 1_000_000
    const s = opts.db ? { ms: null, ...(await existing(db)) } : { cases, ...(await seeded(db, cases, log)) }
    return result('SQLite', s.cases, s.ms, await timeQueue(db, { runs: opts.runs ?? 200, warmup: opts.warmup ?? 20, staffId: s.staffId }))
  } finally {
    await db.destroy()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

export async function runPostgres(opts: QueueBenchOptions & { pgUrl: string }): Promise<QueueBenchResult> {
  const log = opts.log ?? (() => {})
  const schema = opts.pgSchema ?? `bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: opts.pgUrl })
  await admin.connect()
  const url = new URL(opts.pgUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  let db: Db | null = null
  try {
    if (!opts.pgSchema) await admin.query(`create schema ${schema}`)
    db = createDb(url.toString())
    const cases = opts.cases ?? 1_000_000
    const s = opts.pgSchema ? { ms: null, ...(await existing(db)) } : { cases, ...(await seeded(db, cases, log)) }
    const version = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v
    return result(`PostgreSQL ${version}`, s.cases, s.ms, await timeQueue(db, { runs: opts.runs ?? 200, warmup: opts.warmup ?? 20, staffId: s.staffId }))
  } finally {
    await db?.destroy()
    if (!opts.pgSchema) await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {})
    await admin.end()
  }
}

export function formatQueueBench(r: QueueBenchResult): string[] {
  const row = (t: Timing) => `${t.name.padEnd(58)} ${t.p50.toFixed(2).padStart(8)} ${t.p99.toFixed(2).padStart(8)} ${t.max.toFixed(2).padStart(8)} ${String(t.rows).padStart(5)}`
  return [
    `Queue on ${r.database}: ${r.cases} cases${r.seedMs === null ? '' : ` (seeded in ${(r.seedMs / 1000).toFixed(0)} s)`}, ${r.timings[0]?.runs ?? 0} runs each, times in ms`,
    `${'query'.padEnd(58)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'rows'.padStart(5)}`,
    ...r.timings.map(row),
    `Targets on ${r.database}: first and filtered page p99 < ${PAGE_TARGET_P99_MS} ms ${r.pagesOk ? 'met' : 'NOT met'}; every search of 3+ characters p99 < ${SEARCH_TARGET_P99_MS} ms ${r.searchesOk ? 'met' : 'NOT met'}`,
  ]
}

/** The PostgreSQL server to compare with, if one is named. */
export function benchPgUrl(): string | null {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || null
}

/** SQLite, then PostgreSQL when a URL is given; true when every target is met on each. */
export async function runQueueBench(opts: QueueBenchOptions = {}): Promise<{ results: QueueBenchResult[]; ok: boolean }> {
  const log = opts.log ?? (() => {})
  const results: QueueBenchResult[] = []
  if (!opts.pgSchema || opts.db) results.push(await runSqlite(opts))
  for (const line of results.length ? formatQueueBench(results[0]) : []) log(line)
  const pgUrl = opts.pgUrl === undefined ? benchPgUrl() : opts.pgUrl
  if (pgUrl) {
    const r = await runPostgres({ ...opts, pgUrl })
    results.push(r)
    for (const line of formatQueueBench(r)) log(line)
  } else log('PostgreSQL: not measured (set BENCH_DATABASE_URL or TEST_DATABASE_URL)')
  return { results, ok: results.every((r) => r.pagesOk && r.searchesOk) }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: flags } = parseArgs({ options: { cases: { type: 'string' }, runs: { type: 'string' }, db: { type: 'string' }, 'pg-schema': { type: 'string' } } })
  runQueueBench({
    cases: flags.cases ? Number(flags.cases) : undefined,
    runs: flags.runs ? Number(flags.runs) : undefined,
    db: flags.db,
    pgSchema: flags['pg-schema'],
    log: (l) => console.log(l),
  }).then(
    (r) => {
      process.exitCode = r.ok ? 0 : 1
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
