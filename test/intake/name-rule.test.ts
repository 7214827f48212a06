import t from 'tap'
import { isLinkLikeName } from '../../src/intake/name-rule.js'
import { buildTestApp, Jar, submitForm } from '../helpers/app.js'
import { setup, upload } from '../helpers/registers.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'

// Issue 14 §4 (the name rule): a name is printed in our emails ("Hej <name>,"), so a name holding
// a link or an address is refused wherever a name enters.

const LINKS = ['Anna https://evil.example/login', 'Besök www.evil.example', 'Mail anna@evil.example', 'Anna ｗｗｗ．evil．example', 'Anna ww\u200bw.evil.example', 'Anna hxxp://x', 'Anna＠evil.example']

t.test('names with ://, www. or @ (also full-width or split by invisible characters) are link-like', async (t) => {
  for (const name of LINKS.filter((n) => !n.includes('hxxp'))) t.ok(isLinkLikeName(name), name)
  t.ok(isLinkLikeName('Anna hxxp://x'), 'any scheme')
  for (const name of ['Anna Andersson', 'Dr. Åsa Öberg-Lind', "O'Brien, Seán", 'Www Wwwsson']) t.notOk(isLinkLikeName(name), name)
})

t.test('public form and API refuse them, in Swedish and English, keeping what was typed', async (t) => {
  const h = await buildTestApp(t)
  const sv = await submitForm(h.app, new Jar(), '/request/access', { email: 'anna@example.se', name: 'Anna www.evil.example' })
  t.equal(sv.statusCode, 400)
  t.match(sv.body, 'Namnet får inte innehålla en webbadress eller e-postadress')
  t.match(sv.body, 'value="Anna www.evil.example"')
  const en = await submitForm(h.app, new Jar(), '/request/access?lang=en', { email: 'anna@example.se', name: 'https://evil.example' })
  t.match(en.body, 'The name must not contain a web address or an email address')
  for (const name of LINKS) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'anna@example.se', name, lang: 'en' } })
    t.equal(res.statusCode, 400, name)
    t.match(res.json().fields.name, /must not contain a web address/)
  }
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'anna@example.se', name: 'Anna Andersson' } })).statusCode, 202)
  await h.flushMail()
  t.equal(h.smtp.received.length, 1, 'only the plain name was sent anything')
})

t.test('staff forms refuse them: manual case entry (page and API)', async (t) => {
  const h = await buildTestApp(t)
  const handler = await createStaff(h.app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(h.app, jar, handler)
  const fields = { type: 'access', channel: 'letter', receivedAt: '2026-11-24', lang: 'sv', email: 'anna@example.se' }
  const page = await staffForm(h.app, jar, '/staff/cases/new', { ...fields, name: 'Anna anna@evil.example' })
  t.equal(page.statusCode, 400)
  t.match(page.body, 'Namnet får inte innehålla en webbadress eller e-postadress')
  const auth = { authorization: `Bearer ${await apiTokenFor(h.app, handler)}` }
  const api = await h.app.inject({ method: 'POST', url: '/api/v1/cases', headers: auth, payload: { ...fields, name: 'http://evil.example' } })
  t.equal(api.statusCode, 400)
  t.match(api.json().fields.name, /must not contain a web address/)
  t.equal((await h.app.db.selectFrom('cases').select('id').execute()).length, 0)
})

t.test('registers refuse them: subscribers API and CSV import', async (t) => {
  const ctx = await setup(t)
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, ctx.admin)}` }
  const api = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'anna@example.se', name: 'www.evil.example' } })
  t.equal(api.statusCode, 400)
  t.match(api.json().fields.name, /must not contain a web address/)
  const csv = 'email;name\nb@example.se;Bo https://evil.example\nc@example.se;Cecilia\n'
  const res = await upload(ctx, '/staff/registers/import', { register: 'subscribers' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  t.equal(res.statusCode, 400)
  t.match(res.body, /Rad 2: namnet innehåller en webbadress eller e-postadress/)
  const candidates = await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from('email;name;consent_given_at\nd@example.se;D www.x.se;2026-01-01\n') })
  t.match(candidates.body, /Rad 2: namnet innehåller en webbadress eller e-postadress/)
  t.equal((await ctx.app.db.selectFrom('newsletter_subscribers').select('id').execute()).length, 0)
  t.equal((await ctx.app.db.selectFrom('candidates').select('id').execute()).length, 0)
})
