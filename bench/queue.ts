/**
 * Queue benchmark: seeds a temporary SQLite file with 100,000 cases (scripts/seed.ts) and times
 * listQueue for the pages staff open most, next to a baseline measured in the same run.
 *
 *   npm run bench:queue [-- --cases 100000 --runs 500]
 *
 * `runQueueBench()` is exported so bench/run.ts can call it; it returns the figures and prints
 * nothing unless given `log`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { seedDatabase } from '../scripts/seed.js'
import { encodeCursor, listQueue, queueCounts, type QueueFilters, type QueuePage } from '../src/cases/queue-repository.js'
import { CASE_STATUSES } from '../src/cases/state-machine.js'
import { createDb } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { stockholmDate } from '../src/deadlines/stockholm.js'

export interface QueueBenchOptions {
  cases?: number
  runs?: number
  warmup?: number
  /** "Now" for the seed; default the real now. */
  now?: Date
  log?: (line: string) => void
}

export interface Timing {
  name: string
  runs: number
  p50: number
  p99: number
  max: number
  /** p50 / baseline p50 and p99 / baseline p99 (the primary-key lookup). */
  ratioP50: number
  ratioP99: number
  rows: number
}

export interface QueueBenchResult {
  cases: number
  seedMs: number
  baseline: { select1: Timing; pkLookup: Timing }
  /** (a)..(d) of the target, then extras. */
  timings: Timing[]
  targetP99Ms: number
  /** Every one of (a)..(d) has p99 under the target. */
  ok: boolean
  /** Every search of 3 or more characters, matching or not, has p99 under its target. */
  searchOk: boolean
}

const TARGET_P99_MS = 50
const SEARCH_TARGET_P99_MS = 50

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function time(name: string, runs: number, warmup: number, fn: () => Promise<number>): Promise<Omit<Timing, 'ratioP50' | 'ratioP99'>> {
  let rows = 0
  for (let i = 0; i < warmup; i++) rows = await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    rows = await fn()
    samples.push(performance.now() - t0)
  }
  samples.sort((a, b) => a - b)
  return { name, runs, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1], rows }
}

