import Handlebars from 'handlebars'
import t, { type Test } from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { purposes as transcribed } from '../helpers/policy-transcription.js'
import { buildTestApp, csrfFrom, form, Jar, submitForm } from '../helpers/app.js'

const esc = (s: string) => Handlebars.Utils.escapeExpression(s)
/** What a browser reads from an attribute value. */
const unesc = (s: string) =>
  s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

async function counts(app: Awaited<ReturnType<typeof buildTestApp>>['app']) {
  const subs = await app.db.selectFrom('submissions').select('id').execute()
  const mail = await app.db.selectFrom('outbox').select('id').execute()
  return { submissions: subs.length, outbox: mail.length }
}

/** The error summary's links and the ids they point at, which must exist in the page. */
function summaryLinks(html: string): string[] {
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)
  if (!summary) return []
  return [...summary[0].matchAll(/href="#([^"]+)"/g)].map((m) => m[1])
}

function assertLinksResolve(t: Test, html: string, ids: string[]) {
  for (const id of ids) t.match(html, new RegExp(`id="${id}"`), `summary link #${id} points at a field`)
}

t.test('every request type renders in Swedish by default and in English on request', async (t) => {
  const { app } = await buildTestApp(t)
  for (const type of REQUEST_TYPES) {
    const svPage = await app.inject({ url: `/request/${type}` })
    t.equal(svPage.statusCode, 200, `${type} sv`)
    t.match(svPage.body, '<html lang="sv">')
    t.match(svPage.body, `<h1>${esc(sv.types[type].title)}</h1>`)
    t.match(svPage.body, esc(sv.form.submit))
    t.match(svPage.headers['content-language'], 'sv')
    t.equal(svPage.headers['cache-control'], 'no-store')
    t.notMatch(svPage.body, /<script/i, 'no script')
    t.match(svPage.body, `<form method="post" action="/request/${type}"`, 'a plain HTML form')

    const byHeader = await app.inject({ url: `/request/${type}`, headers: { 'accept-language': 'en-GB,en;q=0.9,sv;q=0.5' } })
    t.match(byHeader.body, '<html lang="en">', `${type} en by Accept-Language`)
    t.match(byHeader.body, `<h1>${esc(en.types[type].title)}</h1>`)
    t.notOk(byHeader.cookies.find((c: { name: string }) => c.name === 'lang'), 'the header sets no cookie')

    const byQuery = await app.inject({ url: `/request/${type}?lang=en` })
    t.match(byQuery.body, '<html lang="en">', `${type} en by ?lang=en`)
    t.match(byQuery.body, `<h1>${esc(en.types[type].title)}</h1>`)
    const cookie = byQuery.cookies.find((c: { name: string }) => c.name === 'lang') as { value: string } | undefined
    t.equal(cookie?.value, 'en', 'the switch sets the lang cookie')
  }
  t.equal((await app.inject({ url: '/request/withdraw_consent' })).body.match(/type="radio" id="consent-/g)?.length, 3, 'three consent choices')
  t.match((await app.inject({ url: '/request/rectification' })).body, /id="correct"/)
})

t.test('the language switch keeps the page, and the choice sticks through the cookie', async (t) => {
  const { app } = await buildTestApp(t)
  const jar = new Jar()
  const svPage = await app.inject({ url: '/request/erasure?relationship=candidate' })
  const link = unesc(/<nav[^>]*class="lang-switch"[\s\S]*?href="([^"]+)"/.exec(svPage.body)![1])
  const u = new URL(link, 'http://x')
  t.equal(u.pathname, '/request/erasure')
  t.equal(u.searchParams.get('relationship'), 'candidate', 'the query is kept')
  t.equal(u.searchParams.get('lang'), 'en')

  const switched = await app.inject({ url: link })
  jar.store(switched)
  t.match(switched.body, '<html lang="en">')
  t.match(switched.body, /<option value="candidate" selected>/, 'prefilled choice kept')
  const back = unesc(/<nav[^>]*class="lang-switch"[\s\S]*?href="([^"]+)"/.exec(switched.body)![1])
  t.equal(new URL(back, 'http://x').searchParams.get('lang'), 'sv')

  for (const path of ['/', '/register', '/request', '/request/access', '/nowhere']) {
    const later = await app.inject({ url: path, headers: { cookie: jar.header, 'accept-language': 'sv' } })
    t.match(later.body, '<html lang="en">', `${path} stays English with the cookie`)
  }
  for (const path of ['//evil.example/x', '/\\evil.example/x', '//', '/%2F%2Fevil.example']) {
    const res = await app.inject({ url: path })
    t.equal(res.statusCode, 404, `${path}: 404 page`)
    const href = unesc(/<nav[^>]*class="lang-switch"[\s\S]*?href="([^"]+)"/.exec(res.body)![1])
    t.match(href, /^\/[^/\\]/, `${path}: the switch link stays on this site (${href})`)
  }
  const res = await submitForm(app, jar, '/request/access', { email: 'cookie@example.com' })
  t.match(res.body, esc(en.inbox.title), 'the answer page too')
})

