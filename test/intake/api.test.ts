import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { buildTestApp, PUBLIC_URL, testClock } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'

const JSON_TYPE = { 'content-type': 'application/json' }

function assertError(t: Tap, res: LightMyRequestResponse, status: number, withFields: boolean, label: string) {
  t.equal(res.statusCode, status, label)
  t.match(res.headers['content-type'], /^application\/json/, `${label}: JSON`)
  t.equal(res.headers['cache-control'], 'no-store', `${label}: not cached`)
  const body = res.json()
  t.type(body.error, 'string', `${label}: error code`)
  t.type(body.message, 'string', `${label}: message`)
  if (withFields) {
    t.type(body.fields, 'object', `${label}: fields`)
    t.ok(Object.keys(body.fields).length > 0, `${label}: at least one field named`)
    t.same(Object.keys(body).sort(), ['error', 'fields', 'message'])
  }
  t.notMatch(res.body, /at .*\.(ts|js):\d+/, `${label}: no stack trace`)
  return body
}
type Tap = Test

t.test('POST /api/v1/requests: 202 for every type, and the email goes out', async (t) => {
  const h = await buildTestApp(t)
  for (const type of REQUEST_TYPES) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type, email: `${type}@example.com`, ...(type === 'rectification' ? { correct: 'right' } : {}), ...(type === 'question' ? { details: 'Hur länge sparar ni?' } : {}) } })
    t.equal(res.statusCode, 202, type)
    t.same(res.json(), { status: 'pending_verification' })
    t.equal(res.headers['cache-control'], 'no-store')
  }
  const full = await h.app.inject({
    method: 'POST',
    url: '/api/v1/requests',
    payload: { type: 'rectification', email: 'full@example.com', name: 'Full Name', relationship: 'customer_contact', details: 'd', incorrect: 'old', correct: 'new', lang: 'sv', consent: null },
  })
  t.equal(full.statusCode, 202, 'every optional field')
  const nulls = await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'nulls@example.com', name: null, relationship: null, details: null } })
  t.equal(nulls.statusCode, 202, 'nulls for optional fields')
  const row = await h.app.db.selectFrom('submissions').selectAll().where('email', '=', 'full@example.com').executeTakeFirstOrThrow()
  t.match(row, { type: 'rectification', name: 'Full Name', relationship: 'customer_contact', incorrect_value: 'old', correct_value: 'new', channel: 'api', status: 'pending' })
  await h.flushMail()
  t.equal(h.smtp.received.length, REQUEST_TYPES.length + 2)
})

