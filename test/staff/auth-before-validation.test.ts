import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { createStaff, loginAs } from '../helpers/staff.js'

/**
 * The staff pages authorise before they validate: whoever may not use a route learns nothing of
 * its schema. A malformed body or query from an anonymous visitor gets the sign-in redirect, from
 * a member whose role is too low the 403 page, from a handler outside a case's team (with
 * TEAM_SCOPED_ACCESS) the not-found page — never the 400 a schema gives, which would tell that the
 * route exists and what it takes.
 */

interface SchemaRoute {
  method: string
  url: string
  body: string[] | null
  query: string[] | null
}

/** Sign-in, first-admin setup and sign-out answer everyone (roles-routes.test.ts PUBLIC). */
const PUBLIC = new Set(['GET /staff/login', 'POST /staff/login', 'GET /staff/login/mfa', 'POST /staff/login/mfa', 'POST /staff/logout', 'GET /staff/setup/:token', 'POST /staff/setup/:token'])

const fieldsOf = (schema: unknown): string[] | null => {
  if (!schema || typeof schema !== 'object') return null
  return Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {})
}

interface Attack {
  name: string
  headers: Record<string, string>
  payload?: string
  query?: string
}

/** Inputs no staff schema accepts (or, for the lenient form schemas, at least the strict ones do not), with a form token when there is one. */
function attacks(route: SchemaRoute, csrf: string | null): Attack[] {
  const json = { 'content-type': 'application/json' }
  const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' }
  const out: Attack[] = []
  if (route.body) {
    const fields = route.body.length ? route.body : ['x']
    const withToken = csrf ? { _csrf: csrf } : {}
    out.push({ name: 'JSON {"x":[1]}', headers: json, payload: JSON.stringify({ ...withToken, x: [1] }) })
    out.push({ name: 'a JSON list', headers: json, payload: '[1]' })
    out.push({ name: 'every field a JSON list of numbers', headers: json, payload: JSON.stringify({ ...withToken, ...Object.fromEntries(fields.map((f) => [f, [1]])) }) })
    const repeated = new URLSearchParams(csrf ? { _csrf: csrf } : {})
    for (const f of fields) for (const v of ['a', 'b']) repeated.append(f, v)
    out.push({ name: 'every form field repeated', headers: urlencoded, payload: repeated.toString() })
  }
  if (route.query) {
    const fields = route.query.length ? route.query : ['x']
    const repeated = new URLSearchParams()
    for (const f of fields) for (const v of ['a', 'b']) repeated.append(f, v)
    out.push({ name: 'every query field repeated', headers: {}, query: repeated.toString() })
  }
  return out
}

