import t from 'tap'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'
import { suppressionHash } from '../../src/registers/suppression-hash.js'

t.test('unsubscribe through the portal form: suppressed at once after confirmation, case completed, requester told', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const auth = { authorization: `Bearer ${await apiTokenFor(app, await createStaff(app, { role: 'handler' }))}` }
  const sub = (await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'form@example.se', name: 'Form Person' } })).json()

  const { case: c } = await openCase(ctx, { type: 'unsubscribe', relationship: 'newsletter', email: 'FORM@example.se', name: 'Form Person', lang: 'en' })
  t.equal(c.status, 'completed', 'confirm() returns the completed case')
  t.equal((await app.db.selectFrom('newsletter_subscribers').select('status').where('id', '=', sub.id).executeTakeFirstOrThrow()).status, 'unsubscribed')
  t.match(await app.db.selectFrom('suppression_hashes').selectAll().execute(), [{ email_hash: suppressionHash(app.config.suppressionKey, 'form@example.se'), reason: 'request', case_id: c.id }])
  const kinds = (await app.db.selectFrom('case_events').select('kind').where('case_id', '=', c.id).orderBy('id').execute()).map((e) => e.kind)
  t.match(kinds, ['submitted', 'verified', 'routed', 'register_unsubscribed', 'register_suppressed', 'status_changed', 'register_requester_told'])
  t.notOk(kinds.includes('email_out'), 'no receipt for a case closed at once')
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('FORM@example.se') && /Done/.test(m.parsed.subject ?? ''))
  t.match(mails[0].parsed.text, /You will not get our newsletter again\./)
  // Issue 18: after the confirmation link, one email says what was done, with the reference and the status link.
  const after = ctx.smtp.to('FORM@example.se').filter((m) => !/\/verify\//.test(m.parsed.text ?? ''))
  t.equal(after.length, 1, 'one email, not a receipt promising an answer date as well')
  t.notMatch(after[0].parsed.text, /answer by|svarar senast/i)
  t.match(after[0].parsed.text, c.reference)
  const statusUrl = linkIn(after[0].parsed.text, `${PUBLIC_URL}/status/`)
  const statusPage = await app.inject({ url: `${new URL(statusUrl).pathname}?lang=en` })
  t.equal(statusPage.statusCode, 200, 'the link in it opens the status page')
  t.match(statusPage.body, 'You will not get our newsletter again.')

  const page = await app.inject({ url: `/api/v1/subscribers/${sub.id}`, headers: auth })
  t.equal(page.json().status, 'unsubscribed')
  const status = await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })
  t.match(status.json(), { status: 'completed' })
})

t.test('an objection to direct marketing (newsletter) suppresses even an address not in the register', async (t) => {
  const ctx = await buildTestApp(t)
  const { case: c } = await openCase(ctx, { type: 'objection', relationship: 'newsletter', email: 'obj@example.se' })
  t.equal(c.status, 'completed')
  t.match(await ctx.app.db.selectFrom('suppression_hashes').selectAll().execute(), [{ email_hash: suppressionHash(ctx.app.config.suppressionKey, 'obj@example.se'), reason: 'objection' }])
  t.ok(await ctx.app.db.selectFrom('case_events').select('id').where('case_id', '=', c.id).where('kind', '=', 'register_no_subscriber').executeTakeFirst())
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, await createStaff(ctx.app, { role: 'handler' }))}` }
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'obj@example.se' } })
  t.equal(res.statusCode, 409, 'and the API will not subscribe it')
})

t.test('other requests are left to staff', async (t) => {
  const ctx = await buildTestApp(t)
  const { case: c } = await openCase(ctx, { type: 'objection', relationship: 'customer_contact' })
  t.equal(c.status, 'new')
  t.equal((await ctx.app.db.selectFrom('suppression_hashes').selectAll().execute()).length, 0)
  const { case: r } = await openCase(ctx, { type: 'rectification', relationship: 'candidate', email: 'nobody@example.se' })
  t.equal(r.status, 'new')
  t.equal((await ctx.app.db.selectFrom('rectification_proposals').selectAll().execute()).length, 0)
})
