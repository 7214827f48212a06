import t, { type Test } from 'tap'
import {
  controller,
  localise,
  purposes,
  purposesFor,
  recipients,
  recipientsFor,
  relationships,
  rightsSummary,
  type Text,
} from '../../src/registers/processing-register.js'

function isText(v: unknown): v is Text {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'sv' in v && 'en' in v
}

/** Walk any value and collect every object that has an `sv` or `en` key. */
function collectTexts(v: unknown, path: string, out: Array<{ path: string; value: Record<string, unknown> }>) {
  if (Array.isArray(v)) {
    v.forEach((item, i) => collectTexts(item, `${path}[${i}]`, out))
  } else if (typeof v === 'object' && v !== null) {
    const obj = v as Record<string, unknown>
    if ('sv' in obj || 'en' in obj) {
      out.push({ path, value: obj })
      return
    }
    for (const [k, child] of Object.entries(obj)) collectTexts(child, `${path}.${k}`, out)
  }
}

function checkTexts(t: Test, root: unknown, name: string) {
  const found: Array<{ path: string; value: Record<string, unknown> }> = []
  collectTexts(root, name, found)
  t.ok(found.length > 0, `${name} has Text fields`)
  for (const { path, value } of found) {
    t.same(Object.keys(value).sort(), ['en', 'sv'], `${path} has exactly sv and en`)
    for (const lang of ['sv', 'en'] as const) {
      const s = value[lang]
      t.ok(typeof s === 'string' && s.trim().length > 0, `${path}.${lang} is a non-empty string`)
    }
  }
}

const SNAKE = /^[a-z]+(_[a-z]+)*$/
const ARTICLE_6 = /^Art\. 6\(1\)\([a-f]\)$/

t.test('every Text field has non-empty sv and en', (t) => {
  checkTexts(t, controller, 'controller')
  checkTexts(t, recipients, 'recipients')
  checkTexts(t, purposes, 'purposes')
  checkTexts(t, rightsSummary, 'rightsSummary')
  t.end()
})

t.test('ids are unique and snake_case', (t) => {
  for (const [name, list] of [
    ['purposes', purposes],
    ['recipients', recipients],
    ['rightsSummary', rightsSummary],
  ] as const) {
    const ids = list.map((x) => x.id)
    t.equal(new Set(ids).size, ids.length, `${name} ids are unique`)
    for (const id of ids) t.match(id, SNAKE, `${name} id ${id} is snake_case`)
  }
  t.end()
})

t.test('purposes are well-formed', (t) => {
  const recipientIds = new Set(recipients.map((r) => r.id))
  for (const p of purposes) {
    for (const r of p.recipientIds) t.ok(recipientIds.has(r), `${p.id}: recipient ${r} exists`)
    t.equal(new Set(p.recipientIds).size, p.recipientIds.length, `${p.id}: no duplicate recipients`)
    t.ok(p.dataCategories.length > 0, `${p.id}: has data categories`)
    t.ok(p.relationships.length > 0, `${p.id}: applies to at least one relationship`)
    for (const rel of p.relationships) t.ok(relationships.includes(rel), `${p.id}: relationship ${rel} is known`)
    t.equal(p.automatedDecisions, false, `${p.id}: no automated decisions`)
    t.ok(p.role === 'controller' || p.role === 'processor', `${p.id}: role`)
    if (p.legalBasis.article === null) {
      // If the policy is silent, the basis text must say so (or, for
      // processing as a processor, that the client owns the basis).
      t.ok(isText(p.legalBasis.text), `${p.id}: basis text present`)
      if (p.role === 'controller') {
        t.match(p.legalBasis.text.sv, /policyn/i, `${p.id}: sv says the policy is silent`)
        t.match(p.legalBasis.text.en, /policy/i, `${p.id}: en says the policy is silent`)
      }
    } else {
      t.match(p.legalBasis.article, ARTICLE_6, `${p.id}: article looks like Art. 6(1)(x)`)
    }
    if (p.sensitive) t.ok(p.note, `${p.id}: sensitive purpose carries a note`)
  }
  t.end()
})

t.test('recipients are well-formed', (t) => {
  for (const r of recipients) {
    t.ok(
      r.role === undefined || r.role === 'processor' || r.role === 'independent_controller',
      `${r.id}: role is processor, independent_controller or undefined`,
    )
    t.equal(typeof r.general, 'boolean', `${r.id}: general flag`)
  }
  for (const id of [
    'conference_venues',
    'travel_agencies',
    'subcontractors',
    'service_providers',
    'payment_providers_banks',
    'authorities',
  ]) {
    t.ok(recipients.some((r) => r.id === id), `recipient ${id} exists`)
  }
  t.end()
})