t.test('unknown request types get the 404 page', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/request/forget_me', '/request/ACCESS', '/request/%3Cscript%3E', '/request/' + 'a'.repeat(500), '/request/%E0%A4%A', '/request/' + 'a'.repeat(9000)]) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 404, url)
    t.match(res.headers['content-type'], 'text/html')
    t.match(res.body, esc(sv.errors.notFoundTitle))
    t.notMatch(res.body, '<script>')
  }
  const post = await app.inject({ method: 'POST', url: '/request/forget_me', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a%40b.se' })
  t.equal(post.statusCode, 404)
  t.match(post.body, esc(sv.errors.notFoundTitle))
})

t.test('invalid input comes back with the typed values, escaped, and a linked error summary', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<{ name: string; type: string; fields: Record<string, string>; errors: string[]; lang?: 'en' }> = [
    { name: 'invalid email', type: 'access', fields: { email: 'not-an-email', name: 'Anna <b>', details: 'a "quoted" & <i>thing</i>' }, errors: ['email'] },
    { name: 'missing email', type: 'erasure', fields: { email: '', name: 'Örjan Åström', relationship: 'candidate' }, errors: ['email'] },
    { name: 'details too long', type: 'objection', fields: { email: 'a@example.com', details: 'x'.repeat(5001) }, errors: ['details'] },
    { name: 'name too long', type: 'restriction', fields: { email: 'a@example.com', name: 'N'.repeat(201) }, errors: ['name'] },
    { name: 'no consent chosen', type: 'withdraw_consent', fields: { email: 'a@example.com', name: 'Cand' }, errors: ['consent'] },
    { name: 'rectification without what is right', type: 'rectification', fields: { email: 'a@example.com', incorrect: 'My old name' }, errors: ['correct'] },
    { name: 'several errors, in English', type: 'rectification', fields: { email: 'bad', name: 'N'.repeat(300), incorrect: 'x' }, errors: ['email', 'name', 'correct'], lang: 'en' },
    { name: 'bad relationship value', type: 'access', fields: { email: 'a@example.com', relationship: 'king' }, errors: ['relationship'] },
  ]
  for (const c of cases) {
    const jar = new Jar()
    const lang = c.lang ?? 'sv'
    const msgs = lang === 'sv' ? sv : en
    const res = await submitForm(app, jar, `/request/${c.type}${c.lang ? '?lang=en' : ''}`, c.fields)
    t.equal(res.statusCode, 400, c.name)
    t.match(res.body, `<html lang="${lang}">`, `${c.name}: page language`)
    t.match(res.body, esc(msgs.form.errorSummary), `${c.name}: summary heading in ${lang}`)
    t.match(res.body, /<title>[^<]*(Något behöver rättas|There is a problem)/, `${c.name}: title says there is an error`)
    t.same(summaryLinks(res.body).sort(), [...c.errors].sort(), `${c.name}: summary links to the fields`)
    assertLinksResolve(t, res.body, c.errors)
    for (const field of c.errors) t.match(res.body, new RegExp(`id="${field}-error"`), `${c.name}: message next to ${field}`)
    for (const [field, value] of Object.entries(c.fields)) {
      if (value === '' || field === 'relationship') continue
      t.ok(res.body.includes(esc(value)), `${c.name}: ${field} kept (escaped)`)
    }
    t.equal(res.headers['cache-control'], 'no-store')
    const other = lang === 'sv' ? en : sv
    t.notOk(res.body.includes(esc(other.form.errorSummary)), `${c.name}: no message in the other language`)
  }
  const detailsRes = await submitForm(app, new Jar(), '/request/access', { email: 'a@example.com', details: 'x'.repeat(5001) })
  t.match(detailsRes.body, 'Beskriv din begäran med högst 5\u00a0000 tecken.')
  const enRes = await submitForm(app, new Jar(), '/request/access?lang=en', { email: 'nope' })
  t.match(enRes.body, esc(en.errors.email))
  t.same(await counts(app), { submissions: 0, outbox: 0 }, 'nothing stored from invalid forms')
})

