import t from 'tap'
import { purposes as transcribed } from '../helpers/policy-transcription.js'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff } from '../helpers/cases.js'
import { apiTokenFor } from '../helpers/staff.js'

/** Issue 19 §2, first bullet: /register is generated from the map, with no basis line for an undecided basis and never an internal note. */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;')
const section = (html: string, id: string) => {
  const m = new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html)
  if (!m) throw new Error(`no section ${id}`)
  return m[0]
}
const UNDECIDED = ['events_travel', 'questions', 'product_development', 'statistics_advertising', 'customer_relations']

t.test('/register in Swedish and English: every purpose from the map; undecided ones without a basis line; no internal notes', async (t) => {
  const { app } = await buildTestApp(t)
  for (const lang of ['sv', 'en'] as const) {
    const res = await app.inject({ url: `/register?lang=${lang}` })
    t.equal(res.statusCode, 200)
    const html = res.body
    t.match(html, `<html lang="${lang}">`)
    for (const p of transcribed) {
      const s = section(html, p.id)
      t.ok(s.includes(esc(p.title[lang])), `${lang}: title of ${p.id}`)
      t.ok(s.includes(esc(p.description[lang])), `${lang}: description of ${p.id}`)
      if (UNDECIDED.includes(p.id)) {
        t.notMatch(s, /class="legal-basis"/, `${lang}: ${p.id} has no basis line`)
      } else {
        t.match(s, /class="legal-basis"/, `${lang}: ${p.id} has its basis line`)
        t.ok(s.includes(esc(p.legalBasis.text[lang])), `${lang}: ${p.id}'s basis`)
      }
      if (p.note) t.notOk(html.includes(esc(p.note[lang])), `${lang}: ${p.id}'s internal note is not shown`)
    }
    t.notMatch(html, /Policyn anger|policyn|does not state|the policy/i, `${lang}: nothing says what the policy leaves out`)
    t.notMatch(html, /Inom EU\/EES<|Within the EU\/EEA</, `${lang}: no blanket storage claim`)
  }
  const sv = (await app.inject({ url: '/register?lang=sv' })).body
  t.match(section(sv, 'newsletter'), /<dd class="legal-basis">artikel 6\.1 f: Intresseavvägning/, 'the article as Swedish writes it')
  t.match(section(sv, 'newsletter'), /Överföring utanför EU\/EES<\/dt><dd class="transfers">Ingen\. Uppgifterna stannar inom EU\/EES\./, 'a purpose served by systems without transfers says so')
  t.notMatch(section(sv, 'events_travel'), /Överföring/, 'a purpose no system serves claims nothing about transfers')
  t.match(sv, /Senast ändrad \d{4}-\d{2}-\d{2}\./)
  const en = (await app.inject({ url: '/register?lang=en' })).body
  t.match(section(en, 'recruitment'), /<dd class="legal-basis">Art\. 6\(1\)\(a\): Consent/)
  t.match(section(en, 'events_travel'), /<li>Conference venues<\/li><li>Travel agencies<\/li>/, 'recipient categories')
})

t.test('/register follows the map: a decided basis, a system with named recipients and a transfer', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await insertStaff(app, 'admin')
  const auth = { authorization: `Bearer ${await apiTokenFor(app, admin)}` }
  const put = await app.inject({ method: 'PUT', url: '/api/v1/purposes/statistics_advertising', headers: auth, payload: { legalBasis: { article: 'Art. 6(1)(a)', text: { sv: 'Samtycke till cookies.', en: 'Consent to cookies.' } } } })
  t.equal(put.statusCode, 200)
  const post = await app.inject({
    method: 'POST',
    url: '/api/v1/systems',
    headers: auth,
    payload: {
      key: 'google_analytics',
      name: { sv: 'Google Analytics', en: 'Google Analytics' },
      ownerTeam: 'marketing',
      purposes: ['statistics_advertising'],
      recipients: [{ name: { sv: 'Google Ireland Ltd', en: 'Google Ireland Ltd' }, description: { sv: 'Analystjänst.', en: 'Analytics service.' } }],
      transfers: [{ country: 'US', safeguard: { sv: 'EU–US Data Privacy Framework', en: 'EU–US Data Privacy Framework' } }],
    },
  })
  t.equal(post.statusCode, 201)
  const sv = section((await app.inject({ url: '/register?lang=sv' })).body, 'statistics_advertising')
  t.match(sv, /<dd class="legal-basis">artikel 6\.1 a: Samtycke till cookies\.<\/dd>/)
  t.match(sv, /<li>Analys- och annonstjänster<\/li><li>Google Ireland Ltd<\/li>/, 'the category and the named recipient')
  t.match(sv, /<dd class="transfers"><ul><li>USA: EU–US Data Privacy Framework<\/li><\/ul>/, 'the transfer, the country named in Swedish')
  const en = (await app.inject({ url: '/register?lang=en' })).body
  t.match(section(en, 'statistics_advertising'), /<li>United States: EU–US Data Privacy Framework<\/li>/)
  t.match(en, /<dt>Google Ireland Ltd<\/dt><dd>Analytics service\.<\/dd>/, 'among all recipients')
  // A note an administrator writes is for staff: never on the public page.
  const note = { sv: 'Internt: grunden ska ses över av juristen.', en: 'Internal: the lawyer is to review the basis.' }
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/purposes/statistics_advertising', headers: auth, payload: { note } })).statusCode, 200)
  for (const lang of ['sv', 'en'] as const) {
    const html = (await app.inject({ url: `/register?lang=${lang}` })).body
    t.notOk(html.includes(esc(note.sv)) || html.includes(esc(note.en)), `${lang}: a note written on the map is not shown`)
  }
  // Undecided again: the line goes.
  await app.inject({ method: 'PUT', url: '/api/v1/purposes/statistics_advertising', headers: auth, payload: { legalBasis: null } })
  t.notMatch(section((await app.inject({ url: '/register?lang=sv' })).body, 'statistics_advertising'), /legal-basis/)
})