t.test('invalid bodies: 400 {error, message, fields}', async (t) => {
  const { app } = await buildTestApp(t)
  const post = (payload: string | object | undefined, headers: Record<string, string> = JSON_TYPE) =>
    app.inject({ method: 'POST', url: '/api/v1/requests', headers, payload: typeof payload === 'string' || payload === undefined ? payload : JSON.stringify(payload) })

  const unknown = assertError(t, await post({ type: 'access', email: 'a@example.com', admin: true }), 400, true, 'unknown key')
  t.equal(unknown.error, 'invalid_body')
  t.same(Object.keys(unknown.fields), ['admin'])

  const types = assertError(t, await post({ type: 'access', email: 42, name: ['x'], details: { a: 1 } }), 400, true, 'wrong types')
  t.same(Object.keys(types.fields).sort(), ['details', 'email', 'name'])

  const email = assertError(t, await post({ type: 'access', email: 'not an email' }), 400, true, 'bad email')
  t.same(Object.keys(email.fields), ['email'])
  t.equal(email.fields.email, sv.errors.email, 'Swedish by default')
  t.notMatch(JSON.stringify(email), 'not an email', 'the value is not echoed')

  const enumBad = assertError(t, await post({ type: 'delete_everything', email: 'a@example.com' }), 400, true, 'bad type enum')
  t.match(enumBad.fields.type, 'access')
  assertError(t, await post({ type: 'access', email: 'a@example.com', relationship: 'boss' }), 400, true, 'bad relationship enum')
  assertError(t, await post({ type: 'access', email: 'a@example.com', lang: 'de' }), 400, true, 'bad lang enum')
  const missing = assertError(t, await post({ type: 'access' }), 400, true, 'missing email')
  t.same(Object.keys(missing.fields), ['email'])
  assertError(t, await post({ type: 'access', email: 'a@example.com', details: 'x'.repeat(10_001) }), 400, true, 'details far too long')
  const longish = assertError(t, await post({ type: 'access', email: 'a@example.com', details: 'x'.repeat(5001) }), 400, true, 'details over 5000')
  t.same(Object.keys(longish.fields), ['details'])
  assertError(t, await post({ type: 'access', email: 'a@example.com', name: 'n'.repeat(201) }), 400, true, 'name over 200')
  assertError(t, await post({ type: 'rectification', email: 'a@example.com' }), 400, true, 'rectification without what is right')

  const notJson = assertError(t, await post('{"type": "access", email: }'), 400, true, 'malformed JSON')
  t.same(Object.keys(notJson.fields), ['(body)'])
  assertError(t, await post('not json at all'), 400, true, 'non-JSON body')
  assertError(t, await post(''), 400, true, 'empty body with JSON type')
  assertError(t, await post(undefined, {}), 400, true, 'no body at all')
  for (const body of ['[]', '[{"type":"access","email":"a@example.com"}]', '"a string"', '42', 'null', 'true']) {
    const res = assertError(t, await post(body), 400, true, `non-object body ${body}`)
    t.ok(res.fields['(body)'], `${body}: the body itself is named`)
  }
  for (const body of [
    '{"type":"access","email":"a@example.com","__proto__":{"admin":true}}',
    '{"type":"access","email":"a@example.com","constructor":{"prototype":{"admin":true}}}',
    '{"__proto__":{"type":"access"},"email":"a@example.com"}',
  ]) {
    assertError(t, await post(body), 400, true, `prototype key ${body.slice(30, 50)}`)
  }
  t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted')
  t.equal((await app.db.selectFrom('submissions').select('id').execute()).length, 0, 'nothing stored')
})

t.test('unsupported content types: 415', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[string, string]> = [
    ['text/plain', '{"type":"access","email":"a@example.com"}'],
    ['application/x-www-form-urlencoded', 'type=access&email=a%40example.com'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="type"\r\n\r\naccess\r\n--x--'],
    ['application/xml', '<r/>'],
    ['application/jsonp', '{}'],
  ]
  for (const [type, payload] of cases) {
    for (const url of ['/api/v1/requests', '/api/v1/verify']) {
      const body = assertError(t, await app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload }), 415, false, `${type} to ${url}`)
      t.equal(body.error, 'unsupported_media_type')
    }
  }
  const charset = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '{"type":"access","email":"c@example.com"}' })
  t.equal(charset.statusCode, 202, 'application/json with a charset is fine')
  t.equal((await app.db.selectFrom('submissions').select('id').execute()).length, 1)
})