t.test('script in name or details is escaped, in the re-rendered form and the confirm page', async (t) => {
  const { app } = await buildTestApp(t)
  const evil = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
  const res = await submitForm(app, new Jar(), '/request/access', { email: 'bad', name: evil, details: evil })
  t.equal(res.statusCode, 400)
  t.notOk(res.body.includes('<script>alert'), 'no live script')
  t.notOk(res.body.includes('<img src=x'), 'no live tag')
  t.ok(res.body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'))
  t.ok(res.body.includes(esc(evil)))
  const ok = await submitForm(app, new Jar(), '/request/access', { email: 'evil@example.com', name: evil, details: evil })
  t.equal(ok.statusCode, 200)
  t.notOk(ok.body.includes('<script>alert'))
})

t.test('missing or wrong CSRF gives a 403 form with the values kept and a message', async (t) => {
  const { app } = await buildTestApp(t)
  const fields = { email: 'anna@example.com', name: 'Anna <3', details: 'Vad har ni?' }
  const tries: Array<{ name: string; cookie?: string; payload: Record<string, string>; lang?: string }> = [
    { name: 'no token, no cookie', payload: fields },
    { name: 'wrong token', cookie: 'dsr_csrf=' + 'a'.repeat(32), payload: { ...fields, _csrf: 'forged' } },
    { name: 'token without cookie', payload: { ...fields, _csrf: 'x'.repeat(43) } },
    { name: 'English', payload: { ...fields, lang: 'en' }, lang: 'en' },
  ]
  for (const tr of tries) {
    const res = await app.inject({
      method: 'POST',
      url: '/request/access',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(tr.cookie ? { cookie: tr.cookie } : {}) },
      payload: form(tr.payload),
    })
    t.equal(res.statusCode, 403, tr.name)
    const msgs = tr.lang === 'en' ? en : sv
    t.match(res.body, esc(msgs.errors.csrf), `${tr.name}: message`)
    t.ok(res.body.includes(`value="${esc(fields.email)}"`), `${tr.name}: email kept`)
    t.ok(res.body.includes(esc(fields.name)), `${tr.name}: name kept`)
    t.ok(res.body.includes(esc(fields.details)), `${tr.name}: details kept`)
    // The page carries a fresh token that works with the cookie it sets.
    const jar = new Jar()
    if (tr.cookie) jar.store({ cookies: [{ name: 'dsr_csrf', value: tr.cookie.split('=')[1] }] } as never)
    jar.store(res)
    const retry = await app.inject({
      method: 'POST',
      url: '/request/access',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
      payload: form({ ...fields, _csrf: csrfFrom(res.body) }),
    })
    t.equal(retry.statusCode, 200, `${tr.name}: sending again from that page works`)
  }
  t.equal((await counts(app)).submissions, 3, 'only the retries stored, each its own submission (the fourth is past the address limit of 3 an hour)')
})

