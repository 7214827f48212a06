import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'
import { insertCandidate, insertSubscriber, unzip } from '../helpers/package.js'
import { staffActor } from '../../src/staff/actor.js'
import type { Lang } from '../../src/i18n/index.js'

/**
 * The package's information is tailored to where the person's data was found (IMY's Spotify
 * decision, 2023): the purposes, recipients and transfers of those systems on the data map, plus the
 * portal's own handling of their requests. Art. 15(1)(c) as read by the CJEU in C‑154/21 (Österreichische
 * Post): the recipients by name where we know them, categories only where we do not, and saying which.
 * Art. 15(2): the transfers outside the EU/EEA and their safeguards, or that there are none.
 */

const NOTE = 'INTERN-ANTECKNING: beslut om grund väntar'
const NOTE_EN = 'INTERNAL NOTE: basis decision pending'

async function setup(t: Test) {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { app } = ctx
  const admin = staffActor((await insertStaff(app, 'admin')).id)
  const handler = { id: (await insertStaff(app, 'handler')).id, role: 'handler' }
  // The newsletter register: a named recipient and a transfer to the USA; an internal note on its purpose.
  await app.dataMap.updateSystem(admin, 'newsletter', {
    recipients: [{ name: { sv: 'Exempel Utskick AB', en: 'Example Mailing Ltd' }, description: { sv: 'Skickar nyhetsbrevet åt oss.', en: 'Sends the newsletter for us.' } }],
    transfers: [{ country: 'US', safeguard: { sv: 'EU–US Data Privacy Framework', en: 'EU–US Data Privacy Framework' } }],
  })
  await app.dataMap.updatePurpose(admin, 'newsletter', { note: { sv: NOTE, en: NOTE_EN } })
  // A system that holds other people's data: never in the package of someone not found there.
  await app.dataMap.createSystem(admin, {
    key: 'crm',
    name: { sv: 'Kundregistret', en: 'Customer register' },
    kind: 'other',
    ownerTeam: 'marketing',
    purposes: ['customer_relations'],
    dataCategories: [{ sv: 'Namn', en: 'Name' }],
    recipients: [{ name: { sv: 'CRM-leverantören Moln AB', en: 'CRM vendor Cloud Ltd' }, description: { sv: 'Driftar kundregistret.', en: 'Runs the customer register.' } }],
    transfers: [{ country: 'IN', safeguard: { sv: 'Standardavtalsklausuler', en: 'Standard contractual clauses' } }],
  })
  const compile = async (email: string, lang: Lang) => {
    const { case: c } = await openCase(ctx, { type: 'access', email, lang, relationship: 'other' })
    await app.accessPackages.compile(handler, c.id, lang)
    const p = (await app.accessPackages.find(c.id))!
    const files = await unzip((await app.accessPackages.buildZip(c, p)).zip)
    const json = files.get('data.json')!.toString('utf8')
    return { doc: JSON.parse(json), json, html: files.get('report.html')!.toString('utf8') }
  }
  return { ...ctx, admin, compile }
}

