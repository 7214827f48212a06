import t, { type Test } from 'tap'
import { controller, localise, rightsSummary } from '../../src/registers/controller.js'

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


t.test('every Text field has non-empty sv and en', (t) => {
  checkTexts(t, controller, 'controller')
  checkTexts(t, rightsSummary, 'rightsSummary')
  t.end()
})


t.test('controller', (t) => {
  t.equal(controller.name, 'Xtractor Interactive AB')
  t.equal(controller.orgNo, '556540-0420')
  t.equal(controller.email, 'hej@xtractor.se')
  t.equal(controller.phone, '08-588 945 00')
  t.equal(controller.phoneIntl, '+46 8 588 945 00')
  // Where data is stored or transferred is the data map's, per system (Art. 15(2)), never one claim for all.
  t.notOk('storage' in controller, 'no blanket storage claim')
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


t.test('localise', (t) => {
  const text = { sv: 'Hej', en: 'Hello' }
  t.equal(localise(text, 'sv'), 'Hej')
  t.equal(localise(text, 'en'), 'Hello')
  t.end()
})
