import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'
import { insertCandidate, insertSubscriber } from '../helpers/package.js'
import { createStaff, loginAs } from '../helpers/staff.js'
import { Jar } from '../helpers/app.js'
import { checklistFor, markRecipient } from '../../src/registers/recipient-checklist.js'
import { staffActor } from '../../src/staff/actor.js'

/**
 * Art. 19: after an erasure, rectification or restriction, each recipient to whom the data was
 * disclosed is told. The checklist is built from the recipients of the systems on the data map
 * where the person's data was found, by name where the map names them (Art. 15(1)(c) as the CJEU
 * read it in C‑154/21), not from the relationship the requester stated.
 */

async function setup(t: Test) {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { app } = ctx
  const admin = staffActor((await insertStaff(app, 'admin')).id)
  await app.dataMap.updateSystem(admin, 'newsletter', { recipients: [{ name: { sv: 'Exempel Utskick AB', en: 'Example Mailing Ltd' }, description: { sv: 'Skickar nyhetsbrevet åt oss.', en: 'Sends the newsletter for us.' } }] })
  await app.dataMap.updateSystem(admin, 'candidates', { recipients: [{ name: { sv: 'Rekryteringspartner AB', en: 'Recruitment Partner AB' }, description: { sv: '', en: '' } }] })
  await app.dataMap.createSystem(admin, {
    key: 'crm',
    name: { sv: 'Kundregistret', en: 'Customer register' },
    kind: 'other',
    ownerTeam: 'marketing',
    purposes: ['customer_relations'],
    dataCategories: [{ sv: 'Namn', en: 'Name' }],
    recipients: [{ name: { sv: 'CRM-leverantören Moln AB', en: 'CRM vendor Cloud Ltd' }, description: { sv: 'Driftar kundregistret.', en: 'Runs the customer register.' } }],
    transfers: [],
  })
  const staff = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  return { ...ctx, staff, jar }
}

t.test('an erasure for a newsletter subscriber: the newsletter system’s recipients by name, not the relationship’s', async (t) => {
  const ctx = await setup(t)
  const { app } = ctx
  await insertSubscriber(app, 'nina@example.se', { name: 'Nina' })
  // customer_contact once pulled in customer relations and its subcontractors; she is found only in the newsletter register.
  const { case: c } = await openCase(ctx, { type: 'erasure', email: 'nina@example.se', relationship: 'customer_contact' })
  const items = await checklistFor(app.db, await app.cases.get(c.id), 'sv', app.config.suppressionKey)
  t.same(items.filter((i) => i.system).map((i) => [i.id, i.name, i.system]), [['newsletter:example-mailing-ltd', 'Exempel Utskick AB', 'Nyhetsbrevsregistret']], 'the recipient recorded for the newsletter system, by name')
  t.same(items.filter((i) => !i.system).map((i) => i.id), ['service_providers', 'payment_providers_banks', 'authorities'], 'and the general categories')
  for (const name of ['CRM-leverantören Moln AB', 'Underkonsulter', 'Rekryteringspartner AB']) t.notOk(items.some((i) => i.name === name), `not ${name}: no data of hers there`)

  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: ctx.jar.header } })
  t.match(page.body, /<strong>Exempel Utskick AB<\/strong>/, 'the case page lists it')
  t.match(page.body, /Får uppgifter från: Nyhetsbrevsregistret/)
  t.match(page.body, 'name="recipient" value="newsletter:example-mailing-ltd"')
  t.notMatch(page.body, /CRM-leverantören/)

  const current = await app.cases.get(c.id)
  await markRecipient(app.db, current, { recipient: 'newsletter:example-mailing-ltd', status: 'notified' }, ctx.staff.id, app.clock(), app.config.suppressionKey)
  t.equal((await checklistFor(app.db, current, 'en', app.config.suppressionKey)).find((i) => i.id === 'newsletter:example-mailing-ltd')?.status, 'notified')
  await t.rejects(markRecipient(app.db, current, { recipient: 'crm:crm-vendor-cloud-ltd', status: 'notified' }, ctx.staff.id, app.clock(), app.config.suppressionKey), { code: 'unknown_recipient' }, 'a recipient of a system where nothing was found is refused')
})

t.test('found nowhere: the checklist says there is no recipient to tell', async (t) => {
  const ctx = await setup(t)
  const { case: c } = await openCase(ctx, { type: 'restriction', email: 'nobody@example.se' })
  t.same(await checklistFor(ctx.app.db, await ctx.app.cases.get(c.id), 'sv', ctx.app.config.suppressionKey), [])
  const page = await ctx.app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: ctx.jar.header } })
  t.match(page.body, /Mottagare att underrätta \(artikel 19\)/)
  t.match(page.body, /Inga uppgifter om personen fanns i de system som finns i datakartan/)
})

t.test('a withdrawal that erases the candidate keeps the candidate register’s recipients on the list', async (t) => {
  const ctx = await setup(t)
  const { app } = ctx
  await insertCandidate(app, 'kim@example.se', { name: 'Kim' })
  await app.intake.submit(
    { type: 'withdraw_consent', email: 'kim@example.se', name: 'Kim', relationship: 'candidate', consentKind: 'recruitment', details: null, incorrect: null, correct: null, keepData: false } as never,
    { ip: '192.0.2.1', lang: 'sv', channel: 'web' },
  )
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('kim@example.se') && /\/verify\//.test(m.parsed.text ?? ''))
  const confirmed = await app.intake.confirm(/\/verify\/([A-Za-z0-9_-]{43})/.exec(mails[0].parsed.text ?? '')![1])
  if (confirmed.state !== 'confirmed') throw new Error(confirmed.state)
  const c = await app.cases.get(confirmed.case.id)
  t.equal(c.status, 'completed', 'erased at once')
  t.equal((await app.db.selectFrom('candidates').select('email_normalized').executeTakeFirstOrThrow()).email_normalized, null, 'the address is gone from the register')
  const items = await checklistFor(app.db, c, 'sv', app.config.suppressionKey)
  t.ok(items.some((i) => i.id === 'candidates:recruitment-partner-ab' && i.status === 'pending'), 'the recipient of the register it was found in, kept after the erasure')
  t.notOk(items.some((i) => i.id.startsWith('newsletter:')), 'not the newsletter register’s')
})
