import type { LightMyRequestResponse } from 'fastify'
import fc from 'fast-check'
import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { listRoutes } from '../helpers/routes.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'

/**
 * Every route, with hostile input: random and malicious strings in the path, the query, the body
 * (under every content type, with duplicated and __proto__ keys and nested query syntax) and the
 * headers, as a stranger, as a signed-in administrator (with a valid CSRF token, so the handlers
 * themselves see the input) and with an API token. Nothing may answer 5xx, show a stack trace,
 * or leave out the CSP header.
 */

export const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\r\n',
      'a@b.se\r\nBcc: evil@attacker.example',
      'Name\r\nX-Injected: yes',
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "' OR 1=1 --",
      "'; DROP TABLE cases; --",
      '{{constructor.constructor("return process")()}}',
      '${7*7}',
      '../../../../etc/passwd',
      '%00',
      '\u0000',
      '\u202e\u200b\ufeff',
      '𝕏'.repeat(50),
      'é'.normalize('NFD').repeat(30),
      'x'.repeat(70_000),
      '-1',
      '0',
      '99999999999999999999',
      'NaN',
      '1e400',
      'true',
      '[]',
      '{}',
      'me',
      'admin',
      '__proto__',
      'constructor',
      // Dates outside what the deadline calendar covers (issue 14 §5).
      '9999-12-31',
      '0001-01-01',
      '0000-00-00',
      '1999-12-31',
      '3000-01-01',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '+275760-09-13',
      '2026-02-30',
    ),
  },
)
const key = fc.oneof(
  fc.constantFrom('email', 'name', 'details', 'text', 'reply', 'status', 'reason', 'assignee', 'template', 'lang', 'role', 'type', 'relationship', 'consent', 'channel', 'receivedAt', 'months', 'year', 'from', 'to', 'today', 'date', 'password', 'newPassword', 'code', 'q', 'sort', 'due', 'cursor', 'next', 'awaitReply', 'partialRefusal', 'partial', 'partialReason', 'evidence', 'withheld', 'description_0', 'reason_0', 'website', '_csrf', '__proto__', 'constructor', 'prototype', 'a[b]', 'a[__proto__][x]', '__proto__[polluted]', 'a.b'),
  fc.string({ maxLength: 12 }),
)
const pairs = fc.array(fc.tuple(key, hostile), { maxLength: 10 })
const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary="x"; boundary=y',
  'application/xml',
  'application/json; charset=utf-16',
  '',
  'x/y; a=b',
)
/** How a multipart body is broken (issue 14 §5): well formed, cut short, without its closing boundary, with a file part or two, with a bad part header. */
const multipartShape = fc.record({
  files: fc.integer({ min: 0, max: 2 }),
  cut: fc.option(fc.nat({ max: 400 }), { nil: undefined }),
  noClose: fc.boolean(),
  badHeader: fc.boolean(),
})
type MultipartShape = { files: number; cut?: number; noClose: boolean; badHeader: boolean }

function fillPath(url: string, value: string): string {
  return url.replace(/:[a-z]+/gi, encodeURIComponent(value)).replace('*', encodeURIComponent(value))
}

function encodeMultipart(entries: Array<[string, string]>, shape: MultipartShape): string {
  const parts = entries.map(([k, v]) => `--x\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, '')}"\r\n\r\n${v}\r\n`)
  // After the fields, so a CSRF field in entries reaches the handler before the files.
  for (let i = 0; i < shape.files; i++) parts.push(`--x\r\nContent-Disposition: form-data; name="file"; filename="f${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${i}\r\n`)
  if (shape.badHeader) parts.unshift('--x\r\nContent-Disposition\r\n\r\nno name\r\n')
  const body = parts.join('') + (shape.noClose ? '' : '--x--\r\n')
  return shape.cut === undefined ? body : body.slice(0, shape.cut)
}

function encodeBody(ctype: string, entries: Array<[string, string]>, rawJson: boolean, shape: MultipartShape): string {
  if (ctype.startsWith('multipart/')) return encodeMultipart(entries, shape)
  if (ctype.startsWith('application/json')) {
    if (rawJson) return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',') + '}' // duplicate keys kept
    return JSON.stringify(Object.fromEntries(entries))
  }
  const body = new URLSearchParams()
  for (const [k, v] of entries) body.append(k, v)
  return body.toString()
}

