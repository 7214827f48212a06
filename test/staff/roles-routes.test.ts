import type { Test } from 'tap'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'
import type { Role } from '../../src/staff/roles.js'

/**
 * Roles × routes: every staff page and staff API route, asked by nobody, by each role below the
 * one it needs, and by that role. The table must name every registered staff route, so a new
 * route cannot ship without saying who may use it.
 */
type Entry = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; min: Role }

const HTML: Entry[] = [
  { method: 'GET', path: '/staff', min: 'viewer' },
  { method: 'GET', path: '/staff/account', min: 'viewer' },
  { method: 'POST', path: '/staff/account/password', min: 'viewer' },
  { method: 'GET', path: '/staff/account/mfa', min: 'viewer' },
  { method: 'POST', path: '/staff/account/mfa/enable', min: 'viewer' },
  { method: 'POST', path: '/staff/account/mfa/disable', min: 'viewer' },
  { method: 'GET', path: '/staff/admin/staff', min: 'admin' },
  { method: 'POST', path: '/staff/admin/staff', min: 'admin' },
  { method: 'POST', path: '/staff/admin/staff/:id/role', min: 'admin' },
  { method: 'POST', path: '/staff/admin/staff/:id/disable', min: 'admin' },
  { method: 'GET', path: '/staff/cases/:id', min: 'viewer' },
  { method: 'POST', path: '/staff/cases/:id/assign', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/status', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/notes', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/messages', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/extend', min: 'handler' },
  { method: 'GET', path: '/staff/cases/new', min: 'handler' },
  { method: 'POST', path: '/staff/cases/new', min: 'handler' },
  { method: 'GET', path: '/staff/admin/templates', min: 'admin' },
  { method: 'POST', path: '/staff/admin/templates', min: 'admin' },
  { method: 'GET', path: '/staff/reports', min: 'viewer' },
  { method: 'GET', path: '/staff/deadlines', min: 'viewer' },
  // Registers (issue 5)
  { method: 'GET', path: '/staff/registers', min: 'viewer' },
  { method: 'POST', path: '/staff/registers/import', min: 'admin' },
  { method: 'POST', path: '/staff/registers/candidates/:id/cv', min: 'handler' },
  { method: 'GET', path: '/staff/registers/candidates/:id/cv', min: 'handler' },
  { method: 'GET', path: '/staff/registers/:register/:id', min: 'viewer' },
  { method: 'POST', path: '/staff/registers/:register/:id', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/recipients', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/rectification', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/records', min: 'handler' },
  // Access packages (issue 6)
  { method: 'GET', path: '/staff/cases/:id/package', min: 'viewer' },
  { method: 'POST', path: '/staff/cases/:id/package/compile', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/files/:fileId/delete', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/cover-letter', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/review', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/withheld', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/authority', min: 'handler' },
  { method: 'GET', path: '/staff/cases/:id/proof', min: 'viewer' },
  { method: 'POST', path: '/staff/cases/:id/package/send', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/files', min: 'handler' },
  { method: 'GET', path: '/staff/cases/:id/package/preview', min: 'handler' },
  // Routing, processor cases, questions (issue 9)
  { method: 'POST', path: '/staff/cases/:id/client', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/forward', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/answer', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/team', min: 'handler' },
  { method: 'GET', path: '/staff/admin/routing', min: 'admin' },
  { method: 'POST', path: '/staff/admin/routing', min: 'admin' },
  { method: 'GET', path: '/staff/admin/routing/:id', min: 'admin' },
  { method: 'POST', path: '/staff/admin/routing/:id', min: 'admin' },
  { method: 'POST', path: '/staff/admin/routing/:id/move', min: 'admin' },
  { method: 'POST', path: '/staff/admin/routing/:id/delete', min: 'admin' },
  { method: 'GET', path: '/staff/admin/teams', min: 'admin' },
  { method: 'POST', path: '/staff/admin/teams', min: 'admin' },
  { method: 'POST', path: '/staff/admin/teams/:id', min: 'admin' },
  { method: 'GET', path: '/staff/routing/test', min: 'viewer' },
  { method: 'GET', path: '/staff/escalation', min: 'viewer' },
  { method: 'POST', path: '/staff/escalation/run', min: 'admin' },
  // The data map (issue 19)
  { method: 'GET', path: '/staff/admin/map', min: 'admin' },
  { method: 'GET', path: '/staff/admin/map/purposes/:id', min: 'admin' },
  { method: 'POST', path: '/staff/admin/map/purposes/:id', min: 'admin' },
  { method: 'GET', path: '/staff/admin/map/new-system', min: 'admin' },
  { method: 'POST', path: '/staff/admin/map/systems', min: 'admin' },
  { method: 'GET', path: '/staff/admin/map/systems/:key', min: 'admin' },
  { method: 'POST', path: '/staff/admin/map/systems/:key', min: 'admin' },
  { method: 'POST', path: '/staff/admin/map/systems/:key/delete', min: 'admin' },
  { method: 'POST', path: '/staff/admin/map/systems/:key/test', min: 'admin' },
  // Fulfilment tasks (issue 20)
  { method: 'POST', path: '/staff/cases/:id/tasks/approve', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/tasks/:taskId/complete', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/tasks/:taskId/waive', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/tasks/add', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/tasks/:taskId/remove', min: 'handler' },
  { method: 'GET', path: '/staff/admin/readiness', min: 'admin' },
]

const API: Entry[] = [
  { method: 'GET', path: '/api/v1/me', min: 'viewer' },
  { method: 'GET', path: '/api/v1/cases', min: 'viewer' },
  { method: 'GET', path: '/api/v1/cases/:id', min: 'viewer' },
  { method: 'POST', path: '/api/v1/cases', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/assign', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/status', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/notes', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/messages', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/extend', min: 'handler' },
  { method: 'GET', path: '/api/v1/deadlines', min: 'viewer' },
  { method: 'POST', path: '/api/v1/subscribers', min: 'handler' },
  { method: 'GET', path: '/api/v1/subscribers/:id', min: 'viewer' },
  { method: 'PATCH', path: '/api/v1/subscribers/:id', min: 'handler' },
  { method: 'DELETE', path: '/api/v1/subscribers/:id', min: 'handler' },
  { method: 'POST', path: '/api/v1/subscribers/:id/restriction', min: 'handler' },
  { method: 'POST', path: '/api/v1/subscribers/:id/restriction/lift', min: 'handler' },
  { method: 'GET', path: '/api/v1/suppressions', min: 'viewer' },
  { method: 'GET', path: '/api/v1/cases/:id/package', min: 'viewer' },
  { method: 'POST', path: '/api/v1/cases/:id/package/compile', min: 'handler' },
  { method: 'PUT', path: '/api/v1/cases/:id/package/cover-letter', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/package/review', min: 'handler' },
  { method: 'PUT', path: '/api/v1/cases/:id/package/withheld', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/authority', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/package/send', min: 'handler' },
  { method: 'DELETE', path: '/api/v1/cases/:id/package/files/:fileId', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/package/files', min: 'handler' },
  { method: 'GET', path: '/api/v1/cases/:id/package/preview', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/client', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/forward', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/answer', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/team', min: 'handler' },
  { method: 'GET', path: '/api/v1/teams', min: 'viewer' },
  { method: 'POST', path: '/api/v1/teams', min: 'admin' },
  { method: 'PUT', path: '/api/v1/teams/:id', min: 'admin' },
  { method: 'GET', path: '/api/v1/routing-rules', min: 'viewer' },
  { method: 'POST', path: '/api/v1/routing-rules', min: 'admin' },
  { method: 'PUT', path: '/api/v1/routing-rules/:id', min: 'admin' },
  { method: 'DELETE', path: '/api/v1/routing-rules/:id', min: 'admin' },
  { method: 'PUT', path: '/api/v1/routing-rules', min: 'admin' },
  { method: 'POST', path: '/api/v1/routing-rules/test', min: 'viewer' },
  { method: 'GET', path: '/api/v1/purposes', min: 'viewer' },
  { method: 'PUT', path: '/api/v1/purposes/:id', min: 'admin' },
  { method: 'GET', path: '/api/v1/systems', min: 'viewer' },
  { method: 'POST', path: '/api/v1/systems', min: 'admin' },
  { method: 'PUT', path: '/api/v1/systems/:key', min: 'admin' },
  { method: 'DELETE', path: '/api/v1/systems/:key', min: 'admin' },
  { method: 'POST', path: '/api/v1/systems/:key/test', min: 'admin' },
  { method: 'GET', path: '/api/v1/cases/:id/tasks', min: 'viewer' },
  { method: 'POST', path: '/api/v1/cases/:id/tasks/approve', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/tasks/:taskId/complete', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/tasks/:taskId/waive', min: 'handler' },
  { method: 'GET', path: '/api/v1/recipient-categories', min: 'viewer' },
]

/** Routes anyone may reach: sign-in, first-admin setup, the public request API and the OpenAPI document. */
const PUBLIC = new Set([
  'GET /staff/login',
  'POST /staff/login',
  'GET /staff/login/mfa',
  'POST /staff/login/mfa',
  'POST /staff/logout',
  'GET /staff/setup/:token',
  'POST /staff/setup/:token',
  'POST /api/v1/requests',
  'POST /api/v1/verify',
  'POST /api/v1/verify/discard',
  'GET /api/v1/openapi.json',
  // Signed in by the task's own callback token, not a staff token (test/tasks/api.test.ts).
  'POST /api/v1/tasks/:taskId/callback',
])

const MULTIPART = new Set(['/staff/registers/import', '/staff/registers/candidates/:id/cv', '/staff/cases/:id/package/files'])

const ROLES: Role[] = ['viewer', 'handler', 'admin']
const below = (min: Role) => ROLES.slice(0, ROLES.indexOf(min))

/** A staff page request as the member's browser sends it: a real form token from their own session, so only the role decides. */
async function htmlRequest(app: FastifyInstance, e: Entry, url: string, jar: Jar | null) {
  if (e.method === 'GET') return app.inject({ url, headers: jar ? { cookie: jar.header } : {} })
  let csrf = 'x'
  if (jar) {
    const page = await app.inject({ url: '/staff/account', headers: { cookie: jar.header } })
    jar.store(page)
    csrf = csrfFrom(page.body)
  }
  // Upload forms are multipart: the token travels as a part of the body.
  const multipart = MULTIPART.has(e.path)
  const boundary = 'roles-routes-boundary'
  return app.inject({
    method: e.method,
    url,
    headers: {
      'content-type': multipart ? `multipart/form-data; boundary=${boundary}` : 'application/x-www-form-urlencoded',
      ...(jar ? { cookie: jar.header } : {}),
    },
    payload: multipart ? `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}--\r\n` : form({ _csrf: csrf }),
  })
}

function apiRequest(app: FastifyInstance, e: Entry, url: string, token: string | null) {
  const bodyless = e.method === 'GET' || e.method === 'DELETE'
  return app.inject({
    method: e.method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(bodyless ? {} : { 'content-type': 'application/json' }) },
    ...(bodyless ? {} : { payload: '{}' }),
  })
}

async function registeredStaffRoutes(t: Test): Promise<string[]> {
  const routes: string[] = []
  await buildTestApp(t, {
    beforeRegister: (f: FastifyInstance) =>
      f.addHook('onRoute', (r) => {
        for (const m of [r.method].flat()) {
          if (m !== 'HEAD' && (r.url === '/staff' || r.url.startsWith('/staff/') || r.url.startsWith('/api/'))) routes.push(`${m} ${r.url}`)
        }
      }),
  })
  return routes
}

t.test('the table names every staff route, and only those', async (t) => {
  const routes = await registeredStaffRoutes(t)
  const table = new Set([...HTML, ...API].map((e) => `${e.method} ${e.path}`))
  const missing = routes.filter((r) => !table.has(r) && !PUBLIC.has(r))
  t.same(missing, [], 'every registered staff route has a role in the table')
  const stale = [...table].filter((r) => !routes.includes(r))
  t.same(stale, [], 'every table entry is a registered route')
})

t.test('roles × routes', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const opened = await openCase(ctx)
  const target = await createStaff(app, { role: 'viewer' })
  const fill = (path: string) => path.replace(':id', path.includes('/admin/staff/') ? String(target.id) : String(opened.case.id))

  const jars = {} as Record<Role, Jar>
  const tokens = {} as Record<Role, string>
  for (const role of ROLES) {
    const member = await createStaff(app, { role })
    jars[role] = new Jar()
    await loginAs(app, jars[role], member)
    tokens[role] = await apiTokenFor(app, member)
  }

  const html = (e: Entry, jar: Jar | null) => htmlRequest(app, e, fill(e.path).replace(':fileId', '1'), jar)

  for (const e of HTML) {
    const label = `${e.method} ${e.path}`
    const anon = await html(e, null)
    if (e.method === 'GET') {
      t.equal(anon.statusCode, 303, `${label}: anonymous is sent to sign in`)
      t.match(String(anon.headers.location), /^\/staff\/login/, `${label}: to the login page`)
    } else {
      t.ok([303, 401, 403].includes(anon.statusCode), `${label}: anonymous refused (${anon.statusCode})`)
      t.notOk(anon.statusCode === 303 && !String(anon.headers.location).startsWith('/staff/login'), `${label}: anonymous POST changes nothing`)
    }
    for (const role of below(e.min)) {
      const res = await html(e, jars[role])
      t.equal(res.statusCode, 403, `${label}: ${role} is refused`)
      t.equal(res.headers['cache-control'], 'no-store', `${label}: ${role}'s refusal not cached`)
    }
    const allowed = await html(e, jars[e.min])
    t.notOk([401, 403].includes(allowed.statusCode), `${label}: ${e.min} is let in (${allowed.statusCode})`)
    t.ok(allowed.statusCode < 500, `${label}: no 5xx for ${e.min}`)
  }

  for (const e of API) {
    const label = `${e.method} ${e.path}`
    const send = (token: string | null) => apiRequest(app, e, fill(e.path).replace(':fileId', '1'), token)
    const anon = await send(null)
    t.equal(anon.statusCode, 401, `${label}: no token → 401`)
    t.equal(anon.json().error, 'unauthorized')
    const forged = await send('dsr_' + 'A'.repeat(43))
    t.equal(forged.statusCode, 401, `${label}: an unknown token → 401`)
    for (const role of below(e.min)) {
      const res = await send(tokens[role])
      t.equal(res.statusCode, 403, `${label}: ${role} → 403`)
      t.equal(res.json().error, 'forbidden')
    }
    const allowed = await send(tokens[e.min])
    t.notOk([401, 403].includes(allowed.statusCode), `${label}: ${e.min} is let in (${allowed.statusCode})`)
    t.ok(allowed.statusCode < 500, `${label}: no 5xx for ${e.min}`)
  }

  // Roles apply to the member as they are now, not as they were at sign-in.
  const demoted = await createStaff(app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(app, jar, demoted)
  const token = await apiTokenFor(app, demoted)
  t.equal((await app.inject({ url: '/staff/admin/staff', headers: { cookie: jar.header } })).statusCode, 200)
  await app.db.updateTable('staff').set({ role: 'viewer' }).where('id', '=', demoted.id).execute()
  t.equal((await app.inject({ url: '/staff/admin/staff', headers: { cookie: jar.header } })).statusCode, 403, 'a demoted admin loses admin pages at once')
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{}' })).statusCode, 403, 'and their token loses handler rights')
})

/**
 * Issue 14 §6, TEAM_SCOPED_ACCESS=true: every case route, page and API, asked about another team's
 * case by a handler answers exactly as for a case that does not exist; queues and counts leave it out.
 */
t.test('TEAM_SCOPED_ACCESS: a handler reaches only their teams’ and their own cases; 404 for the rest', async (t) => {
  const ctx = await buildTestApp(t, { env: { TEAM_SCOPED_ACCESS: 'true' } })
  const { app } = ctx
  const teamId = async (key: string) => (await app.db.selectFrom('teams').select('id').where('key', '=', key).executeTakeFirstOrThrow()).id
  const { case: ours } = await openCase(ctx, { type: 'access', relationship: 'newsletter' })
  const { case: theirs } = await openCase(ctx, { type: 'access', relationship: 'candidate' })
  await app.db.updateTable('cases').set({ team_id: await teamId('marketing') }).where('id', '=', ours.id).execute()
  await app.db.updateTable('cases').set({ team_id: await teamId('recruitment') }).where('id', '=', theirs.id).execute()

  const member = async (role: Role, team: string | null) => {
    const s = await createStaff(app, { role })
    if (team) await app.db.insertInto('team_members').values({ team_id: await teamId(team), staff_id: s.id }).execute()
    const jar = new Jar()
    await loginAs(app, jar, s)
    return { ...s, jar, token: await apiTokenFor(app, s) }
  }
  const handler = await member('handler', 'marketing')
  const lonely = await member('handler', null)
  const escalation = await member('handler', 'data_protection')
  const admin = await member('admin', null)
  const viewer = await member('viewer', null)

  const caseRoutes = (entries: Entry[]) => entries.filter((e) => e.path.includes('/cases/:id'))
  const url = (e: Entry, id: number) => e.path.replace(':id', String(id)).replace(':fileId', '1')
  const missing = 99999999
  type Who = { jar: Jar; token: string }
  const page = (e: Entry, id: number, who: Who) => htmlRequest(app, e, url(e, id), who.jar)
  const api = (e: Entry, id: number, who: Who) => apiRequest(app, e, url(e, id), who.token)
  const hiddenPage = (body: string) => /Vi hittar inte sidan du söker/.test(body)
  const hiddenJson = (res: { statusCode: number; body: string }) => res.statusCode === 404 && /"error":"not_found","message":"(Ärendet finns inte\.|The case does not exist\.)"/.test(res.body)

  const pages = caseRoutes(HTML)
  const apis = caseRoutes(API)
  t.ok(pages.length >= 20 && apis.length >= 15, `${pages.length} case pages and ${apis.length} case API routes`)
  for (const e of pages) {
    const label = `${e.method} ${e.path}`
    const absent = await page(e, missing, handler)
    for (const [name, who] of [['a handler of another team', handler], ['a handler in no team', lonely]] as const) {
      const res = await page(e, theirs.id, who)
      t.equal(res.statusCode, 404, `${label}: ${name} → 404`)
      t.ok(hiddenPage(res.body), `${label}: ${name} gets the not-found page`)
      t.equal(res.statusCode, absent.statusCode, `${label}: as for a case that does not exist`)
    }
    for (const [name, who] of [['the team’s handler', handler], ['a member of the escalation team', escalation], ['an administrator', admin]] as const) {
      const target = who === handler ? ours : theirs
      const res = await page(e, target.id, who)
      t.notOk(res.statusCode === 404 && hiddenPage(res.body), `${label}: ${name} reaches it (${res.statusCode})`)
    }
    if (e.min === 'viewer') t.notOk(hiddenPage((await page(e, theirs.id, viewer)).body), `${label}: a viewer still reads every case`)
  }
  for (const e of apis) {
    const label = `${e.method} ${e.path}`
    const absent = await api(e, missing, handler)
    for (const [name, who] of [['a handler of another team', handler], ['a handler in no team', lonely]] as const) {
      const res = await api(e, theirs.id, who)
      t.ok(hiddenJson(res), `${label}: ${name} → 404 not_found (${res.statusCode} ${res.body.slice(0, 80)})`)
      t.same(res.json(), absent.json(), `${label}: the same answer as for a case that does not exist (${absent.body.slice(0, 100)})`)
    }
    for (const [name, who] of [['the team’s handler', handler], ['a member of the escalation team', escalation], ['an administrator', admin]] as const) {
      const target = who === handler ? ours : theirs
      const res = await api(e, target.id, who)
      t.notOk(hiddenJson(res), `${label}: ${name} reaches it (${res.statusCode})`)
    }
    if (e.min === 'viewer') t.notOk(hiddenJson(await api(e, theirs.id, viewer)), `${label}: a viewer still reads every case`)
  }

  // Queues and counts.
  const queue = await app.inject({ url: '/staff?team=all&status=all', headers: { cookie: handler.jar.header } })
  t.match(queue.body, ours.reference)
  t.notMatch(queue.body, theirs.reference, 'another team’s case is not listed, even under "all teams"')
  t.notMatch(queue.body, /Rekrytering \/ Recruitment: <strong>/, 'nor counted per team')
  const list = await app.inject({ url: '/api/v1/cases?team=all&status=all', headers: { authorization: `Bearer ${handler.token}` } })
  t.same(list.json().items.map((c: { id: number }) => c.id), [ours.id], 'the API lists only the team’s case')
  const search = await app.inject({ url: `/api/v1/cases?team=all&status=all&q=${encodeURIComponent(theirs.reference)}`, headers: { authorization: `Bearer ${handler.token}` } })
  t.same(search.json().items, [], 'nor finds the other by its reference')
  const alone = await app.inject({ url: '/staff?team=all', headers: { cookie: lonely.jar.header } })
  t.match(alone.body, /Du är inte med i något team, och här delas ärendena per team/, 'a handler in no team is told why the queue is empty')
  t.notMatch(alone.body, ours.reference)
  const aloneApi = await app.inject({ url: '/api/v1/cases?team=all', headers: { authorization: `Bearer ${lonely.token}` } })
  t.same(aloneApi.json().items, [])
  t.equal(aloneApi.json().notice.code, 'no_teams', 'and so is an API client')
  for (const who of [admin, viewer, escalation]) {
    t.match((await app.inject({ url: '/staff?team=all&status=all', headers: { cookie: who.jar.header } })).body, theirs.reference, 'admins, viewers and the escalation team see all')
  }

  // A case assigned to a handler is theirs, whatever its team.
  await app.db.updateTable('cases').set({ assignee_id: lonely.id }).where('id', '=', theirs.id).execute()
  t.equal((await app.inject({ url: `/staff/cases/${theirs.id}`, headers: { cookie: lonely.jar.header } })).statusCode, 200, 'assigned: reachable')
  t.match((await app.inject({ url: '/staff?team=all&status=all', headers: { cookie: lonely.jar.header } })).body, theirs.reference, 'and listed')

  // The setting off (the default): teams are queues, not a boundary.
  const open = await buildTestApp(t)
  const { case: c } = await openCase(open, { type: 'access', relationship: 'candidate' })
  const h = await createStaff(open.app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(open.app, jar, h)
  t.equal((await open.app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })).statusCode, 200, 'without TEAM_SCOPED_ACCESS a handler in no team reads any case')
})