t.test('key facts from the policy', (t) => {
  const byId = (id: string) => {
    const p = purposes.find((x) => x.id === id)
    if (!p) throw new Error(`missing purpose ${id}`)
    return p
  }
  for (const id of [
    'employment',
    'recruitment',
    'events_travel',
    'questions',
    'customer_service',
    'product_development',
    'statistics_advertising',
    'newsletter',
    'customer_relations',
    'processor_for_clients',
  ]) {
    t.ok(purposes.some((p) => p.id === id), `purpose ${id} exists`)
  }

  const recruitment = byId('recruitment')
  t.match(recruitment.retention.sv, /(tre|3) år/, 'recruitment retention: 3 years (sv)')
  t.match(recruitment.retention.en, /(three|3) years/, 'recruitment retention: 3 years (en)')
  t.equal(recruitment.legalBasis.article, 'Art. 6(1)(a)', 'recruitment is consent')

  t.equal(byId('newsletter').legalBasis.article, 'Art. 6(1)(f)', 'newsletter is legitimate interest')
  t.equal(byId('customer_service').legalBasis.article, 'Art. 6(1)(f)', 'support is legitimate interest')
  t.equal(byId('employment').legalBasis.article, 'Art. 6(1)(b)', 'employment is contract')

  const events = byId('events_travel')
  t.equal(events.sensitive, true, 'events involve sensitive data')
  t.same([...events.recipientIds].sort(), ['conference_venues', 'travel_agencies'])
  // The policy does not state a basis for health data: if the register claims
  // explicit consent, it must be flagged in a note.
  const claimsConsent = /uttryckligt samtycke|explicit consent/i.test(
    events.legalBasis.text.sv + events.legalBasis.text.en,
  )
  if (claimsConsent || events.legalBasis.article !== null) {
    t.ok(events.note && /policy|policyn/i.test(events.note.en + events.note.sv), 'basis flagged in note')
  }

  t.match(byId('questions').retention.sv, /radera/i, 'questions: emails deleted (sv)')
  t.match(byId('questions').retention.en, /delete/i, 'questions: emails deleted (en)')

  const processor = byId('processor_for_clients')
  t.equal(processor.role, 'processor')
  for (const p of purposes) if (p.id !== 'processor_for_clients') t.equal(p.role, 'controller', `${p.id} is controller`)

  t.end()
})

t.test('controller', (t) => {
  t.equal(controller.name, 'Xtractor Interactive AB')
  t.equal(controller.orgNo, '556540-0420')
  t.equal(controller.email, 'hej@xtractor.se')
  t.equal(controller.phone, '08-588 945 00')
  t.equal(controller.phoneIntl, '+46 8 588 945 00')
  t.match(controller.storage.sv, /EU\s*\/\s*EES/, 'storage EU/EES (sv)')
  t.match(controller.storage.en, /EU\s*\/\s*EEA/, 'storage EU/EEA (en)')
  t.equal(controller.supervisoryAuthority.url, 'https://www.imy.se')
  t.match(controller.supervisoryAuthority.name.sv, /Integritetsskyddsmyndigheten/)
  t.match(controller.supervisoryAuthority.note.sv, /Datainspektionen/)
  t.match(controller.supervisoryAuthority.note.en, /Datainspektionen/)
  t.end()
})

t.test('rights summary', (t) => {
  const ids = rightsSummary.map((r) => r.id)
  for (const id of [
    'access',
    'rectification',
    'erasure',
    'restriction',
    'portability',
    'objection',
    'withdraw_consent',
    'unsubscribe',
    'automated_decisions',
    'complaint',
    'court',
  ]) {
    t.ok(ids.includes(id as (typeof ids)[number]), `right ${id} present`)
  }
  const objection = rightsSummary.find((r) => r.id === 'objection')
  t.match(objection?.description.sv ?? '', /direktmarknadsföring/, 'objection mentions direct marketing (sv)')
  t.match(objection?.description.en ?? '', /direct marketing/, 'objection mentions direct marketing (en)')
  for (const r of rightsSummary) t.ok(r.articles.length > 0 && r.articles.every((a) => a.startsWith('Art. ')))
  t.end()
})

t.test('purposesFor', (t) => {
  const ids = (rel: Parameters<typeof purposesFor>[0]) => purposesFor(rel).map((p) => p.id)
  t.ok(ids('candidate').includes('recruitment'))
  t.ok(ids('newsletter').includes('newsletter'))
  t.ok(ids('customer_contact').includes('customer_relations'))
  t.ok(ids('customer_contact').includes('customer_service'))
  t.ok(ids('event_participant').includes('events_travel'))
  t.ok(ids('other').includes('questions'))
  t.notOk(ids('candidate').includes('newsletter'))
  for (const rel of relationships) t.ok(purposesFor(rel).length > 0, `${rel} has purposes`)
  t.end()
})

t.test('recipientsFor', (t) => {
  const ids = (p: string[], o?: { includeGeneral?: boolean }) => recipientsFor(p, o).map((r) => r.id)
  t.same(ids(['events_travel'], { includeGeneral: false }), ['conference_venues', 'travel_agencies'])
  const withGeneral = ids(['events_travel'])
  t.ok(withGeneral.includes('authorities'), 'general recipients included by default')
  t.ok(withGeneral.includes('conference_venues'))
  t.same(ids([]), [], 'no purposes, no recipients')
  t.same(ids(['recruitment'], { includeGeneral: false }), [])
  const both = ids(['customer_relations', 'processor_for_clients'], { includeGeneral: false })
  t.same(both, ['subcontractors'], 'deduplicated')
  t.throws(() => recipientsFor(['no_such_purpose']), /Unknown purpose/)
  t.end()
})

t.test('localise', (t) => {
  const text = { sv: 'Hej', en: 'Hello' }
  t.equal(localise(text, 'sv'), 'Hej')
  t.equal(localise(text, 'en'), 'Hello')
  t.end()
})
