import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { registerRecordsFor } from '../../src/registers/records.js'
import { runRetention } from '../../src/registers/retention.js'
import { suppressionHash } from '../../src/registers/suppression-hash.js'
import { openCase } from '../helpers/cases.js'
import { setup, upload } from '../helpers/registers.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'
import { Jar } from '../helpers/app.js'

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')])
const SYSTEM = { type: 'system' as const, id: null }
const DAY = 86_400_000

type Ctx = Awaited<ReturnType<typeof setup>>

async function api(ctx: Ctx) {
  const handler = await createStaff(ctx.app, { role: 'handler' })
  return { authorization: `Bearer ${await apiTokenFor(ctx.app, handler)}` }
}

async function subscribe(ctx: Ctx, auth: Record<string, string>, email: string, name = 'Sara Prenumerant') {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email, name, phone: '+46 70 111 22 33', source: 'web' } })
  t.equal(res.statusCode, 201)
  return res.json() as { id: number; unsubscribeUrl: string }
}

const auditOf = (ctx: Ctx, action: string) => ctx.app.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute()

t.test('a restricted subscriber gets no newsletter, is not changed by the API or an import, and survives retention', async (t) => {
  const ctx = await setup(t)
  const auth = await api(ctx)
  const s = await subscribe(ctx, auth, 'begransad@example.se')
  const unsub = await subscribe(ctx, auth, 'begransad-och-avregistrerad@example.se')

  const res = await staffForm(ctx.app, ctx.jar, `/staff/registers/subscribers/${s.id}`, { action: 'restrict' })
  t.equal(res.statusCode, 303)
  const page = await ctx.app.inject({ url: res.headers.location as string, headers: { cookie: ctx.jar.header } })
  t.match(page.body, /Behandlingen är begränsad\./)
  t.match(page.body, /Begränsad sedan 2026-11-25/, 'the page shows the date')
  const list = await ctx.app.inject({ url: '/staff/registers', headers: { cookie: ctx.jar.header } })
  t.match(list.body, /Begränsad sedan 2026-11-25/, 'and so does the register page')

  // What the mailing tool reads: the subscriber says so, and the list it must not send to has the hash.
  const read = (await ctx.app.inject({ url: `/api/v1/subscribers/${s.id}`, headers: auth })).json()
  t.match(read, { restrictedAt: '2026-11-25T10:00:00.000Z' })
  const hash = suppressionHash(ctx.config.suppressionKey, 'begransad@example.se')
  const sup = (await ctx.app.inject({ url: '/api/v1/suppressions', headers: auth })).json()
  t.same(sup.items.map((i: { hash: string; reason: string }) => [i.hash, i.reason]), [[hash, 'restricted']], 'excluded from sending')

  // No change through the API or an import.
  const again = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'BEGRANSAD@example.se', name: 'Annat Namn' } })
  t.equal(again.statusCode, 409)
  t.equal(again.json().error, 'restricted')
  const imported = await upload(ctx, '/staff/registers/import', { register: 'subscribers', partial: 'on' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from('email,name\nbegransad@example.se,Importerad\n') })
  t.equal(imported.statusCode, 200)
  const row = await ctx.app.db.selectFrom('newsletter_subscribers').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow()
  t.equal(row.name, 'Sara Prenumerant', 'the restricted row is unchanged')

  // Restricted while unsubscribed: retention leaves it, however old the unsubscribe.
  await ctx.app.inject({ method: 'POST', url: new URL(unsub.unsubscribeUrl).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  t.equal((await staffForm(ctx.app, ctx.jar, `/staff/registers/subscribers/${unsub.id}`, { action: 'restrict' })).statusCode, 303)
  const result = await runRetention(ctx.app.db, ctx.config, new Date(ctx.clock.now().getTime() + 400 * DAY), SYSTEM)
  t.equal(result.subscribersDeleted, 0)
  t.ok(await ctx.app.db.selectFrom('newsletter_subscribers').select('id').where('id', '=', unsub.id).executeTakeFirst(), 'a restricted row survives retention')
  t.equal((await ctx.app.db.selectFrom('suppression_hashes').select('reason').where('email_hash', '=', suppressionHash(ctx.config.suppressionKey, 'begransad-och-avregistrerad@example.se')).executeTakeFirstOrThrow()).reason, 'one_click', 'the unsubscribe outlives the restriction entry')

  // Audited with before and after, no personal data.
  const audit = await auditOf(ctx, 'register.record_restrict')
  t.equal(audit.length, 2)
  t.match(JSON.parse(audit[0].data!), { register: 'subscribers', before: { restrictedAt: null }, after: { restrictedAt: '2026-11-25T10:00:00.000Z' } })
  t.notMatch(JSON.stringify(audit), /example\.se|Sara/)

  // Lifting: only after the person was told (Art. 18(3)).
  const untold = await staffForm(ctx.app, ctx.jar, `/staff/registers/subscribers/${s.id}`, { action: 'lift' })
  t.equal(untold.statusCode, 400)
  t.match(untold.body, /Underrätta den registrerade innan begränsningen hävs/)
  const typed = await staffForm(ctx.app, ctx.jar, `/staff/registers/subscribers/${s.id}`, { action: 'rectify', field: 'phone', value: 'inget nummer' })
  t.equal(typed.statusCode, 400)
  t.match(typed.body, /<option value="phone" selected>/)
  t.match(typed.body, /value="inget nummer"/, 'the form comes back with what was typed')
  const told = await staffForm(ctx.app, ctx.jar, `/staff/registers/subscribers/${s.id}`, { action: 'lift', told: 'on' })
  t.equal(told.statusCode, 303)
  t.equal((await ctx.app.inject({ url: `/api/v1/subscribers/${s.id}`, headers: auth })).json().restrictedAt, null)
  t.notOk(await ctx.app.db.selectFrom('suppression_hashes').select('reason').where('email_hash', '=', hash).executeTakeFirst(), 'the restriction entry is gone')
  t.match(JSON.parse((await auditOf(ctx, 'register.record_lift'))[0].data!), { personTold: true, after: { restrictedAt: null } })
})

