import type { Test } from 'tap'
import t from 'tap'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'
import { suppressionHash, suppressionKeyId } from '../../src/registers/suppression-hash.js'

async function setup(t: Test, env: Record<string, string> = {}) {
  const ctx = await buildTestApp(t, { env })
  const handler = await createStaff(ctx.app, { role: 'handler' })
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, handler)}` }
  return { ...ctx, auth }
}

function multipartBody(fields: Record<string, string>, boundary = '----mailprovider7MA4YWxkTrZu0gW') {
  let body = ''
  for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`
  body += `--${boundary}--\r\n`
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

t.test('API subscriber, then a one-click POST exactly as a mail provider sends it', async (t) => {
  const { app, auth } = await setup(t, { UNSUBSCRIBE_MAILTO: 'avregistrera@xtractor.se' })
  const created = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'Anna@Example.SE', name: 'Anna', source: 'website' } })
  t.equal(created.statusCode, 201)
  const body = created.json()
  t.match(body, { id: Number, email: 'Anna@example.se', status: 'subscribed', unsubscribeUrl: new RegExp(`^${PUBLIC_URL}/u/[A-Za-z0-9_-]{43}$`) })
  const token = body.unsubscribeUrl.split('/u/')[1]
  t.same(body.listUnsubscribe, {
    'List-Unsubscribe': `<${PUBLIC_URL}/u/${token}>, <mailto:avregistrera@xtractor.se?subject=unsubscribe%20${token}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  })
  const row = await app.db.selectFrom('newsletter_subscribers').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow()
  t.not(row.unsubscribe_token_hash, token, 'the token is not stored')
  t.notMatch(JSON.stringify(row), token)

  const again = await app.inject({ url: `/api/v1/subscribers/${body.id}`, headers: auth })
  t.equal(again.statusCode, 200)
  t.same(again.json(), body, 'GET gives the same body, URL included')

  // GET (a mail scanner) changes nothing.
  const page = await app.inject({ url: `/u/${token}` })
  t.equal(page.statusCode, 200)
  t.match(page.body, /<form method="post" action="\/u\//)
  t.match(page.body, /A\*\*\*@example\.se/)
  t.equal((await app.db.selectFrom('newsletter_subscribers').select('status').where('id', '=', body.id).executeTakeFirstOrThrow()).status, 'subscribed')
  t.equal((await app.db.selectFrom('suppression_hashes').selectAll().execute()).length, 0)
  t.equal((await app.db.selectFrom('cases').selectAll().execute()).length, 0)

  const oneClick = await app.inject({ method: 'POST', url: `/u/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  t.equal(oneClick.statusCode, 200, '200, no redirect')
  t.notOk(oneClick.headers.location)
  t.notOk(oneClick.headers['set-cookie'], 'no cookie needed or set')
  t.match(oneClick.body, /avregistrerad|unsubscribed/i)
  const after = await app.db.selectFrom('newsletter_subscribers').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow()
  t.equal(after.status, 'unsubscribed')
  const sup = await app.db.selectFrom('suppression_hashes').selectAll().execute()
  const annaHash = suppressionHash(app.config.suppressionKey, 'anna@example.se')
  t.match(sup, [{ email_hash: annaHash, reason: 'one_click' }])
  t.notMatch(JSON.stringify(sup), /anna/i, 'the list holds no address')

  const cases = await app.db.selectFrom('cases').selectAll().execute()
  t.equal(cases.length, 1, 'one case for the unsubscribe')
  t.match(cases[0], { type: 'unsubscribe', status: 'completed', relationship: 'newsletter', email: 'Anna@example.se' })
  t.ok(cases[0].closed_at)
  const kinds = (await app.db.selectFrom('case_events').select('kind').where('case_id', '=', cases[0].id).orderBy('id').execute()).map((e) => e.kind)
  t.same(kinds, ['submitted', 'register_unsubscribed', 'register_suppressed', 'status_changed'])
  t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', 'register.unsubscribe').executeTakeFirst())

  const repeat = await app.inject({ method: 'POST', url: `/u/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  t.equal(repeat.statusCode, 200, 'repeating is harmless')
  t.equal((await app.db.selectFrom('cases').selectAll().execute()).length, 1, 'no second case')

  const status = await app.inject({ url: `/api/v1/subscribers/${body.id}`, headers: auth })
  t.equal(status.json().status, 'unsubscribed')

  // The API never re-subscribes a suppressed address.
  const resub = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'anna@example.se' } })
  t.equal(resub.statusCode, 409)
  t.match(resub.json(), { error: 'suppressed', message: String })

  const list = await app.inject({ url: '/api/v1/suppressions?since=2026-11-01T00:00:00Z', headers: auth })
  t.equal(list.statusCode, 200)
  t.same(list.json(), { hashed: true, keyId: suppressionKeyId(app.config.suppressionKey), items: [{ hash: annaHash, reason: 'one_click', suppressedAt: sup[0].created_at }], nextCursor: null })
  const later = await app.inject({ url: '/api/v1/suppressions?since=2027-01-01', headers: auth })
  t.same(later.json().items, [])
})

t.test('one-click as multipart/form-data, and the page button', async (t) => {
  const { app, auth } = await setup(t)
  const a = (await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'multi@example.se' } })).json()
  const mp = multipartBody({ 'List-Unsubscribe': 'One-Click' })
  const res = await app.inject({ method: 'POST', url: new URL(a.unsubscribeUrl).pathname, headers: { 'content-type': mp.contentType }, payload: mp.body })
  t.equal(res.statusCode, 200)
  t.equal((await app.db.selectFrom('newsletter_subscribers').select('status').where('id', '=', a.id).executeTakeFirstOrThrow()).status, 'unsubscribed')

  const b = (await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'button@example.se' } })).json()
  const path = new URL(b.unsubscribeUrl).pathname
  const page = await app.inject({ url: `${path}?lang=en` })
  t.match(page.body, /Unsubscribe/)
  const click = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click&lang=en' })
  t.equal(click.statusCode, 200)
  t.match(click.body, /You are unsubscribed/)
  t.match(await app.db.selectFrom('suppression_hashes').selectAll().where('email_hash', '=', suppressionHash(app.config.suppressionKey, 'button@example.se')).execute(), [{ reason: 'unsubscribe_page' }])
  const done = await app.inject({ url: path })
  t.equal(done.statusCode, 200, 'the page still answers after unsubscribing')
})

t.test('unknown tokens: the same 404 page for GET and POST; bad input never 5xx', async (t) => {
  const { app, auth } = await setup(t)
  const fake = 'A'.repeat(43)
  const get = await app.inject({ url: `/u/${fake}` })
  const post = await app.inject({ method: 'POST', url: `/u/${fake}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  t.equal(get.statusCode, 404)
  t.equal(post.statusCode, 404)
  const withoutToken = (html: string) => html.replace(/name="_csrf" value="[^"]*"/, '')
  t.equal(withoutToken(get.body), withoutToken(post.body), 'same page')
  for (const bad of ['short', '%00', 'x'.repeat(500)]) {
    const g = await app.inject({ url: `/u/${bad}` })
    const p = await app.inject({ method: 'POST', url: `/u/${bad}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    t.equal(g.statusCode, 404, `GET ${bad.slice(0, 10)}`)
    t.equal(p.statusCode, 404, `POST ${bad.slice(0, 10)}`)
  }
  const json = await app.inject({ method: 'POST', url: `/u/${fake}`, headers: { 'content-type': 'application/json' }, payload: '{bad' })
  t.ok(json.statusCode < 500, 'malformed JSON is a client error')
  const empty = await app.inject({ method: 'POST', url: `/u/${fake}` })
  t.equal(empty.statusCode, 404)

  const invalid = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'not-an-address', phone: 'abc' } })
  t.equal(invalid.statusCode, 400)
  t.match(invalid.json(), { error: 'invalid_body', fields: { email: String, phone: String } })
  const extra = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'a@example.se', bogus: 1 } })
  t.equal(extra.statusCode, 400)
  const missing = await app.inject({ url: '/api/v1/subscribers/999', headers: auth })
  t.equal(missing.statusCode, 404)
  const word = await app.inject({ url: '/api/v1/subscribers/abc', headers: auth })
  t.equal(word.statusCode, 404)
  const badSince = await app.inject({ url: '/api/v1/suppressions?since=yesterday', headers: auth })
  t.equal(badSince.statusCode, 400)
  t.match(badSince.json(), { error: 'invalid_query', fields: { since: String } })
  const badCursor = await app.inject({ url: '/api/v1/suppressions?cursor=zzz&limit=0', headers: auth })
  t.match(badCursor.json(), { fields: { cursor: String, limit: String } })
  const anon = await app.inject({ method: 'POST', url: '/api/v1/subscribers', payload: { email: 'a@example.se' } })
  t.equal(anon.statusCode, 401)

  const twice = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'same@example.se' } })
  const dup = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'SAME@example.se' } })
  t.equal(twice.statusCode, 201)
  t.equal(dup.statusCode, 200, 'an existing subscriber is returned, not duplicated')
  t.equal(dup.json().id, twice.json().id)
})

t.test('suppression list pages with a cursor', async (t) => {
  const { app, auth, clock } = await setup(t)
  for (let i = 0; i < 5; i++) {
    const s = (await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: `p${i}@example.se` } })).json()
    await app.inject({ method: 'POST', url: new URL(s.unsubscribeUrl).pathname, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    clock.advance(1000)
  }
  const first = (await app.inject({ url: '/api/v1/suppressions?limit=3', headers: auth })).json()
  t.equal(first.items.length, 3)
  const second = (await app.inject({ url: `/api/v1/suppressions?limit=3&cursor=${first.nextCursor}`, headers: auth })).json()
  t.equal(second.items.length, 2)
  t.equal(second.nextCursor, null)
  const hashes = [0, 1, 2, 3, 4].map((i) => suppressionHash(app.config.suppressionKey, `p${i}@example.se`))
  t.same([...first.items, ...second.items].map((i: { hash: string }) => i.hash), hashes, 'oldest first, by hash')
})
