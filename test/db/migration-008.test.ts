import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Migrator, PostgresAdapter, sql, type Kysely } from 'kysely'
import t from 'tap'
import { migrations } from '../../migrations/index.js'
import { main } from '../../src/cli.js'
import { createDb } from '../../src/db/connection.js'
import { PUBLIC_URL } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'

// Issue 14 §2: migration 008 rewrites stored addresses in the one form, on SQLite and PostgreSQL
// (TEST_DATABASE_URL), and leaves register rows that became one address for staff to merge by hand.

const AT = '2026-11-01T10:00:00.000Z'

async function migrator(db: Kysely<any>): Promise<Migrator> {
  let migrationTableSchema: string | undefined
  if (db.getExecutor().adapter instanceof PostgresAdapter) migrationTableSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema })
}

t.test('stored addresses are normalised; rows that become one address are kept and listed without local parts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-m008-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const url = await testDatabaseUrl(t, join(dir, 'portal.db'))
  const db = createDb(url) as unknown as Kysely<any>
  t.teardown(() => db.destroy())
  const m = await migrator(db)
  const before = await m.migrateTo('006_access_packages')
  t.notOk(before.error)

  const sub = (email: string, key: string, hash: string) => ({ email, email_normalized: key, subscribed_at: AT, status: 'subscribed', unsubscribe_token_hash: hash, created_at: AT, updated_at: AT })
  await db
    .insertInto('newsletter_subscribers')
    .values([
      sub('anna@example.se', 'anna@example.se', 'h1'), // already plain: keeps the address
      sub('an\u200bna@example.se', 'an\u200bna@example.se', 'h2'), // same mailbox: left apart for a merge
      sub('bo@XN--EXMPLE-CUA.SE', 'bo@xn--exmple-cua.se', 'h3'), // A-label: rewritten to the U-label
      sub('cilla@example.se', 'cilla@example.se', 'h4'), // untouched
    ])
    .execute()
  const cand = (email: string) => ({ email, email_normalized: email.toLowerCase(), email_hash: 'x' + email, consent_given_at: AT, consent_expires_at: '2029-11-01T10:00:00.000Z', status: 'active', created_at: AT, updated_at: AT })
  await db.insertInto('candidates').values([cand('dan\u2060@example.se'), cand('dan@example.se'), cand('eva\u00ad@example.se')]).execute()
  await db
    .insertInto('suppressions')
    .values([
      { email_normalized: 'fia\u200b@example.se', reason: 'one_click', created_at: AT },
      { email_normalized: 'fia@example.se', reason: 'objection', created_at: '2026-11-02T10:00:00.000Z' },
      { email_normalized: 'gus\ufeff@example.se', reason: 'staff', created_at: AT },
    ])
    .execute()
  const caseRow = (reference: string, email: string) => ({ reference, type: 'access', status: 'new', email, email_key: email.toLowerCase(), lang: 'sv', channel: 'web', received_at: AT, due_date: '2026-12-01', created_at: AT, updated_at: AT })
  await db.insertInto('cases').values([caseRow('DSR-2026-0001', 'Hanna\u200b@EXAMPLE.se'), caseRow('DSR-2026-0002', 'ida@example.se')]).execute()
  await db.insertInto('submissions').values({ type: 'access', email: 'jo\u2060n@example.se', email_key: 'jo\u2060n@example.se', lang: 'sv', channel: 'api', status: 'pending', created_at: AT, updated_at: AT }).execute()
  await db.insertInto('outbox').values({ message_id: '<m1@x>', kind: 'verify', to_address: 'jo\u2060n@example.se', subject: 's', text_body: 't', status: 'pending', next_attempt_at: AT, created_at: AT }).execute()

  const after = await m.migrateToLatest()
  t.notOk(after.error)

  const subs = await db.selectFrom('newsletter_subscribers').select(['id', 'email', 'email_normalized', 'token_key', 'unsubscribe_token_hash']).orderBy('id').execute()
  t.same(
    subs.map((s) => [s.email, s.email_normalized, s.token_key]),
    [
      ['anna@example.se', 'anna@example.se', null],
      ['an\u200bna@example.se', 'an\u200bna@example.se', null],
      ['bo@exämple.se', 'bo@exämple.se', 'bo@xn--exmple-cua.se'],
      ['cilla@example.se', 'cilla@example.se', null],
    ],
    'the plain row keeps the address, the other is left as it was; links already sent stay derived from the old key',
  )
  t.same(subs.map((s) => s.unsubscribe_token_hash), ['h1', 'h2', 'h3', 'h4'], 'unsubscribe links already sent keep working')
  const cands = await db.selectFrom('candidates').select(['email', 'email_normalized']).orderBy('id').execute()
  t.same(cands, [
    { email: 'dan\u2060@example.se', email_normalized: 'dan\u2060@example.se' },
    { email: 'dan@example.se', email_normalized: 'dan@example.se' },
    { email: 'eva@example.se', email_normalized: 'eva@example.se' },
  ])
  const sups = await db.selectFrom('suppressions').select(['email_normalized', 'reason']).orderBy('email_normalized').execute()
  t.same(sups, [
    { email_normalized: 'fia@example.se', reason: 'objection' },
    { email_normalized: 'gus@example.se', reason: 'staff' },
  ], 'one suppression per address, none lost')
  t.same((await db.selectFrom('cases').select(['email', 'email_key']).orderBy('id').execute()), [
    { email: 'Hanna@example.se', email_key: 'hanna@example.se' },
    { email: 'ida@example.se', email_key: 'ida@example.se' },
  ])
  t.same(await db.selectFrom('submissions').select(['email', 'email_key']).execute(), [{ email: 'jon@example.se', email_key: 'jon@example.se' }])
  t.same(await db.selectFrom('outbox').select('to_address').execute(), [{ to_address: 'jon@example.se' }])
  const reviews = await db.selectFrom('email_merge_reviews').select(['register', 'record_id', 'kept_id', 'domain']).orderBy('id').execute()
  t.same(reviews, [
    { register: 'newsletter_subscribers', record_id: subs[1].id, kept_id: subs[0].id, domain: 'example.se' },
    { register: 'candidates', record_id: 1, kept_id: 2, domain: 'example.se' },
  ])
  await db.destroy()

  const out: string[] = []
  const code = await main(['migrate'], {
    env: { NODE_ENV: 'test', DATABASE_URL: url, DATA_DIR: dir, PUBLIC_URL, SESSION_SECRET: 'm008-test-session-secret-0123456789abcdef' },
    out: (s) => out.push(s),
    err: (s) => out.push(s),
    now: () => new Date(AT),
  })
  t.equal(code, 0)
  const text = out.join('\n')
  t.match(text, `newsletter_subscribers #${subs[1].id} and #${subs[0].id} are now the same address (…@example.se): merge them by hand`)
  t.match(text, 'candidates #1 and #2 are now the same address')
  t.notMatch(text, /anna|dan/, 'no local part')
})
