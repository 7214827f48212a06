import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff } from '../helpers/cases.js'
import { apiTokenFor } from '../helpers/staff.js'

/** Issue 19 §1: the data map's API — names, shapes, status codes, roles, validation and the audit log. */

async function setup(t: Test) {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const admin = await insertStaff(app, 'admin')
  const handler = await insertStaff(app, 'handler')
  const viewer = await insertStaff(app, 'viewer')
  const tokens = { admin: await apiTokenFor(app, admin), handler: await apiTokenFor(app, handler), viewer: await apiTokenFor(app, viewer) }
  const call = (who: keyof typeof tokens | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, lang = 'en') =>
    app.inject({ method, url, payload: payload as never, headers: { 'accept-language': lang, ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}) } })
  return { ...ctx, admin, call }
}

async function auditRows(app: FastifyInstance, action: string) {
  const rows = await app.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute()
  return rows.map((r) => ({ ...r, data: r.data === null ? null : JSON.parse(r.data) }))
}

const NEWSLETTER_TOOL = {
  key: 'mailer',
  name: { sv: 'Utskicksverktyget', en: 'Mailing tool' },
  ownerTeam: 'marketing',
  purposes: ['newsletter'],
  dataCategories: [{ sv: 'E-postadress', en: 'Email address' }],
  recipients: [{ name: { sv: 'Exempel Mail Inc.', en: 'Example Mail Inc.' }, description: { sv: 'Skickar nyhetsbrevet åt oss.', en: 'Sends the newsletter for us.' } }],
  transfers: [{ country: 'US', safeguard: { sv: 'EU–US Data Privacy Framework', en: 'EU–US Data Privacy Framework' } }],
}

t.test('GET /api/v1/purposes: every purpose, bilingual, undecided bases null, for a viewer', async (t) => {
  const { call } = await setup(t)
  t.equal((await call(null, 'GET', '/api/v1/purposes')).statusCode, 401)
  const res = await call('viewer', 'GET', '/api/v1/purposes')
  t.equal(res.statusCode, 200)
  const { items } = res.json()
  t.same(items.map((p: { id: string }) => p.id), ['employment', 'recruitment', 'events_travel', 'questions', 'customer_service', 'product_development', 'statistics_advertising', 'newsletter', 'customer_relations', 'processor_for_clients'])
  const byId = new Map(items.map((p: { id: string }) => [p.id, p]))
  const events = byId.get('events_travel') as Record<string, unknown>
  t.equal(events.legalBasis, null, 'undecided is null')
  t.match(events, { title: { sv: 'Företagsevent och resor', en: 'Company events and travel' }, relationships: ['event_participant'], sensitive: true, recipientCategories: ['conference_venues', 'travel_agencies'], systems: [] })
  for (const field of ['id', 'title', 'description', 'legalBasis', 'dataCategories', 'retention', 'relationships']) t.ok(field in events, `the contract's field ${field}`)
  t.same((byId.get('newsletter') as { legalBasis: unknown }).legalBasis, { article: 'Art. 6(1)(f)', text: { sv: 'Intresseavvägning: vi behöver kunna marknadsföra oss för att bedriva verksamhet på lång sikt.', en: 'Legitimate interest: we need to be able to market ourselves to run our business in the long term.' } })
  t.same((byId.get('newsletter') as { systems: string[] }).systems, ['newsletter'], 'the systems that serve it')
  t.same((byId.get('customer_relations') as { relationships: string[] }).relationships, ['customer_contact'], "today's mapping")
})

t.test('PUT /api/v1/purposes/:id: admins only; fields left out keep their values; every change audited with before and after', async (t) => {
  const { app, call, admin } = await setup(t)
  const basis = { article: 'Art. 6(1)(a), Art. 9(2)(a)', text: { sv: 'Uttryckligt samtycke.', en: 'Explicit consent.' } }
  t.equal((await call('handler', 'PUT', '/api/v1/purposes/events_travel', { legalBasis: basis })).statusCode, 403)
  t.equal((await call('viewer', 'PUT', '/api/v1/purposes/events_travel', { legalBasis: basis })).statusCode, 403)
  const res = await call('admin', 'PUT', '/api/v1/purposes/events_travel', { legalBasis: basis })
  t.equal(res.statusCode, 200)
  const saved = res.json()
  t.same(saved.legalBasis, basis)
  t.same(saved.title, { sv: 'Företagsevent och resor', en: 'Company events and travel' }, 'the title was left out and kept')
  t.equal(saved.updatedAt, app.clock().toISOString())
  const [row] = await auditRows(app, 'datamap.purpose.update')
  t.equal(row.actor_type, 'staff')
  t.equal(row.actor_id, admin.id, 'who')
  t.equal(row.at, app.clock().toISOString(), 'when')
  t.equal(row.target, 'purpose:events_travel')
  t.equal(row.data.before.legalBasis, null, 'before')
  t.same(row.data.after.legalBasis, basis, 'after')

  // What GET gives can be sent back as it is; nothing changed, nothing logged.
  const all = (await call('viewer', 'GET', '/api/v1/purposes')).json().items
  const again = await call('admin', 'PUT', '/api/v1/purposes/events_travel', all.find((p: { id: string }) => p.id === 'events_travel'))
  t.equal(again.statusCode, 200)
  t.equal((await auditRows(app, 'datamap.purpose.update')).length, 1, 'an unchanged purpose is not logged again')

  // Back to undecided.
  t.equal((await call('admin', 'PUT', '/api/v1/purposes/events_travel', { legalBasis: null })).json().legalBasis, null)
  t.equal((await auditRows(app, 'datamap.purpose.update')).length, 2)
})

