import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, Jar } from '../helpers/app.js'
import { createStaff, loginAs } from '../helpers/staff.js'

/** Issue 19 §1: /staff/admin/map and /staff/admin/readiness — admins only, CSRF, forms shown again with what was typed, every change audited. */

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return m ? unescape(m[1]) : null
}

/** What a browser would send for the form with this id: its text inputs, textareas, ticked boxes and chosen options. */
function formFields(html: string, id: string): URLSearchParams {
  const form = new RegExp(`<form[^>]*id="${id}"[\\s\\S]*?</form>`).exec(html)
  if (!form) throw new Error(`no form ${id}`)
  const out = new URLSearchParams()
  for (const m of form[0].matchAll(/<input[^>]*>/g)) {
    const type = attr(m[0], 'type')
    const name = attr(m[0], 'name')
    if (!name) continue
    if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(m[0])) continue
    out.append(name, attr(m[0], 'value') ?? '')
  }
  for (const m of form[0].matchAll(/<textarea[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) out.append(unescape(m[1]), unescape(m[2]))
  for (const m of form[0].matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)" selected>/.exec(m[2])
    out.append(m[1], chosen ? unescape(chosen[1]) : '')
  }
  return out
}

async function setup(t: Test) {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const admin = await createStaff(app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const get = async (url: string, j = jar) => {
    const res = await app.inject({ url, headers: { cookie: j.header } })
    j.store(res)
    return res
  }
  /** GETs the page, takes its form as the browser has it, changes what `edit` changes, posts it. */
  const submit = async (page: string, formId: string, edit: (f: URLSearchParams) => void, o: { action?: string } = {}) => {
    const html = (await get(page)).body
    const fields = formFields(html, formId)
    edit(fields)
    const action = o.action ?? /<form[^>]*action="([^"]*)"[^>]*id="map-form"|<form[^>]*id="map-form"[^>]*action="([^"]*)"/.exec(html)?.slice(1).find(Boolean)
    const res = await app.inject({ method: 'POST', url: action ?? page, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: fields.toString() })
    jar.store(res)
    return res
  }
  return { ...ctx, admin, jar, get, submit }
}

const audit = (app: FastifyInstance, action: string) => app.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute()

t.test('the map page: admins see purposes, systems and categories; others are refused', async (t) => {
  const { app, get } = await setup(t)
  const res = await get('/staff/admin/map')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.body, /<a href="\/staff\/admin\/map\/purposes\/events_travel">Företagsevent och resor<\/a>/)
  t.match(res.body, /<tr id="purpose-events_travel">[\s\S]*?<strong class="map-undecided">Inte beslutad<\/strong>/, 'an undecided basis stands out')
  t.match(res.body, /<tr id="purpose-newsletter">[\s\S]*?<td data-label="Rättslig grund">artikel 6\.1 f<\/td>\s*<td data-label="System">Nyhetsbrevsregistret<\/td>/)
  t.match(res.body, /<tr id="system-candidates">[\s\S]*?Portalens register[\s\S]*?Rekrytering \/ Recruitment/)
  t.match(res.body, /Myndigheter <span class="hint">\(authorities\)<\/span>/)
  t.match(res.body, /<a href="\/staff\/admin\/map"[^>]*>Datakarta<\/a>/, 'the admin nav links to it')
  const handler = await createStaff(app, { role: 'handler' })
  const hj = new Jar()
  await loginAs(app, hj, handler)
  t.equal((await get('/staff/admin/map', hj)).statusCode, 403)
  t.equal((await get('/staff/admin/readiness', hj)).statusCode, 403)
  t.notMatch((await get('/staff', hj)).body, /\/staff\/admin\/map/, 'and no link to it for others')
  const anon = await app.inject({ url: '/staff/admin/map' })
  t.equal(anon.statusCode, 303)
})

