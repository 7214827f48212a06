import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { controller } from '../../src/registers/controller.js'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;')
/** The visible inputs of a page (not hidden fields, not the honeypot). */
const visibleInputs = (html: string) =>
  [...html.replace(/<div class="hp"[\s\S]*?<\/div>/, '').matchAll(/<(input|select|textarea)\b[^>]*>/g)].map((m) => m[0]).filter((tag) => !/type="hidden"/.test(tag)).map((tag) => /\sname="([^"]+)"/.exec(tag)?.[1])

t.test('unsubscribed: "we won\'t email you again" and what to do if it was a mistake, in both languages (issue 18)', async (t) => {
  const { app } = await buildTestApp(t)
  const auth = { authorization: `Bearer ${await apiTokenFor(app, await createStaff(app, { role: 'handler' }))}` }
  for (const [lang, m] of [['sv', sv], ['en', en]] as const) {
    const sub = (await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: `news-${lang}@example.se` } })).json()
    const path = new URL(sub.unsubscribeUrl).pathname
    const done = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `List-Unsubscribe=One-Click&lang=${lang}` })
    t.equal(done.statusCode, 200)
    t.match(done.body, esc(m.registers.unsubscribe.doneText.replace('{email}', 'n***@example.se')), `${lang}: says we will not email again`)
    t.match(done.body, lang === 'sv' ? 'Vi kommer inte att skicka e-post till dig igen' : 'We won’t email you again')
    t.notMatch(done.body, /spärrad|suppressed/i, `${lang}: no "suppressed"`)
    t.match(done.body, `<h2>${esc(m.registers.unsubscribe.mistakeTitle)}</h2>`, `${lang}: "was this a mistake?"`)
    t.match(done.body, esc(m.registers.unsubscribe.mistake.replace('{contact}', controller.email)), `${lang}: and what to do, with the address to write to`)
    const again = await app.inject({ url: `${path}?lang=${lang}` })
    t.match(again.body, esc(m.registers.unsubscribe.mistakeTitle), `${lang}: the link opened later says the same`)
  }
})

t.test('an unknown or rotated unsubscribe link offers the unsubscribe form, which asks for the address alone', async (t) => {
  const { app, smtp, flushMail } = await buildTestApp(t)
  for (const [lang, m] of [['sv', sv], ['en', en]] as const) {
    for (const token of ['A'.repeat(43), 'cut-short']) {
      const jar = new Jar()
      const res = await app.inject({ url: `/u/${token}?lang=${lang}` })
      t.equal(res.statusCode, 404, `${lang} ${token.slice(0, 5)}: still a 404`)
      t.match(res.body, `<h1>${esc(m.registers.unsubscribe.invalidTitle)}</h1>`)
      t.match(res.body, '<form method="post" action="/request/unsubscribe"', `${lang}: the page has the unsubscribe form`)
      t.same(visibleInputs(res.body), ['email'], `${lang}: asking for the address alone`)
      jar.store(res)
      const sent = await app.inject({ method: 'POST', url: '/request/unsubscribe', headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(res.body), lang, email: `lost-${lang}-${token.length}@example.se` }) })
      t.equal(sent.statusCode, 200, `${lang}: the form works from there`)
      t.match(sent.body, esc(m.inbox.title))
    }
  }
  await flushMail()
  t.equal(smtp.received.filter((x) => /\/verify\//.test(x.parsed.text ?? '')).length, 4, 'each got its confirmation link')
})

t.test('the public unsubscribe form asks for the address alone, and reads nothing else', async (t) => {
  const { app } = await buildTestApp(t)
  for (const lang of ['sv', 'en']) {
    const page = await app.inject({ url: `/request/unsubscribe?lang=${lang}&relationship=newsletter` })
    t.same(visibleInputs(page.body), ['email'], `${lang}: one field`)
  }
  const jar = new Jar()
  const page = await app.inject({ url: '/request/unsubscribe' })
  jar.store(page)
  const res = await app.inject({ method: 'POST', url: '/request/unsubscribe', headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(page.body), email: 'x@example.se', name: 'N'.repeat(500), relationship: 'king' }) })
  t.equal(res.statusCode, 200, 'fields the form does not show cannot make it fail')
  const sub = await app.db.selectFrom('submissions').selectAll().executeTakeFirstOrThrow()
  t.match(sub, { type: 'unsubscribe', name: null, relationship: null })
})