t.test('a restricted candidate is not erased by retention when the consent ends, and gets no new CV', async (t) => {
  const ctx = await setup(t)
  const csv = 'email;name;consent_given_at\nkand@example.se;Karin;2024-01-15\n'
  t.equal((await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from(csv) })).statusCode, 200)
  const cand = await ctx.app.db.selectFrom('candidates').selectAll().executeTakeFirstOrThrow()
  t.equal((await staffForm(ctx.app, ctx.jar, `/staff/registers/candidates/${cand.id}`, { action: 'restrict' })).statusCode, 303)
  const cv = await upload(ctx, `/staff/registers/candidates/${cand.id}/cv`, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: PDF })
  t.equal(cv.statusCode, 409)
  const result = await runRetention(ctx.app.db, ctx.config, new Date('2027-02-01T00:00:00Z'), SYSTEM)
  t.equal(result.candidatesErased, 0)
  t.match(await ctx.app.db.selectFrom('candidates').selectAll().where('id', '=', cand.id).executeTakeFirstOrThrow(), { status: 'active', email: 'kand@example.se' })
  t.equal((await staffForm(ctx.app, ctx.jar, `/staff/registers/candidates/${cand.id}`, { action: 'lift', told: 'on' })).statusCode, 303)
  t.equal((await runRetention(ctx.app.db, ctx.config, new Date('2027-02-01T00:00:00Z'), SYSTEM)).candidatesErased, 1, 'once lifted, retention erases it')
})

t.test('an unsubscribed row is deleted after SUPPRESSION_MINIMISE_DAYS; its old link still says already unsubscribed', async (t) => {
  const ctx = await setup(t, { SUPPRESSION_MINIMISE_DAYS: '30' })
  const auth = await api(ctx)
  const s = await subscribe(ctx, auth, 'gammal@example.se')
  const path = new URL(s.unsubscribeUrl).pathname
  const first = await ctx.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click&lang=en' })
  t.match(first.body, /You are unsubscribed/)

  t.equal((await runRetention(ctx.app.db, ctx.config, new Date(ctx.clock.now().getTime() + 29 * DAY), SYSTEM)).subscribersDeleted, 0, 'kept for 29 days')
  t.ok(await ctx.app.db.selectFrom('newsletter_subscribers').select('id').where('id', '=', s.id).executeTakeFirst())
  const result = await runRetention(ctx.app.db, ctx.config, new Date(ctx.clock.now().getTime() + 31 * DAY), SYSTEM)
  t.equal(result.subscribersDeleted, 1)
  t.notOk(await ctx.app.db.selectFrom('newsletter_subscribers').select('id').where('id', '=', s.id).executeTakeFirst(), 'the row is gone')
  const left = await ctx.app.db.selectFrom('suppression_hashes').selectAll().execute()
  t.equal(left.length, 1, 'only the suppression stays')
  t.notMatch(JSON.stringify(left), /gammal/)
  // The access package still finds the person's suppression, by the hash of their address.
  const held = await registerRecordsFor(ctx.app.db, 'gammal@example.se', ctx.config.suppressionKey)
  t.equal(held.newsletter.length, 0)
  t.match(held.suppressions, [{ reason: 'unsubscribe_page' }])

  const get = await ctx.app.inject({ url: `${path}?lang=en` })
  t.equal(get.statusCode, 200)
  t.match(get.body, /You are unsubscribed/)
  t.match(get.body, /at this address/)
  t.notMatch(get.body, /<form method="post" action="\/u\//, 'no button: nothing left to do')
  const post = await ctx.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  t.equal(post.statusCode, 200, 'a repeated one-click still answers 200')
  t.match(post.body, /Du är avregistrerad|avregistrerad/i)
  t.equal((await ctx.app.db.selectFrom('cases').select('id').execute()).length, 1, 'and opens no second case')
  const resubscribe = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'gammal@example.se' } })
  t.equal(resubscribe.statusCode, 409, 'still suppressed')
})