t.test('every staff page refuses the unauthorised before it validates', async (t) => {
  const routes: SchemaRoute[] = []
  const ctx = await buildTestApp(t, {
    env: { TEAM_SCOPED_ACCESS: 'true' },
    beforeRegister: (f: FastifyInstance) =>
      f.addHook('onRoute', (r) => {
        if (r.url !== '/staff' && !r.url.startsWith('/staff/')) return
        const body = fieldsOf(r.schema?.body)
        const query = fieldsOf(r.schema?.querystring)
        if (!body && !query) return
        for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, body: method === 'GET' ? null : body, query })
      }),
  })
  const { app } = ctx
  t.ok(routes.length >= 40, `${routes.length} staff routes with a body or query schema`)

  const teamId = async (key: string) => (await app.db.selectFrom('teams').select('id').where('key', '=', key).executeTakeFirstOrThrow()).id
  const { case: ours } = await openCase(ctx, { type: 'access', relationship: 'newsletter' })
  const { case: theirs } = await openCase(ctx, { type: 'access', relationship: 'candidate' })
  await app.db.updateTable('cases').set({ team_id: await teamId('marketing') }).where('id', '=', ours.id).execute()
  await app.db.updateTable('cases').set({ team_id: await teamId('recruitment') }).where('id', '=', theirs.id).execute()
  const target = await createStaff(app, { role: 'viewer' })

  const member = async (role: 'viewer' | 'handler' | 'admin', team: string | null) => {
    const s = await createStaff(app, { role })
    if (team) await app.db.insertInto('team_members').values({ team_id: await teamId(team), staff_id: s.id }).execute()
    const jar = new Jar()
    await loginAs(app, jar, s)
    const page = await app.inject({ url: '/staff/account', headers: { cookie: jar.header } })
    jar.store(page)
    return { ...s, jar, csrf: csrfFrom(page.body) }
  }
  const viewer = await member('viewer', null)
  const admin = await member('admin', null)
  const outsider = await member('handler', 'marketing')

  const path = (route: SchemaRoute, caseId: number) =>
    route.url.replace(':id', route.url.startsWith('/staff/admin/staff/') ? String(target.id) : String(caseId)).replace(':fileId', '1').replace(':token', 'x'.repeat(43))
  const send = (route: SchemaRoute, caseId: number, attack: Attack, jar: Jar | null): Promise<LightMyRequestResponse> =>
    app.inject({
      method: route.method as 'GET' | 'POST',
      url: path(route, caseId) + (attack.query ? `?${attack.query}` : ''),
      headers: { ...attack.headers, ...(jar ? { cookie: jar.header } : {}) },
      ...(attack.payload !== undefined ? { payload: attack.payload } : {}),
    })
  /** What the member gets for a well-formed request: 403 means the role is too low. */
  const refusedWhenWellFormed = async (route: SchemaRoute, who: { jar: Jar; csrf: string }) => {
    const res = await app.inject({
      method: route.method as 'GET' | 'POST',
      url: path(route, ours.id),
      headers: { cookie: who.jar.header, ...(route.method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(route.method === 'GET' ? {} : { payload: form({ _csrf: who.csrf }) }),
    })
    return res.statusCode === 403
  }

  let viewerRoutes = 0
  for (const route of routes) {
    const label = `${route.method} ${route.url}`
    const isPublic = PUBLIC.has(label)
    const forViewer = !isPublic && (await refusedWhenWellFormed(route, viewer))
    if (forViewer) viewerRoutes++
    for (const attack of attacks(route, null)) {
      const anon = await send(route, ours.id, attack, null)
      if (isPublic) {
        t.ok(anon.statusCode < 500, `${label}, ${attack.name}: public, answered without a server error (${anon.statusCode})`)
      } else {
        t.equal(anon.statusCode, 303, `${label}, ${attack.name}: anonymous → 303, not ${anon.statusCode}`)
        t.match(String(anon.headers.location), /^\/staff\/login(\?|$)/, `${label}, ${attack.name}: to the login page`)
      }
      if (forViewer) {
        const res = await send(route, ours.id, attack, viewer.jar)
        t.equal(res.statusCode, 403, `${label}, ${attack.name}: a viewer → 403, not ${res.statusCode}`)
        t.match(res.body, /Din roll ger inte tillgång till den här sidan/, `${label}, ${attack.name}: the role page, not the form-token page`)
        t.equal(res.headers['cache-control'], 'no-store')
      }
    }
  }
  t.ok(viewerRoutes >= 25, `${viewerRoutes} of these routes are closed to viewers`)

  // TEAM_SCOPED_ACCESS: another team's case does not exist for the handler, whatever the body says.
  const caseRoutes = routes.filter((r) => r.url.startsWith('/staff/cases/:id'))
  t.ok(caseRoutes.length >= 15, `${caseRoutes.length} case routes with a schema`)
  let ownReached = 0
  for (const route of caseRoutes) {
    const label = `${route.method} ${route.url}`
    for (const attack of attacks(route, outsider.csrf).filter((a) => a.name !== 'a JSON list')) {
      const res = await send(route, theirs.id, attack, outsider.jar)
      t.equal(res.statusCode, 404, `${label}, ${attack.name}: a handler of another team → 404, not ${res.statusCode}`)
      t.match(res.body, /Vi hittar inte sidan du söker/, `${label}, ${attack.name}: the not-found page`)
      if ((await send(route, ours.id, attack, outsider.jar)).statusCode === 400) ownReached++
    }
  }
  t.ok(ownReached > 0, `on their own team's case the same inputs meet the schema (${ownReached} cases)`)

  // Otherwise the inputs above would prove nothing: from an admin, who may use every route, with
  // their form token, the same inputs meet the schemas. Last, as some of them act.
  const reached: string[] = []
  for (const route of routes.filter((r) => !PUBLIC.has(`${r.method} ${r.url}`))) {
    for (const attack of attacks(route, admin.csrf)) {
      if ((await send(route, ours.id, attack, admin.jar)).statusCode === 400) reached.push(`${route.method} ${route.url}, ${attack.name}`)
    }
  }
  for (const kind of ['JSON', 'form field', 'query']) t.ok(reached.some((r) => r.includes(kind)), `an admin's ${kind} inputs get 400 (${reached.filter((r) => r.includes(kind)).length} routes)`)
})

t.test('the role refusal is in the member’s own language, as before', async (t) => {
  const { app } = await buildTestApp(t)
  const viewer = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, viewer)
  await app.staffService.sessions.setLang(viewer.id, 'en')
  const res = await app.inject({ method: 'POST', url: '/staff/admin/templates', headers: { cookie: jar.header, 'content-type': 'application/json' }, payload: '{"x":[1]}' })
  t.equal(res.statusCode, 403)
  t.match(res.body, /Your role does not give access to this page/)
})
