import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff } from '../helpers/cases.js'
import { apiTokenFor } from '../helpers/staff.js'

// What a stranger (or a careless script) sends the new register and map routes: never a 5xx,
// never a second row for an address that differs only by invisible characters.
t.test('register and map API: odd cursors, invisible characters, broken bodies', async (t) => {
  const { app } = await buildTestApp(t)
  const handler = { authorization: `Bearer ${await apiTokenFor(app, await insertStaff(app, 'handler'))}` }
  const admin = { authorization: `Bearer ${await apiTokenFor(app, await insertStaff(app, 'admin'))}` }
  for (const cursor of ['x', '-1', '9'.repeat(40), '%00', 'eyJpZCI6LTF9']) {
    const res = await app.inject({ url: `/api/v1/suppressions?cursor=${encodeURIComponent(cursor)}`, headers: handler })
    t.ok(res.statusCode < 500, `suppressions cursor ${JSON.stringify(cursor)}: ${res.statusCode}`)
  }
  const sub = (await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: handler, payload: { email: 'eva@example.se', name: 'Eva' } })).json()
  // A zero-width space inside the address: not an address (RFC 5321 has no such character), refused in the user's language.
  const zw = await app.inject({ method: 'PATCH', url: `/api/v1/subscribers/${sub.id}`, headers: { ...handler, 'accept-language': 'sv' }, payload: { field: 'email', value: 'eva\u200b@example.se' } })
  t.equal(zw.statusCode, 400, 'a zero-width space in the new address is refused')
  t.notMatch(zw.body, /eva/, 'the error does not echo the address')
  const twin = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: handler, payload: { email: '\u200beva@example.se', name: 'Eva' } })
  t.ok((twin.statusCode >= 400 && twin.statusCode < 500) || twin.json().id === sub.id, `the same address with an invisible character is not a second subscriber (${twin.statusCode})`)
  for (const [name, payload] of [['broken JSON', '{"key": "crm"'], ['a JSON list', '[1]'], ['a huge key', JSON.stringify({ key: 'a'.repeat(100_000), name: { sv: 'x', en: 'x' }, kind: 'other', purposes: [] })]] as const) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/systems', headers: { ...admin, 'content-type': 'application/json' }, payload })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `POST /api/v1/systems, ${name}: ${res.statusCode}`)
  }
  const invisible = await app.inject({ method: 'POST', url: '/api/v1/systems', headers: admin, payload: { key: 'crm\u200b', name: { sv: 'CRM', en: 'CRM' }, kind: 'other', purposes: ['customer_relations'] } })
  t.equal(invisible.statusCode, 400, 'a system key with an invisible character is refused')
  t.ok(invisible.json().fields.key)
})