t.test('found only in the newsletter register: only its purpose (and request handling), its named recipients and transfers, no internal note', async (t) => {
  const ctx = await setup(t)
  for (const lang of ['sv', 'en'] as const) {
    const email = `nina-${lang}@example.se`
    await insertSubscriber(ctx.app, email, { name: 'Nina' })
    const { doc, json, html } = await ctx.compile(email, lang)
    const info = doc.information
    const audit = await ctx.app.db.selectFrom('audit_log').select('data').where('action', '=', 'package.compile').orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.same(JSON.parse(audit.data!).systems, ['newsletter'], `${lang}: the audit log says which systems the information was tailored to`)
    t.equal(doc.version, 2, `${lang}: data.json version 2`)
    // The shape docs/access-packages.md documents.
    t.same(Object.keys(info).sort(), ['automatedDecisionMaking', 'complaint', 'purposes', 'recipientCategories', 'recipients', 'rights', 'sources', 'systems', 'transfers', 'unnamedRecipients'], `${lang}: information's fields`)
    t.same(Object.keys(info.purposes[0]).sort(), ['automatedDecisions', 'collectedFromYou', 'dataCategories', 'description', 'id', 'legalBasis', 'retention', 'source', 'systems', 'title'], `${lang}: a purpose's fields`)
    t.same(Object.keys(info.recipientCategories[0]).sort(), ['description', 'general', 'key', 'name'])
    t.same(info.systems.map((s: { key: string }) => s.key), ['newsletter', 'requests'], `${lang}: found in the newsletter register (and the portal's own records)`)
    // Relationship "other" no longer pulls in the employee and processor purposes.
    t.same(info.purposes.map((p: { id: string; systems: string[] }) => [p.id, p.systems]), [['newsletter', ['newsletter']], ['request_handling', ['requests']]], `${lang}: only the newsletter purpose and the request handling, each with the systems that made it apply`)
    // Art. 15(1)(c), C‑154/21: the actual recipient by name.
    t.same(info.recipients.map((r: { name: string; system: string }) => [r.name, r.system]), [[lang === 'sv' ? 'Exempel Utskick AB' : 'Example Mailing Ltd', 'newsletter']], `${lang}: Art. 15(1)(c) names the newsletter system's recipient`)
    t.same(info.unnamedRecipients, [], `${lang}: no system left with categories only`)
    t.match(html, lang === 'sv' ? /Exempel Utskick AB/ : /Example Mailing Ltd/, `${lang}: report.html names the recipient`)
    t.match(html, lang === 'sv' ? /Mottagare \(artikel 15\.1 c\)/ : /Recipients \(Article 15\(1\)\(c\)\)/, `${lang}: the Art. 15(1)(c) section`)
    // Art. 15(2): the US transfer, the country named in the language, with the safeguard.
    t.same(info.transfers, [{ country: 'US', countryName: lang === 'sv' ? 'USA' : 'United States', safeguard: 'EU–US Data Privacy Framework', system: 'newsletter' }], `${lang}: Art. 15(2) transfer`)
    t.match(html, lang === 'sv' ? /USA: EU–US Data Privacy Framework \(Nyhetsbrevsregistret\)/ : /United States: EU–US Data Privacy Framework \(Newsletter register\)/, `${lang}: report.html lists the transfer`)
    t.match(html, lang === 'sv' ? /Överföring till länder utanför EU\/EES \(artikel 15\.2\)/ : /Transfers to countries outside the EU\/EEA \(Article 15\(2\)\)/)
    // Nothing from the system where they were not found.
    for (const text of ['CRM', 'crm', 'customer_relations', 'Kundrelationer', 'Customer relationships', 'Standardavtalsklausuler', 'Standard contractual clauses']) {
      t.notMatch(json, text, `${lang}: data.json has nothing of the crm system (${text})`)
      t.notMatch(html, text, `${lang}: report.html has nothing of the crm system (${text})`)
    }
    for (const id of ['employment', 'processor_for_clients']) t.notMatch(json, `"${id}"`, `${lang}: no ${id} for relationship "other"`)
    // The internal note on the purpose is never copied.
    for (const [name, text] of [['data.json', json], ['report.html', html]]) {
      t.notMatch(text, NOTE, `${lang}: ${name} carries no internal note`)
      t.notMatch(text, NOTE_EN, `${lang}: ${name} carries no internal note (en)`)
      t.notMatch(text, '"note"', `${lang}: ${name} has no note field`)
    }
  }
})

t.test('Art. 15(2) says there are none; Art. 15(1)(c) says where only categories are recorded; an undecided basis has no basis line', async (t) => {
  const ctx = await setup(t)
  const { app, admin } = ctx
  await app.dataMap.updatePurpose(admin, 'recruitment', { legalBasis: null })
  await insertCandidate(app, 'kim@example.se', { name: 'Kim' })
  const { doc, json, html } = await ctx.compile('kim@example.se', 'sv')
  const info = doc.information
  t.same(info.purposes.map((p: { id: string }) => p.id), ['recruitment', 'request_handling'])
  t.equal(info.purposes[0].legalBasis, null, 'undecided: no basis in data.json')
  const recruitment = html.slice(html.indexOf('Ändamål: '), html.indexOf('Ändamål: ', html.indexOf('Ändamål: ') + 1))
  t.notMatch(recruitment, /Rättslig grund/, 'no basis line for the undecided basis')
  t.match(html.slice(html.lastIndexOf('Ändamål: ')), /Rättslig grund<\/th><td>artikel 6\.1 c/, 'the decided one has its line')
  t.notMatch(html, /Policyn anger ingen rättslig grund/, 'no placeholder basis')
  t.same(info.transfers, [], 'no transfers')
  t.match(html, /Inget av de system där vi fann uppgifter om dig överför dem till ett land utanför EU\/EES\./, 'Art. 15(2): says there are none')
  t.notMatch(json, 'Data Privacy Framework', "the newsletter system's transfer is not theirs")
  t.notMatch(json, 'Exempel Utskick AB', "nor its recipient")
  t.same(info.recipients, [], 'no recipient recorded by name for the candidate register')
  t.same(info.unnamedRecipients.map((u: { system: string }) => u.system), ['candidates'], 'which system has categories only')
  t.match(html, /Vi har inte registrerat mottagarna av uppgifterna i detta system med namn, bara vilka slags mottagare de är:|Vi har inte registrerat några mottagare av uppgifterna i detta system\./, 'the report says so')
  t.match(html, /Myndigheter/, 'the general categories')
})

t.test('nothing found anywhere: only the request handling, no transfers', async (t) => {
  const ctx = await setup(t)
  const { doc, html } = await ctx.compile('nobody@example.se', 'en')
  t.same(doc.information.systems.map((s: { key: string }) => s.key), ['requests'])
  t.same(doc.information.purposes.map((p: { id: string }) => p.id), ['request_handling'])
  t.match(html, /None of the systems where we found data about you transfers it/)
})
