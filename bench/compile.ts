/**
 * Compile benchmark (issue 6): the time to compile an access package for a person with about
 * 1,000 records (earlier cases with their messages and timeline events, plus register rows),
 * next to a baseline measured in the same run: a person with 1 record. Other people's rows are
 * seeded around them so the lookups work on a realistic table.
 *
 *   npm run bench -- --only compile [--quick]
 *   node --import tsx bench/compile.ts [--quick]
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import type { Db } from '../src/db/connection.js'
import { fmtMs, withCompileBench } from './lib/compile-bench.js'

async function seedPerson(db: Db, email: string, cases: number, perCase: { messages: number; events: number }, registers: boolean, at: string) {
  if (registers) {
    await db.insertInto('newsletter_subscribers').values({ email, email_normalized: email, name: 'Bench Person', phone: '070-000 00 00', source: 'bench', subscribed_at: at, status: 'subscribed', unsubscribed_at: null, unsubscribe_token_hash: randomBytes(32).toString('hex'), created_at: at, updated_at: at }).execute()
    await db.insertInto('candidates').values({ email, email_normalized: email, email_hash: randomBytes(32).toString('hex'), name: 'Bench Person', phone: null, cv_path: null, cv_filename: null, cv_content_type: null, cv_size: null, consent_given_at: at, consent_expires_at: at, status: 'active', withdrawn_at: null, erased_at: null, erasure_reason: null, created_at: at, updated_at: at }).execute()
  }
  let current = 0
  for (let i = 0; i < cases; i++) {
    const last = i === cases - 1
    const row = await db
      .insertInto('cases')
      .values({ reference: `DSR-BENCH-${randomBytes(6).toString('hex')}`, type: last ? 'access' : 'rectification', status: last ? 'in_progress' : 'completed', email, email_key: email, name: 'Bench Person', relationship: 'newsletter', consent_kind: null, details: 'Please correct my phone number. '.repeat(4), incorrect_value: null, correct_value: null, lang: 'sv', channel: 'web', received_at: at, verified_at: at, due_date: '2026-12-25', assignee_id: null, extended: 0, extension_reason: null, closed_at: last ? null : at, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
    current = row.id
    if (perCase.messages) await db.insertInto('case_messages').values(Array.from({ length: perCase.messages }, (_, k) => ({ case_id: row.id, direction: k % 2 ? 'in' : 'out', body: 'Hej! Tack för ditt meddelande. '.repeat(5), staff_id: null, template: null, lang: 'sv', created_at: at }))).execute()
    if (perCase.events) await db.insertInto('case_events').values(Array.from({ length: perCase.events }, (_, k) => ({ case_id: row.id, kind: k === 0 ? 'submitted' : 'status_changed', actor_type: 'system', actor_id: null, data: k === 0 ? JSON.stringify({ channel: 'web' }) : JSON.stringify({ from: 'new', to: 'in_progress' }), created_at: at }))).execute()
  }
  return current
}

export async function run(report: (line: string) => void, opts: { quick?: boolean } = {}): Promise<void> {
  const quick = opts.quick ?? false
  const runs = quick ? 15 : 50
  const others = quick ? 2_000 : 20_000
  await withCompileBench('compile', runs, async ({ fastify, at, time }) => {
    const db = fastify.db
    // Everyone else: one case with a message and two events each.
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < others; i++) await seedPerson(trx as unknown as Db, `other-${i}@example.se`, 1, { messages: 1, events: 2 }, i % 10 === 0, at)
    })
    // The baseline: one case, nothing else (1 record). The subject: 2 register rows + 200 cases × (1 + 2 messages + 2 events) = 1,002 records.
    const baseline = await seedPerson(db, 'one@example.se', 1, { messages: 0, events: 0 }, false, at)
    const subject = await db.transaction().execute((trx) => seedPerson(trx as unknown as Db, 'many@example.se', 200, { messages: 2, events: 2 }, true, at))
    const base = await time(baseline)
    const many = await time(subject)
    report(`compile an access package (SQLite file, ${others.toLocaleString('en')} other people seeded, ${runs} runs each after 3 warm-up)`)
    report(`  baseline  ${String(base.records).padStart(5)} records  p50 ${fmtMs(base.p50)} ms  p99 ${fmtMs(base.p99)} ms  max ${fmtMs(base.max)} ms  zip ${base.zipBytes} B`)
    report(`  subject   ${String(many.records).padStart(5)} records  p50 ${fmtMs(many.p50)} ms  p99 ${fmtMs(many.p99)} ms  max ${fmtMs(many.max)} ms  zip ${many.zipBytes} B`)
    report(`  ratio (subject / baseline): p50 ${(many.p50 / base.p50).toFixed(1)}x, p99 ${(many.p99 / base.p99).toFixed(1)}x`)
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run((line) => console.log(line), { quick: process.argv.includes('--quick') })
}