export async function runQueueBench(opts: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const cases = opts.cases ?? 100_000
  const runs = opts.runs ?? 500
  const warmup = opts.warmup ?? 50
  const log = opts.log ?? (() => {})
  const now = opts.now ?? new Date()
  const today = stockholmDate(now)
  const dir = mkdtempSync(join(tmpdir(), 'dsr-queue-bench-'))
  const db = createDb(join(dir, 'bench.db'))
  try {
    await migrateToLatest(db)
    log(`Seeding ${cases} cases ...`)
    const seeded = await seedDatabase(db, { cases, staff: 5, seed: 42, now })
    log(`Seeded in ${(seeded.ms / 1000).toFixed(1)} s`)

    // Inputs picked from the data: a person with several cases, a case deep in the table.
    const person = await db.selectFrom('cases').select('email').groupBy('email').having((eb) => eb.fn.countAll(), '>', 1).orderBy('email').limit(1).executeTakeFirst()
    const email = (person?.email ?? 'anna.andersson@gmail.example').toUpperCase() // typed any case
    const middle = await db.selectFrom('cases').select(['id', 'due_date']).orderBy('due_date').orderBy('id').offset(Math.floor(cases / 2)).limit(1).executeTakeFirst()
    const deepCursor = middle ? encodeCursor({ sort: 'due', key: middle.due_date, id: middle.id }) : null
    const pk = Math.max(1, Math.floor(cases / 3))
    const handler = seeded.staffIds[1] ?? seeded.staffIds[0] ?? 1

    const select1 = await time('baseline: SELECT 1', runs, warmup, async () => (await sql`select 1 as one`.execute(db)).rows.length)
    const pkLookup = await time('baseline: case by primary key', runs, warmup, async () => ((await db.selectFrom('cases').selectAll().where('id', '=', pk).executeTakeFirst()) ? 1 : 0))
    const ratio = (t: Omit<Timing, 'ratioP50' | 'ratioP99'>): Timing => ({ ...t, ratioP50: t.p50 / pkLookup.p50, ratioP99: t.p99 / pkLookup.p99 })

    const list = (name: string, f: QueueFilters, page: QueuePage = {}) => time(name, runs, warmup, async () => (await listQueue(db, f, page)).items.length)
    const all = [...CASE_STATUSES]
    const timings: Timing[] = []
    for (const t of [
      await list('(a) first page, open cases by due date', { today }),
      await list('(b) in_progress + erasure + due this week', { status: 'in_progress', type: 'erasure', due: 'week', today }),
      await list('(c) search by email, all statuses', { q: email, status: all, today }),
      await list('(d) deep page via cursor (row 50%), all statuses', { status: all, today }, { cursor: deepCursor }),
      await list('(e) my open cases', { assignee: 'me', me: handler, today }),
      await list('(f) open cases, newest first', { sort: 'received', today }),
      await list('(g) search by name substring, open cases', { q: 'berg', today }),
      await list('(h) search by name substring, all statuses', { q: 'söderberg', status: all, today }),
      await time('(i) queueCounts (open statuses + overdue + week)', runs, warmup, async () => (await queueCounts(db, today)).open),
      await list('(j) search a common name (anna), all statuses', { q: 'Anna', status: all, today }),
      await list('(k) search a common name (anna), open cases', { q: 'anna', today }),
      await list('(l) search that matches nothing, all statuses', { q: 'Qzxwv', status: all, today }),
      await list('(m) search 3 characters (ber), all statuses', { q: 'ber', status: all, today }),
    ]) {
      timings.push(ratio(t))
    }
    const result: QueueBenchResult = {
      cases,
      seedMs: seeded.ms,
      baseline: { select1: ratio(select1), pkLookup: ratio(pkLookup) },
      timings,
      targetP99Ms: TARGET_P99_MS,
      ok: timings.slice(0, 4).every((t) => t.p99 < TARGET_P99_MS),
      searchOk: timings.filter((t) => /^\((g|h|j|k|l|m)\)/.test(t.name)).every((t) => t.p99 < SEARCH_TARGET_P99_MS),
    }
    for (const line of formatQueueBench(result)) log(line)
    return result
  } finally {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatQueueBench(r: QueueBenchResult): string[] {
  const row = (t: Timing) =>
    `${t.name.padEnd(52)} ${t.p50.toFixed(3).padStart(8)} ${t.p99.toFixed(3).padStart(8)} ${t.max.toFixed(2).padStart(8)} ${('×' + t.ratioP50.toFixed(1)).padStart(8)} ${('×' + t.ratioP99.toFixed(1)).padStart(8)} ${String(t.rows).padStart(5)}`
  return [
    `Queue benchmark: ${r.cases} cases (seeded in ${(r.seedMs / 1000).toFixed(1)} s), ${r.baseline.pkLookup.runs} runs each, times in ms`,
    `${'query'.padEnd(52)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'p50/pk'.padStart(8)} ${'p99/pk'.padStart(8)} ${'rows'.padStart(5)}`,
    row(r.baseline.select1),
    row(r.baseline.pkLookup),
    ...r.timings.map(row),
    `Target p99 < ${r.targetP99Ms} ms for (a)-(d): ${r.ok ? 'met' : 'NOT met'}`,
    `Target p99 < ${SEARCH_TARGET_P99_MS} ms for the searches of 3+ characters (g), (h), (j)-(m): ${r.searchOk ? 'met' : 'NOT met'}`,
  ]
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: flags } = parseArgs({ options: { cases: { type: 'string' }, runs: { type: 'string' } } })
  runQueueBench({ cases: flags.cases ? Number(flags.cases) : undefined, runs: flags.runs ? Number(flags.runs) : undefined, log: (l) => console.log(l) }).then(
    (r) => {
      process.exitCode = r.ok ? 0 : 1
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