t.test('PUT /api/v1/purposes/:id refuses bad values with a message per field, in the caller’s language', async (t) => {
  const { call } = await setup(t)
  const res = await call('admin', 'PUT', '/api/v1/purposes/newsletter', {
    title: { sv: ' ', en: 'Newsletter' },
    legalBasis: { article: '6.1 f', text: { sv: 'Intresseavvägning.', en: '' } },
    dataCategories: [],
    relationships: ['newsletter', 'newsletter'],
    recipientCategories: ['nope'],
  })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.equal(body.error, 'invalid_body')
  t.same(Object.keys(body.fields).sort(), ['dataCategories', 'legalBasis.article', 'legalBasis.text.en', 'recipientCategories.0', 'relationships.1', 'title.sv'])
  t.equal(body.fields['title.sv'], 'Write the text in Swedish.')
  t.match(body.fields['legalBasis.article'], /Art\. 6\(1\)\(f\)/)
  const sv = await call('admin', 'PUT', '/api/v1/purposes/newsletter', { title: { sv: '', en: 'x' } }, 'sv')
  t.equal(sv.json().fields['title.sv'], 'Skriv texten på svenska.')
  // The schema: a relationship not on the list, a field that does not exist.
  const schema = await call('admin', 'PUT', '/api/v1/purposes/newsletter', { relationships: ['friend'], colour: 'red' })
  t.equal(schema.statusCode, 400)
  t.ok(schema.json().fields['relationships.0'] && schema.json().fields.colour)
  t.equal((await call('admin', 'PUT', '/api/v1/purposes/nope', { sensitive: false })).statusCode, 404)
  t.equal((await call('admin', 'PUT', '/api/v1/purposes/nope', { sensitive: false })).json().error, 'not_found')
})

t.test('systems: list, create (201), change (a field left out keeps its value), delete (204); registers stay (409)', async (t) => {
  const { app, call, admin } = await setup(t)
  const list = await call('viewer', 'GET', '/api/v1/systems')
  t.equal(list.statusCode, 200)
  t.same(list.json().items.map((s: { key: string; kind: string; ownerTeam: string }) => [s.key, s.kind, s.ownerTeam]), [['candidates', 'register', 'recruitment'], ['newsletter', 'register', 'marketing']])
  for (const field of ['key', 'name', 'kind', 'ownerTeam', 'purposes', 'dataCategories', 'recipients', 'transfers']) t.ok(field in list.json().items[0], `the contract's field ${field}`)

  t.equal((await call('handler', 'POST', '/api/v1/systems', NEWSLETTER_TOOL)).statusCode, 403)
  const created = await call('admin', 'POST', '/api/v1/systems', NEWSLETTER_TOOL)
  t.equal(created.statusCode, 201)
  t.match(created.json(), { ...NEWSLETTER_TOOL, kind: 'other' })
  t.equal((await call('admin', 'POST', '/api/v1/systems', NEWSLETTER_TOOL)).statusCode, 409, 'a key taken')
  t.equal((await call('admin', 'POST', '/api/v1/systems', NEWSLETTER_TOOL)).json().error, 'key_taken')

  const changed = await call('admin', 'PUT', '/api/v1/systems/mailer', { ownerTeam: null, transfers: [] })
  t.equal(changed.statusCode, 200)
  t.match(changed.json(), { key: 'mailer', ownerTeam: null, transfers: [], recipients: NEWSLETTER_TOOL.recipients, purposes: ['newsletter'], name: NEWSLETTER_TOOL.name })
  const [update] = await auditRows(app, 'datamap.system.update')
  t.equal(update.actor_id, admin.id)
  t.match(update.data, { before: { ownerTeam: 'marketing', transfers: NEWSLETTER_TOOL.transfers }, after: { ownerTeam: null, transfers: [] } })
  const [create] = await auditRows(app, 'datamap.system.create')
  t.match(create.data, { before: null, after: { key: 'mailer', name: NEWSLETTER_TOOL.name } })

  // A register's purposes and owner may change; its key and kind may not.
  t.equal((await call('admin', 'PUT', '/api/v1/systems/newsletter', { recipients: NEWSLETTER_TOOL.recipients })).statusCode, 200)
  const fixed = await call('admin', 'PUT', '/api/v1/systems/newsletter', { key: 'other_name', kind: 'other' })
  t.equal(fixed.statusCode, 400)
  t.same(Object.keys(fixed.json().fields).sort(), ['key', 'kind'])

  t.equal((await call('handler', 'DELETE', '/api/v1/systems/mailer')).statusCode, 403)
  const kept = await call('admin', 'DELETE', '/api/v1/systems/newsletter')
  t.equal(kept.statusCode, 409)
  t.equal(kept.json().error, 'register_kept')
  t.equal((await call('admin', 'DELETE', '/api/v1/systems/nope')).statusCode, 404)
  const gone = await call('admin', 'DELETE', '/api/v1/systems/mailer')
  t.equal(gone.statusCode, 204)
  t.equal(gone.body, '')
  t.same((await call('viewer', 'GET', '/api/v1/systems')).json().items.map((s: { key: string }) => s.key), ['candidates', 'newsletter'])
  t.same(await app.db.selectFrom('system_purposes').select('system_key').where('system_key', '=', 'mailer').execute(), [], 'its links went with it')
  const [deleted] = await auditRows(app, 'datamap.system.delete')
  t.match(deleted.data, { before: { key: 'mailer', ownerTeam: null }, after: null })
  t.equal((await call('admin', 'PUT', '/api/v1/systems/mailer', { ownerTeam: null })).statusCode, 404)
})