t.test('rectify, erase and restrict from the case page: only the case subject’s rows, on the timeline, audited', async (t) => {
  const ctx = await setup(t)
  const auth = await api(ctx)
  const s = await subscribe(ctx, auth, 'person@example.se', 'Fel Namn')
  await subscribe(ctx, auth, 'annan@example.se')
  const other = await ctx.app.db.selectFrom('newsletter_subscribers').select('id').where('email_normalized', '=', 'annan@example.se').executeTakeFirstOrThrow()
  const csv = 'email;name;consent_given_at\nperson@example.se;Person;2026-01-15\n'
  await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  const cand = await ctx.app.db.selectFrom('candidates').selectAll().executeTakeFirstOrThrow()
  t.equal((await upload(ctx, `/staff/registers/candidates/${cand.id}/cv`, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: PDF })).statusCode, 303)
  const cvPath = (await ctx.app.db.selectFrom('candidates').select('cv_path').where('id', '=', cand.id).executeTakeFirstOrThrow()).cv_path!

  const handler = await createStaff(ctx.app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(ctx.app, jar, handler)
  const { case: rect } = await openCase(ctx, { type: 'rectification', email: 'person@example.se', relationship: 'newsletter' })
  const casePage = await ctx.app.inject({ url: `/staff/cases/${rect.id}`, headers: { cookie: jar.header } })
  t.match(casePage.body, /Registerposter för den registrerade/)
  t.match(casePage.body, /Fel Namn/)
  t.notMatch(casePage.body, /annan@example\.se/, "only the data subject's rows")
  const act = (caseId: number, fields: Record<string, string>) => staffForm(ctx.app, jar, `/staff/cases/${caseId}`, fields, { postPath: `/staff/cases/${caseId}/records` })

  const wrong = await act(rect.id, { register: 'subscribers', id: String(other.id), action: 'rectify', field: 'name', value: 'X' })
  t.equal(wrong.statusCode, 400, "another person's row is refused")
  const bad = await act(rect.id, { register: 'subscribers', id: String(s.id), action: 'rectify', field: 'phone', value: 'inte ett nummer' })
  t.equal(bad.statusCode, 400)
  const fixed = await act(rect.id, { register: 'subscribers', id: String(s.id), action: 'rectify', field: 'name', value: 'Rätt Namn' })
  t.equal(fixed.statusCode, 303)
  t.equal((await ctx.app.db.selectFrom('newsletter_subscribers').select('name').where('id', '=', s.id).executeTakeFirstOrThrow()).name, 'Rätt Namn')
  // A rectified address keeps the links already sent working.
  t.equal((await act(rect.id, { register: 'subscribers', id: String(s.id), action: 'rectify', field: 'email', value: 'Person@Example.se ' })).statusCode, 303)

  const { case: restr } = await openCase(ctx, { type: 'restriction', email: 'person@example.se', relationship: 'candidate' })
  t.equal((await act(restr.id, { register: 'candidates', id: String(cand.id), action: 'restrict' })).statusCode, 303)
  t.ok((await ctx.app.db.selectFrom('candidates').select('restricted_at').where('id', '=', cand.id).executeTakeFirstOrThrow()).restricted_at)

  const { case: erase } = await openCase(ctx, { type: 'erasure', email: 'person@example.se', relationship: 'candidate' })
  const unconfirmed = await act(erase.id, { register: 'candidates', id: String(cand.id), action: 'erase' })
  t.equal(unconfirmed.statusCode, 400, 'erasing needs the tick')
  t.ok(existsSync(join(ctx.dataDir, cvPath)))
  t.equal((await act(erase.id, { register: 'candidates', id: String(cand.id), action: 'erase', confirm: 'on' })).statusCode, 303)
  t.match(await ctx.app.db.selectFrom('candidates').selectAll().where('id', '=', cand.id).executeTakeFirstOrThrow(), { status: 'erased', email: null, name: null, cv_path: null, erasure_reason: 'request', restricted_at: null })
  t.notOk(existsSync(join(ctx.dataDir, cvPath)), 'the CV file went with it')
  t.equal((await act(erase.id, { register: 'subscribers', id: String(s.id), action: 'erase', confirm: 'on' })).statusCode, 303)
  t.notOk(await ctx.app.db.selectFrom('newsletter_subscribers').select('id').where('id', '=', s.id).executeTakeFirst())
  const resub = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'person@example.se' } })
  t.equal(resub.statusCode, 409, 'an erased subscriber is not added back')

  const kinds = async (id: number) => (await ctx.app.db.selectFrom('case_events').select('kind').where('case_id', '=', id).execute()).map((e) => e.kind)
  t.equal((await kinds(rect.id)).filter((k) => k === 'register_record_rectify').length, 2)
  t.ok((await kinds(restr.id)).includes('register_record_restrict'))
  t.equal((await kinds(erase.id)).filter((k) => k === 'register_record_erase').length, 2)
  const timeline = await ctx.app.inject({ url: `/staff/cases/${erase.id}`, headers: { cookie: jar.header } })
  t.match(timeline.body, /Posten raderad ur registret/)
  const audit = [...(await auditOf(ctx, 'register.record_rectify')), ...(await auditOf(ctx, 'register.record_erase'))]
  t.equal(audit.length, 4)
  t.ok(audit.every((a) => a.case_id !== null && a.actor_id === handler.id))
  t.notMatch(JSON.stringify(audit), /person@|Rätt Namn|Fel Namn/i, 'no personal data in the audit log')
})

