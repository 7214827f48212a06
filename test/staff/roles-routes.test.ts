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
type Entry = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; min: Role }

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
  { method: 'POST', path: '/staff/cases/:id/recipients', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/rectification', min: 'handler' },
  // Access packages (issue 6)
  { method: 'GET', path: '/staff/cases/:id/package', min: 'viewer' },
  { method: 'POST', path: '/staff/cases/:id/package/compile', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/files/:fileId/delete', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/cover-letter', min: 'handler' },
  { method: 'POST', path: '/staff/cases/:id/package/review', min: 'handler' },
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
  { method: 'GET', path: '/api/v1/suppressions', min: 'viewer' },
  { method: 'GET', path: '/api/v1/cases/:id/package', min: 'viewer' },
  { method: 'POST', path: '/api/v1/cases/:id/package/compile', min: 'handler' },
  { method: 'PUT', path: '/api/v1/cases/:id/package/cover-letter', min: 'handler' },
  { method: 'POST', path: '/api/v1/cases/:id/package/review', min: 'handler' },
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
]

/** Routes anyone may reach: sign-in, first-admin setup, and the public request API. */
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
])

const MULTIPART = new Set(['/staff/registers/import', '/staff/registers/candidates/:id/cv', '/staff/cases/:id/package/files'])

const ROLES: Role[] = ['viewer', 'handler', 'admin']
const below = (min: Role) => ROLES.slice(0, ROLES.indexOf(min))

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

  async function html(e: Entry, jar: Jar | null) {
    const url = fill(e.path).replace(':fileId', '1')
    if (e.method === 'GET') return app.inject({ url, headers: jar ? { cookie: jar.header } : {} })
    // A real form token from the member's own session, so only the role decides.
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
    const send = (token: string | null) =>
      app.inject({
        method: e.method,
        url: fill(e.path).replace(':fileId', '1'),
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(e.method === 'GET' || e.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
        ...(e.method === 'GET' || e.method === 'DELETE' ? {} : { payload: '{}' }),
      })
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
