import t, { type Test } from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { csrfFrom, form, Jar, PUBLIC_URL } from '../helpers/app.js'
import { insertCandidate } from '../helpers/package.js'
import { setup } from '../helpers/registers.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, loginAs, staffForm } from '../helpers/staff.js'

// Issue 14: a rectification whose correct value is an email address changes the address itself.
// The new address confirms by its own link before any register row takes it.

const HOUR = 3_600_000

async function openAddressChange(t: Test) {
  const ctx = await setup(t, { VERIFY_TOKEN_TTL_HOURS: '24' })
  const { app } = ctx
  await insertCandidate(app, 'old@example.com', { name: 'Olga Old' })
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    payload: { type: 'rectification', email: 'old@example.com', name: 'Olga Old', relationship: 'candidate', incorrect: 'old@example.com', correct: 'New@Example.com', lang: 'en' },
  })
  t.equal(res.statusCode, 202)
  await ctx.flushMail()
  const token = linkIn(ctx.smtp.to('old@example.com')[0].parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!
  const page = await app.inject({ url: `/verify/${token}?lang=en` })
  t.match(page.body, en.confirm.addressNote, 'the confirmation page says a link goes to the new address too')
  const confirmed = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  t.equal(confirmed.statusCode, 200)
  await ctx.flushMail()
  const [mail] = ctx.smtp.to('New@example.com')
  t.ok(mail, 'a confirmation link went to the new address')
  const addressToken = linkIn(mail.parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!
  const c = await app.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow()
  const apiToken = await apiTokenFor(app, ctx.admin)
  const caseJson = async () => (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: { authorization: `Bearer ${apiToken}` } })).json()
  const proposal = await app.db.selectFrom('rectification_proposals').selectAll().where('case_id', '=', c.id).executeTakeFirstOrThrow()
  const apply = () => staffForm(app, ctx.jar, `/staff/cases/${c.id}/rectification`, { proposal: String(proposal.id), decision: 'apply', field: 'email', value: 'New@example.com' }, { formPath: `/staff/cases/${c.id}` })
  const candidateEmail = async () => (await app.db.selectFrom('candidates').select('email').executeTakeFirstOrThrow()).email
  return { ...ctx, mail, addressToken, c, caseJson, apply, candidateEmail }
}

t.test('the new address gets its own link; until it confirms, the case says so and no register row takes it', async (t) => {
  const x = await openAddressChange(t)
  const { app } = x
  t.notOk(x.mail.raw.includes('Olga'), 'the email to the unconfirmed new address carries no name')
  t.notOk(x.mail.raw.includes('old@example.com'), 'nor the old address')
  t.match(x.mail.parsed.text, en.confirm.address.emailIntro)

  t.match((await x.caseJson()).addressChange, { from: 'old@example.com', to: 'New@example.com', confirmedAt: null, state: 'pending' })
  const refused = await x.apply()
  t.equal(refused.statusCode, 400, 'staff cannot give the candidate the unconfirmed address')
  t.match(refused.body, sv.registers.rectification.errors.address_unconfirmed)
  t.equal(await x.candidateEmail(), 'old@example.com')
  const casePage = await app.inject({ url: `/staff/cases/${x.c.id}`, headers: { cookie: x.jar.header } })
  t.match(casePage.body, 'address-change-pending')
  t.match(casePage.body, /class="notice notice-info address-change address-change-pending"/, 'news, not a confirmation (issue 18)')

  // The new address's page shows the address and both buttons; the link alone changes nothing.
  const page = await app.inject({ url: `/verify/${x.addressToken}?lang=en` })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-store')
  t.match(page.body, 'New@example.com')
  t.notMatch(page.body, 'Olga')
  t.match((await x.caseJson()).addressChange, { confirmedAt: null })
  const jar = new Jar()
  jar.store(page)
  const forged = await app.inject({ method: 'POST', url: `/verify/${x.addressToken}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '_csrf=nope' })
  t.equal(forged.statusCode, 403)
  const ok = await app.inject({ method: 'POST', url: `/verify/${x.addressToken}`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(page.body) }) })
  t.equal(ok.statusCode, 200)
  t.match(ok.body, en.confirm.address.confirmedTitle, 'in the language the page was read in')
  t.equal((await app.inject({ url: `/verify/${x.addressToken}` })).statusCode, 410, 'used once')

  const json = (await x.caseJson()).addressChange
  t.equal(json.confirmedAt, x.clock.now().toISOString())
  t.equal(json.state, 'confirmed')
  const applied = await x.apply()
  t.equal(applied.statusCode, 303, 'once confirmed, staff can apply it')
  t.equal(await x.candidateEmail(), 'New@example.com')
  const events = await app.db.selectFrom('case_events').select('kind').where('case_id', '=', x.c.id).execute()
  t.ok(events.some((e) => e.kind === 'address_confirmed'), 'on the timeline')
})

t.test('unconfirmed after the link lifetime: the case says so, and staff answer without changing the address', async (t) => {
  const x = await openAddressChange(t)
  x.clock.advance(24 * HOUR + 1000)
  await loginAs(x.app, x.jar, x.admin) // the staff session of the day before has ended
  t.match((await x.caseJson()).addressChange, { confirmedAt: null, state: 'expired' })
  const casePage = await x.app.inject({ url: `/staff/cases/${x.c.id}`, headers: { cookie: x.jar.header } })
  t.match(casePage.body, 'address-change-expired')
  t.match(casePage.body, 'utan att byta adress')
  t.match(casePage.body, /class="notice notice-warning address-change address-change-expired"/, 'a warning box, not the green one of a confirmation (issue 18)')
  const late = await x.app.inject({ url: `/verify/${x.addressToken}` })
  t.equal(late.statusCode, 410)
  t.equal((await x.apply()).statusCode, 400)
  t.equal(await x.candidateEmail(), 'old@example.com')
  const list = await x.app.inject({ url: '/api/v1/cases', headers: { authorization: `Bearer ${await apiTokenFor(x.app, x.admin)}` } })
  t.match(list.json().items[0].addressChange, { state: 'expired' }, 'the list shows it too')
})

t.test("the new address's owner can answer \"this wasn't me\"", async (t) => {
  const x = await openAddressChange(t)
  const page = await x.app.inject({ url: `/verify/${x.addressToken}` })
  const jar = new Jar()
  jar.store(page)
  const res = await x.app.inject({ method: 'POST', url: `/verify/${x.addressToken}/discard`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(page.body) }) })
  t.equal(res.statusCode, 200)
  t.match(res.body, sv.confirm.address.declinedTitle)
  t.match((await x.caseJson()).addressChange, { confirmedAt: null, state: 'declined' })
  t.equal((await x.apply()).statusCode, 400)
  t.equal((await x.app.inject({ url: `/verify/${x.addressToken}` })).statusCode, 410)
})

t.test('a rectification of something else, or to the same address, sends no second link', async (t) => {
  const ctx = await setup(t)
  for (const correct of ['070-123 45 67', 'SAME@example.com']) {
    await ctx.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'rectification', email: 'same@example.com', correct } })
    await ctx.flushMail()
    const mails = ctx.smtp.to('same@example.com')
    const token = linkIn(mails[mails.length - 1].parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!
    t.equal((await ctx.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })).statusCode, 200)
  }
  await ctx.flushMail()
  t.equal((await ctx.app.db.selectFrom('address_changes').select('id').execute()).length, 0)
  t.equal(ctx.smtp.received.filter((m) => m.parsed.subject === sv.confirm.address.emailSubject).length, 0)
})