t.test('systems: unknown purposes, bad keys, teams and countries are 400 with field errors', async (t) => {
  const { call } = await setup(t)
  const res = await call('admin', 'POST', '/api/v1/systems', {
    key: 'Google Analytics',
    name: { sv: 'Google Analytics', en: '' },
    kind: 'register',
    ownerTeam: 'nobody',
    purposes: ['statistics_advertising', 'astrology'],
    transfers: [{ country: 'SE', safeguard: { sv: 'x', en: 'x' } }, { country: 'XX', safeguard: { sv: 'x', en: 'x' } }],
    recipients: [{ name: { sv: 'Google', en: 'Google' }, description: { sv: 'Bara svenska', en: '' } }],
  })
  t.equal(res.statusCode, 400)
  t.same(Object.keys(res.json().fields).sort(), ['key', 'kind', 'name.en', 'ownerTeam', 'purposes.1', 'recipients.0.description.en', 'transfers.0.country', 'transfers.1.country'])
  t.equal(res.json().fields['purposes.1'], 'There is no such purpose on the map.')
  t.notMatch(JSON.stringify(res.json()), /astrology|nobody/, 'what was sent is not echoed')
  t.equal((await call('admin', 'POST', '/api/v1/systems', { name: NEWSLETTER_TOOL.name })).statusCode, 400, 'a key is required')
  const ok = await call('admin', 'POST', '/api/v1/systems', { key: 'google-analytics', name: { sv: 'Google Analytics', en: 'Google Analytics' }, transfers: [{ country: 'us', safeguard: { sv: 'Standardavtalsklausuler', en: 'Standard contractual clauses' } }] })
  t.equal(ok.statusCode, 201)
  t.same(ok.json().transfers[0].country, 'US', 'a country code is upper-cased')
  t.same(ok.json().purposes, [])
  t.equal(ok.json().ownerTeam, null)
})

t.test('GET /api/v1/recipient-categories: the policy’s categories', async (t) => {
  const { call } = await setup(t)
  const res = await call('viewer', 'GET', '/api/v1/recipient-categories')
  t.equal(res.statusCode, 200)
  t.equal(res.json().items.length, 7)
  t.match(res.json().items[5], { key: 'authorities', general: true, name: { sv: 'Myndigheter', en: 'Public authorities' } })
})

t.test('mapForSystems: the systems, purposes, recipients and transfers for some system keys', async (t) => {
  const { app, call } = await setup(t)
  await call('admin', 'POST', '/api/v1/systems', { ...NEWSLETTER_TOOL, purposes: ['newsletter', 'customer_relations'] })
  const extract = await app.dataMap.forSystems(['mailer', 'nope'])
  t.same(extract.systems.map((s) => s.key), ['mailer'], 'unknown keys are left out')
  t.same(extract.purposes.map((p) => [p.id, p.systems]), [['newsletter', ['mailer']], ['customer_relations', ['mailer']]], 'in the map’s order, with the systems that made each apply')
  t.same(extract.recipients, [{ ...NEWSLETTER_TOOL.recipients[0], system: 'mailer' }])
  t.same(extract.transfers, [{ ...NEWSLETTER_TOOL.transfers[0], system: 'mailer' }])
  t.same(extract.recipientCategories.map((c) => c.key), ['subcontractors'], 'the categories of those purposes')
  const registers = await app.dataMap.forSystems(['newsletter'])
  t.same(registers.purposes.map((p) => p.id), ['newsletter'])
  t.same(registers.recipients, [])
  t.same(registers.transfers, [])
  t.same((await app.dataMap.forSystems([])).purposes, [])
})
