import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { buildTestApp, form, Jar, submitForm } from '../helpers/app.js'

type Tap = Test

function checkHeaders(t: Tap, res: LightMyRequestResponse, label: string) {
  const csp = String(res.headers['content-security-policy'] ?? '')
  t.match(csp, /default-src 'self'/, `${label}: CSP default-src`)
  t.match(csp, /script-src 'self'(;|$)/, `${label}: only our own scripts`)
  t.notMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${label}: nothing unsafe in the CSP`)
  t.match(csp, /object-src 'none'/, `${label}: no plugins`)
  t.match(csp, /frame-ancestors 'none'/, `${label}: frame-ancestors`)
  t.match(csp, /base-uri 'none'/, `${label}: base-uri`)
  t.match(csp, /form-action 'self'/, `${label}: form-action`)
  t.equal(res.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`)
  t.equal(res.headers['referrer-policy'], 'no-referrer', `${label}: no referrer`)
  t.ok(res.headers['x-frame-options'], `${label}: X-Frame-Options for old browsers`)
  t.match(String(res.headers['permissions-policy']), /camera=\(\)/, `${label}: Permissions-Policy`)
  t.match(String(res.headers['strict-transport-security']), /max-age=\d+/, `${label}: HSTS on an https PUBLIC_URL`)
  t.notOk(res.headers['x-powered-by'], `${label}: no X-Powered-By`)
}

t.test('security headers on every kind of response', async (t) => {
  const h = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '2048' } })
  const { app } = h
  const json = { 'content-type': 'application/json' }
  const urlenc = { 'content-type': 'application/x-www-form-urlencoded' }
  const responses: Array<[string, LightMyRequestResponse, number]> = [
    ['home', await app.inject({ url: '/' }), 200],
    ['form', await app.inject({ url: '/request/access' }), 200],
    ['register', await app.inject({ url: '/register' }), 200],
    ['static css', await app.inject({ url: '/static/styles.css' }), 200],
    ['healthz', await app.inject({ url: '/healthz' }), 200],
    ['API 202', await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'h@example.com' } }), 202],
    ['check inbox', await submitForm(app, new Jar(), '/request/access', { email: 'h2@example.com' }), 200],
    ['404 page', await app.inject({ url: '/no/such/page' }), 404],
    ['404 API', await app.inject({ url: '/api/v1/none' }), 404],
    ['404 static', await app.inject({ url: '/static/none.css' }), 404],
    ['404 verify', await app.inject({ url: '/verify/bad' }), 404],
    ['404 bad url', await app.inject({ url: '/%E0%A4%A' }), 404],
    ['413 form', await app.inject({ method: 'POST', url: '/request/access', headers: urlenc, payload: form({ email: 'a@b.se', details: 'x'.repeat(5000) }) }), 413],
    ['413 API', await app.inject({ method: 'POST', url: '/api/v1/requests', headers: json, payload: JSON.stringify({ type: 'access', email: 'a@b.se', details: 'x'.repeat(5000) }) }), 413],
    ['400 form', await submitForm(app, new Jar(), '/request/access', { email: 'bad' }), 400],
    ['400 API', await app.inject({ method: 'POST', url: '/api/v1/requests', headers: json, payload: '{' }), 400],
    ['403 form', await app.inject({ method: 'POST', url: '/request/access', headers: urlenc, payload: 'email=a%40b.se' }), 403],
    ['415 API', await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'content-type': 'text/plain' }, payload: 'x' }), 415],
    ['415 form', await app.inject({ method: 'POST', url: '/request/access', headers: { 'content-type': 'application/xml' }, payload: '<x/>' }), 415],
    ['text form', await app.inject({ method: 'POST', url: '/request/access', headers: { 'content-type': 'text/plain' }, payload: 'email=a@b.se' }), 403],
    ['405-ish', await app.inject({ method: 'DELETE', url: '/request/access' }), 404],
  ]
  // Then the database goes away: 503 and 500 responses.
  await app.db.destroy()
  responses.push(['503 healthz', await app.inject({ url: '/healthz' }), 503])
  responses.push(['500 form', await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'x@example.com' } }), 500])
  responses.push(['500 page', await app.inject({ url: '/verify/' + 'A'.repeat(43) }), 500])
  for (const [label, res, status] of responses) {
    t.equal(res.statusCode, status, `${label}: status`)
    checkHeaders(t, res, label)
  }
})

t.test('pages with personal data are never cached; static files are', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/', '/request/access', '/verify/' + 'A'.repeat(43)]) {
    t.equal((await app.inject({ url })).headers['cache-control'], 'no-store', url)
  }
  const bad = await submitForm(app, new Jar(), '/request/access', { email: 'bad', name: 'Private Name' })
  t.equal(bad.headers['cache-control'], 'no-store', 'the re-rendered form')
  const api = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'bad' } })
  t.equal(api.headers['cache-control'], 'no-store', 'API errors')
  const css = await app.inject({ url: '/static/styles.css' })
  t.equal(css.statusCode, 200)
  t.match(css.headers['content-type'], 'text/css')
  t.match(css.headers['cache-control'], /max-age=3600/)
  t.ok(css.body.length > 100)
})

t.test('cookies are HttpOnly, SameSite and Secure on an https PUBLIC_URL', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/request/access?lang=en' })
  const cookies = res.cookies as Array<{ name: string; httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string }>
  t.same(cookies.map((c) => c.name).sort(), ['dsr_csrf', 'lang'])
  for (const c of cookies) {
    t.equal(c.httpOnly, true, `${c.name} HttpOnly`)
    t.equal(c.sameSite, 'Lax', `${c.name} SameSite`)
    t.equal(c.secure, true, `${c.name} Secure`)
    t.equal(c.path, '/')
  }
})

t.test('plain-http PUBLIC_URL: no HSTS, no Secure cookies', async (t) => {
  const { app } = await buildTestApp(t, { env: { PUBLIC_URL: 'http://localhost:3000' } })
  const res = await app.inject({ url: '/request/access' })
  t.notOk(res.headers['strict-transport-security'])
  t.notMatch(String(res.headers['content-security-policy']), /upgrade-insecure-requests/)
  t.notOk((res.cookies as Array<{ secure?: boolean }>)[0].secure)
})
