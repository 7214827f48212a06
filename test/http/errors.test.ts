import fc from 'fast-check'
import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { buildTestApp, csrfFrom, form, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'

const URLENC = { 'content-type': 'application/x-www-form-urlencoded' }
const JSON_TYPE = { 'content-type': 'application/json' }

t.test('bodies over BODY_LIMIT_BYTES: a 413 page for forms, 413 JSON for the API', async (t) => {
  const { app } = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '4096' } })
  const big = 'x'.repeat(5000)
  const page = await app.inject({ method: 'POST', url: '/request/access', headers: URLENC, payload: form({ email: 'a@b.se', details: big }) })
  t.equal(page.statusCode, 413)
  t.match(page.headers['content-type'], 'text/html')
  t.match(page.body, sv.errors.tooLargeTitle)
  t.match(page.body, '<html lang="sv">')
  t.notMatch(page.body, big.slice(0, 100), 'the body is not echoed')
  const pageEn = await app.inject({ method: 'POST', url: '/request/access', headers: { ...URLENC, 'accept-language': 'en' }, payload: form({ email: 'a@b.se', details: big }) })
  t.equal(pageEn.statusCode, 413)
  t.match(pageEn.body, en.errors.tooLargeTitle, 'in the language of the headers')
  const pageCookie = await app.inject({ method: 'POST', url: '/request/access', headers: { ...URLENC, cookie: 'lang=en' }, payload: form({ email: 'a@b.se', details: big }) })
  t.match(pageCookie.body, en.errors.tooLargeTitle, 'and of the lang cookie')
  const verify = await app.inject({ method: 'POST', url: '/verify/' + 'A'.repeat(43), headers: URLENC, payload: form({ _csrf: big }) })
  t.equal(verify.statusCode, 413)

  const api = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: JSON_TYPE, payload: JSON.stringify({ type: 'access', email: 'a@b.se', details: big }) })
  t.equal(api.statusCode, 413)
  t.same(api.json(), { error: 'payload_too_large', message: sv.api.tooLarge })
  // Declared length alone is enough to refuse.
  const declared = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { ...JSON_TYPE, 'content-length': '999999' }, payload: '{}' })
  t.ok([400, 413].includes(declared.statusCode), 'a lying Content-Length gets a 4xx')
  const justUnder = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: JSON_TYPE, payload: JSON.stringify({ type: 'access', email: 'a@b.se', details: 'y'.repeat(3900) }) })
  t.equal(justUnder.statusCode, 202, 'just under the limit is accepted')
})

t.test('malformed JSON: 400 JSON, no stack trace', async (t) => {
  const { app } = await buildTestApp(t)
  for (const payload of ['{', '{"type":', "{'type':'access'}", '{"a":1,}', '\u0000', 'undefined', '{"type":"access","email":"a@b.se"}garbage']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: JSON_TYPE, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.headers['content-type'], 'application/json')
    const body = res.json()
    t.equal(body.error, 'invalid_body')
    t.type(body.fields, 'object')
    t.notMatch(res.body, /Unexpected|position|SyntaxError|at JSON/, 'no parser internals')
  }
})

t.test('/healthz: 200 while the database answers, 503 when it does not', async (t) => {
  const { app } = await buildTestApp(t)
  const ok = await app.inject({ url: '/healthz' })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { status: 'ok' })
  t.equal(ok.headers['cache-control'], 'no-store')
  await app.db.destroy()
  const down = await app.inject({ url: '/healthz' })
  t.equal(down.statusCode, 503)
  t.notSame(down.json(), { status: 'ok' })
})

t.test('a broken database gives a 500 page or JSON without internals, in the language', async (t) => {
  const { app } = await buildTestApp(t)
  const jar = new Jar()
  const page = await app.inject({ url: '/request/access?lang=en' })
  jar.store(page)
  await app.db.destroy()
  const res = await app.inject({ method: 'POST', url: '/request/access', headers: { ...URLENC, cookie: jar.header }, payload: form({ _csrf: csrfFrom(page.body), email: 'anna@example.com', lang: 'en' }) })
  t.equal(res.statusCode, 500)
  t.match(res.body, en.errors.serverTitle)
  t.notMatch(res.body, /destroyed|kysely|sqlite|at .*\.ts/i, 'no internals')
  t.notMatch(res.body, 'anna@example.com')
  const api = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'anna@example.com' } })
  t.equal(api.statusCode, 500)
  t.same(api.json(), { error: 'internal_error', message: sv.api.server })
})

