/**
 * What the package benches share (bench/compile.ts, bench/tasks.ts): a portal app on a SQLite
 * file of its own, a handler to compile as, and the timing of one case's compile.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import app from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export interface CompileTiming {
  records: number
  zipBytes: number
  p50: number
  p99: number
  max: number
}

export interface CompileBench {
  fastify: FastifyInstance
  /** When the seeded rows were made. */
  at: string
  /** Compiles `caseId`'s package `runs` times after 3 warm-up runs. */
  time(caseId: number): Promise<CompileTiming>
}

/** Runs `body` against a fresh portal and removes it afterwards. */
export async function withCompileBench(name: string, runs: number, body: (b: CompileBench) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `dsr-bench-${name}-`))
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: join(dir, 'bench.db'), DATA_DIR: dir, PUBLIC_URL: 'https://portal.bench', LOG_LEVEL: 'silent' })
  const fastify = Fastify({ logger: false })
  await fastify.register(app, { config, background: false, print: () => {} })
  await fastify.ready()
  try {
    const db = fastify.db
    const at = new Date().toISOString()
    const staff = await db.insertInto('staff').values({ email: 'bench@xtractor.se', email_key: 'bench@xtractor.se', name: 'Bench', role: 'handler', password_hash: 'x', created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow()
    const actor = { id: staff.id, role: 'handler' }
    async function time(caseId: number): Promise<CompileTiming> {
      const samples: number[] = []
      let records = 0
      let zipBytes = 0
      for (let i = 0; i < runs + 3; i++) {
        // The compile's own timeline event is removed so every run sees the same records.
        await db.deleteFrom('case_events').where('case_id', '=', caseId).where('kind', '=', 'package_compiled').execute()
        const t0 = performance.now()
        const p = await fastify.accessPackages.compile(actor, caseId)
        const ms = performance.now() - t0
        if (i >= 3) samples.push(ms)
        records = p.record_count
        if (i === 0) zipBytes = (await fastify.accessPackages.buildZip(await fastify.cases.get(caseId), p)).zip.length
      }
      samples.sort((a, b) => a - b)
      return { records, zipBytes, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] }
    }
    await body({ fastify, at, time })
  } finally {
    await fastify.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export const fmtMs = (n: number) => n.toFixed(2).padStart(8)
