/**
 * Compiling with connected systems (fulfilment tasks): the time to compile an access package whose
 * case has 10 systems' finished tasks with 1,000 rows each (records.systems.<key> in the package),
 * next to compiling from the registers alone, measured in the same run on the same database.
 *
 *   npm run bench -- --only tasks [--quick]
 *   node --import tsx bench/tasks.ts [--quick]
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import type { Db } from '../src/db/connection.js'
import { fmtMs, withCompileBench } from './lib/compile-bench.js'

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
  await withCompileBench('tasks', runs, async ({ fastify, at, time }) => {
    const db = fastify.db
    const registersOnly = await seedCase(db, 'one@example.se', at)
    const withSystems = await seedCase(db, 'many@example.se', at)
    for (let s = 0; s < systems; s++) {
      const key = `system_${s}`
      await db.insertInto('case_tasks').values({ case_id: withSystems, system_key: key, action: 'access', status: 'completed', result: JSON.stringify({ records: systemRecords(key, rows) }), created_at: at, updated_at: at }).execute()
    }
    const base = await time(registersOnly)
    const many = await time(withSystems)
    report(`compile an access package from ${systems} connected systems × ${rows.toLocaleString('en')} rows vs the registers alone (SQLite file, ${runs} runs each after 3 warm-up)`)
    report(`  registers  ${String(base.records).padStart(6)} records  p50 ${fmtMs(base.p50)} ms  p99 ${fmtMs(base.p99)} ms  zip ${base.zipBytes} B`)
    report(`  systems    ${String(many.records).padStart(6)} records  p50 ${fmtMs(many.p50)} ms  p99 ${fmtMs(many.p99)} ms  zip ${many.zipBytes} B`)
    report(`  ratio (systems / registers): p50 ${(many.p50 / base.p50).toFixed(1)}x, p99 ${(many.p99 / base.p99).toFixed(1)}x`)
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run((line) => console.log(line), { quick: process.argv.includes('--quick') })
}
