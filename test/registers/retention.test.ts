import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli.js'
import { retentionIfDue } from '../../src/registers/retention-job.js'
import { openCase } from '../helpers/cases.js'
import { Jar, PUBLIC_URL } from '../helpers/app.js'
import { loginAs } from '../helpers/staff.js'
import { setup, upload } from '../helpers/registers.js'

const DAY = 86_400_000
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 0x20)])

t.test('the daily retention job with aged data: candidates, unconfirmed submissions, closed cases; once, idempotent, audited', async (t) => {
  const ctx = await setup(t)
  const { app, clock } = ctx
  // Consent given 2024-01-10: expires 2027-01-10. A second candidate given later stays.
  const csv = 'email,name,consent_given_at\nold@example.se,Old Candidate,2024-01-10\nfresh@example.se,Fresh Candidate,2026-06-01\nwithdrawn@example.se,W,2026-06-01\n'
  t.equal((await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'c.csv', contentType: 'text/csv', data: Buffer.from(csv) })).statusCode, 200)
  const old = await app.db.selectFrom('candidates').selectAll().where('email', '=', 'old@example.se').executeTakeFirstOrThrow()
  t.equal((await upload(ctx, `/staff/registers/candidates/${old.id}/cv`, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: PDF })).statusCode, 303)
  const cvPath = join(ctx.dataDir, (await app.db.selectFrom('candidates').select('cv_path').where('id', '=', old.id).executeTakeFirstOrThrow()).cv_path!)
  t.ok(existsSync(cvPath))
  // A withdrawal recorded but not erased (e.g. a crash between the two, or older data).
  await app.db.updateTable('candidates').set({ status: 'withdrawn', withdrawn_at: clock.now().toISOString() }).where('email', '=', 'withdrawn@example.se').execute()

  // A case closed now, and an unconfirmed submission.
  const closed = await openCase(ctx, { type: 'unsubscribe', relationship: 'newsletter', email: 'closed@example.se', name: 'Closed Person' })
  t.equal((await app.db.selectFrom('cases').select('status').where('id', '=', closed.case.id).executeTakeFirstOrThrow()).status, 'completed')
  await app.intake.submit({ type: 'access', email: 'pending@example.se', name: 'P', relationship: null, consentKind: null, details: 'x', incorrect: null, correct: null }, { ip: '192.0.2.9', lang: 'sv', channel: 'web' })

  // Day 1: only the withdrawn candidate goes.
  const first = await retentionIfDue(app.db, app.config, clock.now())
  t.match(first, { candidatesErased: 1, cvFilesDeleted: 0, unverifiedPurged: 0, casesMinimised: 0 })
  t.match(await retentionIfDue(app.db, app.config, clock.now()), { skipped: String }, 'once a day')
  t.equal((await app.db.selectFrom('candidates').select('status').where('email_hash', 'is not', null).where('withdrawn_at', 'is not', null).executeTakeFirstOrThrow()).status, 'erased')

  // Eight days on: the unconfirmed submission is purged.
  clock.advance(8 * DAY)
  t.match(await retentionIfDue(app.db, app.config, clock.now()), { candidatesErased: 0, unverifiedPurged: 1, casesMinimised: 0 })
  t.equal((await app.db.selectFrom('submissions').select('id').where('status', '=', 'pending').execute()).length, 0)

  // 2027-02-01: the old candidate's consent (given 2024-01-10) has expired.
  clock.set('2027-02-01T09:00:00Z')
  t.match(await retentionIfDue(app.db, app.config, clock.now()), { candidatesErased: 1, cvFilesDeleted: 1, casesMinimised: 0 })
  t.notOk(existsSync(cvPath), 'the CV file is deleted')
  t.match(await app.db.selectFrom('candidates').selectAll().where('id', '=', old.id).executeTakeFirstOrThrow(), { status: 'erased', erasure_reason: 'expired', email: null, name: null, cv_path: null })
  t.equal((await app.db.selectFrom('candidates').select('status').where('email', '=', 'fresh@example.se').executeTakeFirstOrThrow()).status, 'active')

  // Five years and a day after closing: the case is reduced to its minimal record.
  clock.set(new Date(new Date(closed.case.created_at).getTime() + (5 * 365 + 3) * DAY))
  t.match(await retentionIfDue(app.db, app.config, clock.now()), { casesMinimised: 1 })
  const min = await app.db.selectFrom('cases').selectAll().where('id', '=', closed.case.id).executeTakeFirstOrThrow()
  t.match(min, { reference: closed.case.reference, type: 'unsubscribe', status: 'completed', email: '', email_key: '', name: null, details: null, received_at: closed.case.received_at })
  t.ok(min.closed_at)
  t.equal((await app.db.selectFrom('case_access_tokens').select('id').where('case_id', '=', min.id).execute()).length, 0)
  t.equal((await app.db.selectFrom('outbox').select('id').where('case_id', '=', min.id).execute()).length, 0)
  t.ok((await app.db.selectFrom('case_events').select('kind').where('case_id', '=', min.id).execute()).length > 0, 'the timeline skeleton stays')
  t.ok(await app.db.selectFrom('case_minimisations').select('case_id').where('case_id', '=', min.id).executeTakeFirst())
  const status = await app.inject({ url: `/status/${closed.statusToken}` })
  t.equal(status.statusCode, 404, 'the status link no longer opens it')
  const jar = new Jar()
  await loginAs(app, jar, ctx.admin)
  const page = await app.inject({ url: `/staff/cases/${min.id}`, headers: { cookie: jar.header } })
  t.equal(page.statusCode, 200, 'staff can still open the minimal record')
  t.notMatch(page.body, /closed@example\.se/)

  // Again the same day and the next: nothing more.
  clock.advance(DAY)
  t.match(await retentionIfDue(app.db, app.config, clock.now()), { candidatesErased: 0, cvFilesDeleted: 0, unverifiedPurged: 0, casesMinimised: 0, subscribersDeleted: 0 })
  const audits = await app.db.selectFrom('audit_log').select(['actor_type', 'data']).where('action', '=', 'retention.run').execute()
  t.equal(audits.length, 5, 'each run is audited')
  t.ok(audits.every((a) => a.actor_type === 'system'))
  t.match(JSON.parse(audits[4].data!), { casesMinimised: 0, candidateIds: [], caseIds: [] })
  t.match(JSON.parse(audits[3].data!), { casesMinimised: 1, caseIds: [min.id] })
})

t.test('CASE_RETENTION_YEARS is honoured', async (t) => {
  const ctx = await setup(t, { CASE_RETENTION_YEARS: '1' })
  const { case: c } = await openCase(ctx, { type: 'unsubscribe', relationship: 'newsletter' })
  ctx.clock.advance(366 * DAY)
  t.match(await retentionIfDue(ctx.app.db, ctx.app.config, ctx.clock.now()), { casesMinimised: 1 })
  t.equal((await ctx.app.db.selectFrom('cases').select('email').where('id', '=', c.id).executeTakeFirstOrThrow()).email, '')
})

t.test('npx dsr-portal retention run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-ret-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const out: string[] = []
  const code = await main(['retention', 'run'], {
    env: { NODE_ENV: 'test', DATABASE_URL: join(dir, 'portal.db'), DATA_DIR: dir, PUBLIC_URL },
    out: (s) => out.push(s),
    err: (s) => out.push(s),
    now: () => new Date('2026-11-25T09:00:00Z'),
  })
  t.equal(code, 0)
  t.same(JSON.parse(out[0]), { candidatesErased: 0, cvFilesDeleted: 0, unverifiedPurged: 0, casesMinimised: 0, subscribersDeleted: 0 })
})