function problem(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`
  if (!res.headers['content-security-policy']) return 'no CSP header'
  if (/\bat [\w.<>]+ \(|\.ts:\d+:\d+|node:internal|SqliteError|SQLITE_|TypeError|ReferenceError/.test(res.body)) return 'stack trace or internals: ' + res.body.slice(0, 300)
  return null
}

t.test('every route with hostile input: no 5xx, no stack trace, always a CSP header', async (t) => {
  const h = await buildTestApp(t, { env: { BODY_LIMIT_BYTES: '65536', LIMIT_IP_PER_HOUR: '1000000', LIMIT_ADDRESS_PER_HOUR: '1000000' } })
  const { app } = h
  const routes = listRoutes(app)
  t.ok(routes.length >= 50, `${routes.length} routes found`)
  t.ok(routes.some((r) => r.url === '/staff/cases/:id/messages' && r.method === 'POST'), 'staff routes listed')
  await openCase(h, { email: 'fuzz-case@example.se' })
  const admin = await createStaff(app, { role: 'admin' })
  const token = await apiTokenFor(app, admin)
  const jar = new Jar()
  await loginAs(app, jar, admin)
  let staffCsrf = ''
  async function refreshStaff() {
    const me = await app.inject({ url: '/staff/account', headers: { cookie: jar.header } })
    if (me.statusCode !== 200) {
      await loginAs(app, jar, admin)
      return refreshStaff()
    }
    staffCsrf = /name="_csrf" value="([^"]+)"/.exec(me.body)![1]
  }
  await refreshStaff()
  const publicPage = await app.inject({ url: '/request/access' })
  const publicJar = new Jar()
  publicJar.store(publicPage)
  const publicCsrf = /name="_csrf" value="([^"]+)"/.exec(publicPage.body)![1]

  let tried = 0
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.constantFrom('anonymous', 'staff', 'api'),
      hostile,
      pairs,
      pairs,
      contentType,
      fc.boolean(),
      fc.record({ lang: hostile, cookie: hostile }),
      multipartShape,
      async (route, who, param, queryPairs, bodyPairs, ctype, rawJson, hdr, shape) => {
        // Signing out or disabling the administrator is tested elsewhere; here it would only end the session.
        if (who === 'staff' && (route.url === '/staff/logout' || route.url.includes('/disable'))) who = 'anonymous'
        const url = fillPath(route.url, param) + '?' + queryPairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
        const entries: Array<[string, string]> = [...bodyPairs]
        if (who === 'staff') entries.push(['_csrf', staffCsrf])
        if (who === 'anonymous') entries.push(['_csrf', publicCsrf])
        const headers: Record<string, string> = { 'accept-language': hdr.lang.replace(/[^\x20-\x7e]/g, '').slice(0, 200) }
        if (route.method !== 'GET') headers['content-type'] = ctype
        const cookie = who === 'staff' ? jar.header : who === 'anonymous' ? publicJar.header : ''
        headers.cookie = [cookie, 'lang=' + encodeURIComponent(hdr.cookie.slice(0, 50))].filter(Boolean).join('; ')
        if (who === 'api') headers.authorization = `Bearer ${token}`
        const res = await app.inject({ method: route.method as 'GET', url, headers, payload: route.method === 'GET' ? undefined : encodeBody(ctype, entries, rawJson, shape) })
        tried++
        const bad = problem(res)
        if (bad) throw new Error(`${route.method} ${route.url} as ${who}: ${bad}`)
        if (who === 'staff' && res.statusCode === 303 && /\/staff\/login/.test(String(res.headers.location))) await refreshStaff()
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 600), seed: Number(process.env.FUZZ_SEED ?? 20261125) },
  )
  // Prototype pollution would show up on every object.
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  t.equal(({} as Record<string, unknown>).x, undefined)
  t.comment(`${tried} hostile requests over ${routes.length} routes`)
})
