/**
 * Compiling with connected systems (fulfilment tasks): the time to compile an access package whose
 * case has 10 systems' finished tasks with 1,000 rows each (records.systems.<key> in the package),
 * next to compiling from the registers alone, measured in the same run on the same database.
 *
 *   npm run bench -- --only tasks [--quick]
 *   node --import tsx bench/tasks.ts [--quick]
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import Fastify from 'fastify'
import app from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { Db } from '../src/db/connection.js'

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function seedCase(db: Db, email: string, at: string): Promise<number> {
  await db.insertInto('newsletter_subscribers').values({ email, email_normalized: email, name: 'Bench Person', phone: '070-000 00 00', source: 'bench', subscribed_at: at, status: 'subscribed', unsubscribed_at: null, unsubscribe_token_hash: randomBytes(32).toString('hex'), created_at: at, updated_at: at }).execute()
  const row = await db
    .insertInto('cases')
    .values({ reference: `DSR-BENCH-${randomBytes(6).toString('hex')}`, type: 'access', status: 'in_progress', email, email_key: email, name: 'Bench Person', relationship: 'customer_contact', consent_kind: null, details: null, incorrect_value: null, correct_value: null, lang: 'sv', channel: 'web', received_at: at, verified_at: at, due_date: '2026-12-25', assignee_id: null, extended: 0, extension_reason: null, closed_at: null, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** What one connected system sent: `rows` customer rows of a dozen columns each. */
function systemRecords(key: string, rows: number) {
  return {
    customers: Array.from({ length: rows }, (_, i) => ({
      id: i + 1,
      email: 'many@example.se',
      name: 'Bench Person',
      street: `Storgatan ${i + 1}`,
      postcode: '903 26',
      city: 'Umeå',
      phone: '+46 70 000 00 00',
      orderRef: `${key}-${i}`,
      amount: (i * 7.5).toFixed(2),
      createdAt: '2025-06-01T10:00:00.000Z',
      note: 'Leverans till dörren, ring innan.',
      consent: i % 2 === 0,
    })),
  }
}

export async function run(report: (line: string) => void, opts: { quick?: boolean } = {}): Promise<void> {
  const quick = opts.quick ?? false
  const runs = quick ? 10 : 30
  const systems = 10
  const rows = 1_000
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-tasks-'))
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: join(dir, 'bench.db'), DATA_DIR: dir, PUBLIC_URL: 'https://portal.bench', LOG_LEVEL: 'silent' })
  const fastify = Fastify({ logger: false })
  await fastify.register(app, { config, background: false, print: () => {} })
  await fastify.ready()
  try {
    const db = fastify.db
    const at = new Date().toISOString()
    const staff = await db.insertInto('staff').values({ email: 'bench@xtractor.se', email_key: 'bench@xtractor.se', name: 'Bench', role: 'handler', password_hash: 'x', created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow()
    const actor = { id: staff.id, role: 'handler' }
    const registersOnly = await seedCase(db, 'one@example.se', at)
    const withSystems = await seedCase(db, 'many@example.se', at)
    for (let s = 0; s < systems; s++) {
      const key = `system_${s}`
      await db.insertInto('case_tasks').values({ case_id: withSystems, system_key: key, action: 'access', status: 'completed', result: JSON.stringify({ records: systemRecords(key, rows) }), created_at: at, updated_at: at }).execute()
    }

    async function time(caseId: number) {
      const samples: number[] = []
      let records = 0
      let zipBytes = 0
      for (let i = 0; i < runs + 3; i++) {
        await db.deleteFrom('case_events').where('case_id', '=', caseId).where('kind', '=', 'package_compiled').execute()
        const t0 = performance.now()
        const p = await fastify.accessPackages.compile(actor, caseId)
        const ms = performance.now() - t0
        if (i >= 3) samples.push(ms)
        records = p.record_count
        if (i === 0) zipBytes = (await fastify.accessPackages.buildZip(await fastify.cases.get(caseId), p)).zip.length
      }
      samples.sort((a, b) => a - b)
      return { records, zipBytes, p50: percentile(samples, 50), p99: percentile(samples, 99) }
    }

    const base = await time(registersOnly)
    const many = await time(withSystems)
    const fmt = (n: number) => n.toFixed(2).padStart(8)
    report(`compile an access package from ${systems} connected systems × ${rows.toLocaleString('en')} rows vs the registers alone (SQLite file, ${runs} runs each after 3 warm-up)`)
    report(`  registers  ${String(base.records).padStart(6)} records  p50 ${fmt(base.p50)} ms  p99 ${fmt(base.p99)} ms  zip ${base.zipBytes} B`)
    report(`  systems    ${String(many.records).padStart(6)} records  p50 ${fmt(many.p50)} ms  p99 ${fmt(many.p99)} ms  zip ${many.zipBytes} B`)
    report(`  ratio (systems / registers): p50 ${(many.p50 / base.p50).toFixed(1)}x, p99 ${(many.p99 / base.p99).toFixed(1)}x`)
  } finally {
    await fastify.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run((line) => console.log(line), { quick: process.argv.includes('--quick') })
}