t.test('lang is respected: email, error messages', async (t) => {
  const h = await buildTestApp(t)
  const { app } = h
  const res = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'unsubscribe', email: 'en@example.com', lang: 'en' } })
  t.equal(res.statusCode, 202)
  const svRes = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'unsubscribe', email: 'sv@example.com' } })
  t.equal(svRes.statusCode, 202)
  const byHeader = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'accept-language': 'en-US' }, payload: { type: 'unsubscribe', email: 'hdr@example.com' } })
  t.equal(byHeader.statusCode, 202)
  await h.flushMail()
  t.equal(h.smtp.to('en@example.com')[0].parsed.subject, en.email.verifySubject)
  t.equal(h.smtp.to('sv@example.com')[0].parsed.subject, sv.email.verifySubject)
  t.equal(h.smtp.to('hdr@example.com')[0].parsed.subject, en.email.verifySubject, 'Accept-Language when the body says nothing')
  const subs = await app.db.selectFrom('submissions').select(['email', 'lang']).orderBy('id').execute()
  t.same(subs.map((s) => s.lang), ['en', 'sv', 'en'])

  const bad = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'nope', lang: 'en' } })
  t.equal(bad.json().fields.email, en.errors.email)
  t.equal(bad.json().message, en.api.invalidBody)
  const badSchema = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'a@example.com', lang: 'en', extra: 1 } })
  t.equal(badSchema.json().fields.extra, en.api.unknownField)
  const badSv = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'a@example.com', extra: 1 } })
  t.equal(badSv.json().fields.extra, sv.api.unknownField)
  const notJsonEn = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { ...JSON_TYPE, 'accept-language': 'en' }, payload: '{' })
  t.equal(notJsonEn.json().message, en.api.notJson)
})

t.test('POST /api/v1/verify: 200, 404, 410 shapes', async (t) => {
  const clock = testClock()
  const h = await buildTestApp(t, { clock })
  const { app } = h
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'v@example.com', lang: 'en' } })
  await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'erasure', email: 'late@example.com' } })
  await h.flushMail()
  const token = linkIn(h.smtp.to('v@example.com')[0].parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!
  const lateToken = linkIn(h.smtp.to('late@example.com')[0].parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!

  const ok = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['cache-control'], 'no-store')
  const body = ok.json()
  t.same(Object.keys(body).sort(), ['reference', 'statusUrl'])
  t.match(body.reference, /^DSR-2026-\d{6}$/)
  t.match(body.statusUrl, new RegExp(`^${PUBLIC_URL}/status/[A-Za-z0-9_-]{43}$`))
  const status = await app.inject({ url: new URL(body.statusUrl).pathname })
  t.equal(status.statusCode, 200)
  t.match(status.body, body.reference)

  const used = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  t.same(assertError(t, used, 410, false, 'used'), { error: 'token_used', message: sv.api.tokenUsed })
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: 'B'.repeat(43) } })
  t.same(assertError(t, unknown, 404, false, 'unknown'), { error: 'token_unknown', message: sv.api.tokenUnknown })
  const malformed = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: '../../etc/passwd' } })
  t.equal(assertError(t, malformed, 404, false, 'malformed').error, 'token_unknown')
  const unknownEn = await app.inject({ method: 'POST', url: '/api/v1/verify', headers: { 'accept-language': 'en' }, payload: { token: 'B'.repeat(43) } })
  t.equal(unknownEn.json().message, en.api.tokenUnknown)

  clock.advance(25 * 3_600_000)
  const expired = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: lateToken } })
  t.same(assertError(t, expired, 410, false, 'expired'), { error: 'token_expired', message: sv.api.tokenExpired })

  assertError(t, await app.inject({ method: 'POST', url: '/api/v1/verify', payload: {} }), 400, true, 'no token')
  assertError(t, await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: 5 } }), 400, true, 'token not a string')
  assertError(t, await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token, extra: 1 } }), 400, true, 'extra key')
  assertError(t, await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: 'x'.repeat(500) } }), 400, true, 'token far too long')
  t.equal((await app.db.selectFrom('cases').select('id').execute()).length, 1)
})

t.test('unknown API paths and methods answer in JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const nf = assertError(t, await app.inject({ url: '/api/v1/nothing' }), 404, false, 'unknown path')
  t.equal(nf.error, 'not_found')
  const get = await app.inject({ url: '/api/v1/requests' })
  t.equal(get.statusCode, 404, 'GET on a POST route')
  t.match(get.headers['content-type'], /json/)
  const bad = await app.inject({ url: '/api/v1/%E0%A4%A' })
  t.equal(bad.statusCode, 404)
  t.match(bad.headers['content-type'], /json/)
})