t.test('a purpose’s form: saved with its CSRF token and audited; refused without it; shown again with what was typed', async (t) => {
  const { app, admin, jar, get, submit } = await setup(t)
  const page = await get('/staff/admin/map/purposes/events_travel')
  t.equal(page.statusCode, 200)
  t.match(page.body, /<input type="radio" id="legalBasis-undecided" name="legalBasis.decided" value="no" checked>/)
  t.match(page.body, /<input type="checkbox" id="relationships-event_participant" name="relationships" value="event_participant" checked>/)
  t.match(page.body, /name="dataCategories.2.sv" value=""/, 'room for more categories')

  // Without the token: refused, nothing changed.
  const fields = formFields(page.body, 'map-form')
  fields.set('legalBasis.decided', 'yes')
  fields.delete('_csrf')
  const forged = await app.inject({ method: 'POST', url: '/staff/admin/map/purposes/events_travel', headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: fields.toString() })
  t.equal(forged.statusCode, 403)
  t.equal((await app.dataMap.purpose('events_travel')).legalBasis, null)

  // Problems: shown at their fields, with what was typed.
  const bad = await submit('/staff/admin/map/purposes/events_travel', 'map-form', (f) => {
    f.set('legalBasis.decided', 'yes')
    f.set('legalBasis.article', 'artikel 9')
    f.set('legalBasis.text.sv', 'Uttryckligt samtycke <till> allergiuppgifter.')
    f.set('title.sv', '')
    f.set('dataCategories.2.sv', 'Namn')
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /<div class="error-summary"/)
  t.match(bad.body, /<a href="#title-sv">Skriv texten på svenska\.<\/a>/)
  t.match(bad.body, /<a href="#legalBasis-article">Skriv artikeln som i exemplet Art\. 6\(1\)\(f\)/)
  t.match(bad.body, /<a href="#dataCategories-2-en">Skriv texten på engelska\.<\/a>/, 'a half-filled row')
  t.match(bad.body, /name="legalBasis.article" value="artikel 9"/, 'what was typed is kept')
  t.match(bad.body, />Uttryckligt samtycke &lt;till&gt; allergiuppgifter\.<\/textarea>/, 'escaped')
  t.match(bad.body, /value="yes" checked/)
  t.equal((await audit(app, 'datamap.purpose.update')).length, 0)

  const ok = await submit('/staff/admin/map/purposes/events_travel', 'map-form', (f) => {
    f.set('legalBasis.decided', 'yes')
    f.set('legalBasis.article', 'Art. 6(1)(a), Art. 9(2)(a)')
    f.set('legalBasis.text.sv', 'Uttryckligt samtycke.')
    f.set('legalBasis.text.en', 'Explicit consent.')
    f.set('dataCategories.1.sv', '')
    f.set('dataCategories.1.en', '')
  })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/staff/admin/map?saved=purpose')
  const saved = await app.dataMap.purpose('events_travel')
  t.same(saved.legalBasis, { article: 'Art. 6(1)(a), Art. 9(2)(a)', text: { sv: 'Uttryckligt samtycke.', en: 'Explicit consent.' } })
  t.equal(saved.dataCategories.length, 1, 'an emptied row is removed')
  t.same(saved.relationships, ['event_participant'], 'what was not touched stays')
  t.same(saved.note, { sv: 'Policyn anger inte den rättsliga grunden eller vilket undantag i artikel 9 som används för uppgifter om hälsa (matallergier). Normalt krävs uttryckligt samtycke (artikel 9.2 a), men det står inte i policyn.', en: 'The policy does not state the legal basis or which Article 9 exception applies to health data (food allergies). Explicit consent (Art. 9(2)(a)) would normally be needed, but the policy does not say so.' })
  const [row] = await audit(app, 'datamap.purpose.update')
  t.equal(row.actor_id, admin.id)
  const data = JSON.parse(row.data!)
  t.equal(data.before.legalBasis, null)
  t.equal(data.after.legalBasis.article, 'Art. 6(1)(a), Art. 9(2)(a)')
  t.match((await get('/staff/admin/map?saved=purpose')).body, /<div class="notice" role="status"><p>Ändamålet är sparat\.<\/p>/)
  t.equal((await get('/staff/admin/map/purposes/nope')).statusCode, 404)
})

t.test('systems by form: add, change, remove; keys taken and bad countries shown at their fields; registers stay', async (t) => {
  const { app, get, submit } = await setup(t)
  const add = (edit: (f: URLSearchParams) => void) =>
    submit('/staff/admin/map/new-system', 'map-form', (f) => {
      f.set('key', 'crm')
      f.set('name.sv', 'Kundregistret')
      f.set('name.en', 'Customer register')
      f.set('ownerTeam', 'customer_relations')
      f.append('purposes', 'customer_relations')
      f.append('purposes', 'customer_service')
      f.set('recipients.0.name.sv', 'Exempel CRM AB')
      f.set('recipients.0.name.en', 'Example CRM AB')
      f.set('transfers.0.country', 'GB')
      f.set('transfers.0.safeguard.sv', 'Beslut om adekvat skyddsnivå')
      f.set('transfers.0.safeguard.en', 'Adequacy decision')
      edit(f)
    })
  const badCountry = await add((f) => f.set('transfers.0.country', 'DE'))
  t.equal(badCountry.statusCode, 400)
  t.match(badCountry.body, /<a href="#transfers-0-country">Landet ligger inom EU\/EES/)
  t.match(badCountry.body, /name="key" value="crm"/, 'the key typed is kept')
  t.match(badCountry.body, /id="purposes-customer_service" name="purposes" value="customer_service" checked/)

  const created = await add(() => {})
  t.equal(created.statusCode, 303)
  t.equal(created.headers.location, '/staff/admin/map?saved=created')
  const crm = await app.dataMap.system('crm')
  t.match(crm, { kind: 'other', ownerTeam: { key: 'customer_relations' }, purposes: ['customer_service', 'customer_relations'], recipients: [{ name: { sv: 'Exempel CRM AB', en: 'Example CRM AB' }, description: { sv: '', en: '' } }], transfers: [{ country: 'GB' }] })
  t.equal((await audit(app, 'datamap.system.create')).length, 1)

  const taken = await add(() => {})
  t.equal(taken.statusCode, 409)
  t.match(taken.body, /<a href="#key">Det finns redan ett system med den nyckeln\.<\/a>/)

  const edit = await get('/staff/admin/map/systems/crm')
  t.match(edit.body, /name="transfers.0.country" value="GB"/)
  t.notMatch(edit.body, /name="key"/, 'the key cannot be changed')
  const changed = await submit('/staff/admin/map/systems/crm', 'map-form', (f) => {
    f.set('ownerTeam', '')
    f.set('transfers.0.country', '')
    f.set('transfers.0.safeguard.sv', '')
    f.set('transfers.0.safeguard.en', '')
  })
  t.equal(changed.statusCode, 303)
  t.match(await app.dataMap.system('crm'), { ownerTeam: null, transfers: [] })

  const removed = await submit('/staff/admin/map/systems/crm', 'map-delete', () => {}, { action: '/staff/admin/map/systems/crm/delete' })
  t.equal(removed.statusCode, 303)
  t.equal(removed.headers.location, '/staff/admin/map?saved=deleted')
  t.equal((await get('/staff/admin/map/systems/crm')).statusCode, 404)
  t.equal((await audit(app, 'datamap.system.delete')).length, 1)

  const register = await get('/staff/admin/map/systems/newsletter')
  t.match(register.body, /Ett av portalens egna register\. Det kan inte tas bort från kartan\./)
  t.notMatch(register.body, /\/delete"/, 'no remove button for a register')
  const refused = await submit('/staff/admin/map/systems/newsletter', 'map-form', () => {}, { action: '/staff/admin/map/systems/newsletter/delete' })
  t.equal(refused.statusCode, 409)
  t.match(refused.body, /Portalens egna register kan inte tas bort från kartan\./)
  t.ok(await app.dataMap.system('newsletter'))
})

t.test('readiness: what must be fixed, with links; ready once every purpose has a basis', async (t) => {
  const { app, get } = await setup(t)
  const en = await get('/staff/admin/readiness?lang=en')
  t.equal(en.statusCode, 200)
  t.match(en.body, /<ul class="readiness-problems"><li>The purpose “Company events and travel” has no decided legal basis\. <a href="\/staff\/admin\/map\/purposes\/events_travel">Fix<span class="visually-hidden">: Company events and travel<\/span><\/a><\/li>/)
  t.equal((en.body.match(/has no decided legal basis/g) ?? []).length, 5)
  t.match(en.body, /No system on the map serves the purpose “Questions from the public”/)
  const decided = { article: null, text: { sv: 'Beslutad.', en: 'Decided.' } }
  for (const p of await app.dataMap.purposes()) if (!p.legalBasis) await app.dataMap.updatePurpose({ type: 'system', id: null }, p.id, { legalBasis: decided })
  const sv = await get('/staff/admin/readiness?lang=sv')
  t.match(sv.body, /Kartan är redo att publiceras/)
  t.notMatch(sv.body, /readiness-problems/)
})