t.test('logs never contain the email, name, token or request text', async (t) => {
  const lines: string[] = []
  const h = await buildTestApp(t, { env: { LOG_LEVEL: 'trace', BODY_LIMIT_BYTES: '8192' }, logStream: { write: (l) => void lines.push(l) } })
  const { app } = h
  const secrets = { email: 'Secret.Person@Example.org', name: 'Hemlig Persson', details: 'My very private request text 12345' }
  const jar = new Jar()
  await submitForm(app, jar, '/request/access', { email: secrets.email, name: secrets.name, details: secrets.details })
  await submitForm(app, jar, '/request/access', { email: 'not-valid-' + secrets.email.replace('@', ''), name: secrets.name, details: secrets.details })
  await app.inject({ method: 'POST', url: '/request/access', headers: URLENC, payload: form({ email: secrets.email, name: secrets.name }) })
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'erasure', email: secrets.email, name: secrets.name, details: secrets.details } })
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'erasure', email: secrets.email, [secrets.name]: 1 } })
  await app.inject({ method: 'POST', url: '/api/v1/requests', headers: JSON_TYPE, payload: `{"email":"${secrets.email}", "name": "${secrets.name}` })
  await app.inject({ method: 'POST', url: '/api/v1/requests', headers: JSON_TYPE, payload: JSON.stringify({ type: 'access', email: secrets.email, details: secrets.details.repeat(300) }) })
  await app.inject({ url: `/request/access?email=${encodeURIComponent(secrets.email)}&name=${encodeURIComponent(secrets.name)}` })
  await h.flushMail()
  const token = linkIn(h.smtp.to('Secret.Person@example.org')[0].parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!
  await app.inject({ url: `/verify/${token}` })
  const ok = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  const statusToken = ok.json().statusUrl.split('/').pop()
  await app.inject({ url: `/status/${statusToken}` })
  await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  await h.flushMail()
  // Failures too: SMTP refusing, then the database gone.
  h.smtp.refuseWith = 550
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'objection', email: secrets.email, name: secrets.name } })
  await h.flushMail()
  await app.db.destroy()
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: secrets.email, name: secrets.name, details: secrets.details } })
  await app.inject({ url: `/status/${statusToken}` })

  const log = lines.join('')
  t.ok(lines.length > 20, `logs were written (${lines.length} lines)`)
  t.match(log, /"statusCode":500/, 'the failures were logged')
  t.match(log, /email failed permanently/)
  t.match(log, /\/verify\/\[token\]/, 'token paths are redacted')
  for (const [what, value] of Object.entries({ ...secrets, token, statusToken, local: 'Secret.Person', domain: 'Example.org', nameFirst: 'Hemlig' })) {
    t.notOk(log.toLowerCase().includes(value.toLowerCase()), `no ${what} in the logs`)
  }
})

t.test('no input produces a 5xx (property-based)', async (t) => {
  const { app } = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '16384' } })
  const jar = new Jar()
  const page = await app.inject({ url: '/request/access' })
  jar.store(page)
  const csrf = csrfFrom(page.body)
  const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.constantFrom('', ' ', '\r\n', '<script>', '%', '\u0000', 'a@b.se', 'x'.repeat(6000)))
  const fieldName = fc.oneof(fc.constantFrom('email', 'name', 'relationship', 'consent', 'details', 'incorrect', 'correct', 'lang', 'website', '_csrf', '__proto__', 'constructor', 'type'), fc.string({ maxLength: 20 }))
  const fields = fc.dictionary(fieldName, fc.oneof(anyText, fc.array(anyText, { maxLength: 3 })), { maxKeys: 8 })
  const type = fc.oneof(fc.constantFrom(...REQUEST_TYPES), fc.string({ maxLength: 20 }))

  await fc.assert(
    fc.asyncProperty(type, fields, fc.boolean(), async (reqType, values, withCsrf) => {
      const body = new URLSearchParams()
      for (const [k, v] of Object.entries(values)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
      if (withCsrf) body.set('_csrf', csrf)
      const res = await app.inject({ method: 'POST', url: `/request/${encodeURIComponent(reqType)}`, headers: { ...URLENC, cookie: jar.header }, payload: body.toString() })
      if (res.statusCode >= 500) throw new Error(`form ${res.statusCode}: ${res.body.slice(0, 200)}`)
      const api = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: JSON_TYPE, payload: JSON.stringify({ ...values, type: reqType }) })
      if (api.statusCode >= 500) throw new Error(`api ${api.statusCode}: ${api.body}`)
    }),
    { numRuns: 150, seed: 20261125 },
  )
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 400 }), fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data', 'application/octet-stream', ''), async (raw, ctype) => {
      for (const url of ['/api/v1/requests', '/api/v1/verify', '/request/access', '/verify/' + 'A'.repeat(43)]) {
        const res = await app.inject({ method: 'POST', url, headers: ctype ? { 'content-type': ctype } : {}, payload: raw })
        if (res.statusCode >= 500) throw new Error(`${url} ${ctype} ${res.statusCode}: ${res.body.slice(0, 200)}`)
      }
    }),
    { numRuns: 100, seed: 42 },
  )
  await fc.assert(
    fc.asyncProperty(fc.webPath(), fc.string({ maxLength: 50 }), async (path, header) => {
      const res = await app.inject({ url: path + '?lang=' + encodeURIComponent(header), headers: { 'accept-language': header.replace(/[^\x20-\x7e]/g, ''), cookie: 'lang=' + encodeURIComponent(header) } })
      if (res.statusCode >= 500) throw new Error(`${path} ${res.statusCode}`)
      if (!res.headers['content-security-policy']) throw new Error(`${path}: no CSP`)
    }),
    { numRuns: 150, seed: 7 },
  )
  t.pass('no 5xx found')
})