t.test('CSRF protects the confirm button too', async (t) => {
  const { app, smtp, flushMail } = await buildTestApp(t)
  await submitForm(app, new Jar(), '/request/access', { email: 'c@example.com' })
  await flushMail()
  const [mail] = await smtp.waitFor(() => true)
  const path = new URL(/https:\/\/\S+\/verify\/\S+/.exec(mail.parsed.text!)![0]).pathname
  const res = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '_csrf=nope' })
  t.equal(res.statusCode, 403)
  t.match(res.body, esc(sv.errors.csrf))
  t.match(res.body, 'name="_csrf"')
  t.equal((await app.db.selectFrom('cases').select('id').execute()).length, 0)
})

t.test('a filled honeypot gets the same page, and nothing is stored or sent', async (t) => {
  const { app, smtp, flushMail } = await buildTestApp(t)
  const human = await submitForm(app, new Jar(), '/request/access', { email: 'human@example.com', website: '' })
  const bot = await submitForm(app, new Jar(), '/request/access', { email: 'bot@example.com', website: 'http://spam.example' })
  t.equal(bot.statusCode, human.statusCode)
  t.equal(bot.body.replace(/value="[^"]+"/g, ''), human.body.replace(/value="[^"]+"/g, ''))
  await flushMail()
  const subs = await app.db.selectFrom('submissions').select('email').execute()
  t.same(subs.map((s) => s.email), ['human@example.com'])
  const rows = await app.db.selectFrom('outbox').select('to_address').execute()
  t.same(rows.map((r) => r.to_address), ['human@example.com'])
  t.equal(smtp.to('bot@example.com').length, 0)
})

t.test('home page: controller contact, IMY, and situation links that lead to working forms', async (t) => {
  const { app } = await buildTestApp(t)
  for (const lang of ['sv', 'en'] as const) {
    const res = await app.inject({ url: `/?lang=${lang}` })
    t.equal(res.statusCode, 200)
    t.match(res.body, 'hej@xtractor.se')
    t.match(res.body, '08-588 945 00')
    t.match(res.body, 'IMY')
    t.match(res.body, 'Xtractor Interactive AB')
    t.notMatch(res.body, /<script/i, 'no scripts at all')
    const msgs = lang === 'sv' ? sv : en
    t.match(res.body, esc(msgs.home.situationsTitle))
    const links = [...res.body.matchAll(/href="(\/request[^"]*)"/g)].map((m) => unesc(m[1]))
    t.ok(links.length >= 12, 'situation and rights links')
    for (const link of new Set(links)) {
      const page = await app.inject({ url: link })
      t.equal(page.statusCode, 200, `${link} works`)
      const u = new URL(link, 'http://x')
      const rel = u.searchParams.get('relationship')
      if (rel) t.match(page.body, `<option value="${rel}" selected>`, `${link} preselects the relationship`)
      const consent = u.searchParams.get('consent')
      if (consent) t.match(page.body, new RegExp(`value="${consent}" checked`), `${link} preselects the consent`)
    }
  }
})

t.test('the register page shows every purpose in both languages', async (t) => {
  const { app } = await buildTestApp(t)
  // Issue 19: the page comes from the data map (test/datamap/register-page.test.ts has the details).
  const purposes = await app.dataMap.purposes()
  t.same(purposes.map((p) => p.id), transcribed.map((p) => p.id), "the map keeps the transcription's purposes")
  for (const lang of ['sv', 'en'] as const) {
    const res = await app.inject({ url: `/register?lang=${lang}` })
    t.equal(res.statusCode, 200)
    t.match(res.body, `<html lang="${lang}">`)
    for (const p of purposes) {
      t.ok(res.body.includes(`id="${p.id}"`), `${lang}: section ${p.id}`)
      t.ok(res.body.includes(esc(p.title[lang])), `${lang}: title of ${p.id}`)
      t.ok(res.body.includes(esc(p.retention[lang])), `${lang}: retention of ${p.id}`)
      if (p.legalBasis) t.ok(res.body.includes(esc(p.legalBasis.text[lang])), `${lang}: legal basis of ${p.id}`)
    }
  }
})
