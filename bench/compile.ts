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
  const dir = mkdtempSync(join(tmpdir(), 'dsr-bench-compile-'))
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: join(dir, 'bench.db'), DATA_DIR: dir, PUBLIC_URL: 'https://portal.bench', LOG_LEVEL: 'silent' })
  const fastify = Fastify({ logger: false })
  await fastify.register(app, { config, background: false, print: () => {} })
  await fastify.ready()
  try {
    const db = fastify.db
    const at = new Date().toISOString()
    const staff = await db.insertInto('staff').values({ email: 'bench@xtractor.se', email_key: 'bench@xtractor.se', name: 'Bench', role: 'handler', password_hash: 'x', created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow()
    const actor = { id: staff.id, role: 'handler' }

    // Everyone else: one case with a message and two events each.
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < others; i++) await seedPerson(trx as unknown as Db, `other-${i}@example.se`, 1, { messages: 1, events: 2 }, i % 10 === 0, at)
    })
    // The baseline: one case, nothing else (1 record). The subject: 2 register rows + 200 cases × (1 + 2 messages + 2 events) = 1,002 records.
    const baseline = await seedPerson(db, 'one@example.se', 1, { messages: 0, events: 0 }, false, at)
    const subject = await db.transaction().execute((trx) => seedPerson(trx as unknown as Db, 'many@example.se', 200, { messages: 2, events: 2 }, true, at))

    async function time(caseId: number) {
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

    const base = await time(baseline)
    const many = await time(subject)
    const fmt = (n: number) => n.toFixed(2).padStart(8)
    report(`compile an access package (SQLite file, ${others.toLocaleString('en')} other people seeded, ${runs} runs each after 3 warm-up)`)
    report(`  baseline  ${String(base.records).padStart(5)} records  p50 ${fmt(base.p50)} ms  p99 ${fmt(base.p99)} ms  max ${fmt(base.max)} ms  zip ${base.zipBytes} B`)
    report(`  subject   ${String(many.records).padStart(5)} records  p50 ${fmt(many.p50)} ms  p99 ${fmt(many.p99)} ms  max ${fmt(many.max)} ms  zip ${many.zipBytes} B`)
    report(`  ratio (subject / baseline): p50 ${(many.p50 / base.p50).toFixed(1)}x, p99 ${(many.p99 / base.p99).toFixed(1)}x`)
  } finally {
    await fastify.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run((line) => console.log(line), { quick: process.argv.includes('--quick') })
}