t.test('viewers read a row but cannot act; the API erases and refuses a lift without telling', async (t) => {
  const ctx = await setup(t)
  const auth = await api(ctx)
  const s = await subscribe(ctx, auth, 'api@example.se')
  const viewer = await createStaff(ctx.app, { role: 'viewer' })
  const vjar = new Jar()
  await loginAs(ctx.app, vjar, viewer)
  const page = await ctx.app.inject({ url: `/staff/registers/subscribers/${s.id}`, headers: { cookie: vjar.header } })
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, /name="action"/)
  t.equal((await ctx.app.inject({ url: '/staff/registers/subscribers/999999', headers: { cookie: vjar.header } })).statusCode, 404)
  t.equal((await ctx.app.inject({ url: '/staff/registers/other/1', headers: { cookie: vjar.header } })).statusCode, 404)

  t.equal((await ctx.app.inject({ method: 'POST', url: `/api/v1/subscribers/${s.id}/restriction`, headers: auth })).json().restrictedAt, '2026-11-25T10:00:00.000Z')
  const lift = await ctx.app.inject({ method: 'POST', url: `/api/v1/subscribers/${s.id}/restriction/lift`, headers: auth, payload: { personTold: false } })
  t.equal(lift.statusCode, 400)
  t.equal(lift.json().error, 'tell_first')
  const patched = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/subscribers/${s.id}`, headers: auth, payload: { field: 'name', value: 'Nytt' } })
  t.equal(patched.statusCode, 200)
  // A restricted subscriber's new address takes the restriction entry with it.
  const moved = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/subscribers/${s.id}`, headers: auth, payload: { field: 'email', value: 'ny-api@example.se' } })
  t.match(moved.json(), { email: 'ny-api@example.se', restrictedAt: String })
  const entries = (await ctx.app.inject({ url: '/api/v1/suppressions', headers: auth })).json().items.map((i: { hash: string; reason: string }) => [i.hash, i.reason])
  t.same(entries, [[suppressionHash(ctx.config.suppressionKey, 'ny-api@example.se'), 'restricted']])
  const del = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/subscribers/${s.id}`, headers: auth })
  t.equal(del.statusCode, 204)
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `/api/v1/subscribers/${s.id}`, headers: auth })).statusCode, 404)
})
