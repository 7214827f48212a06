import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'

/**
 * A system key or purpose id in a path that cannot be one (a NUL byte, other control characters,
 * an overlong or upper-case text) is "not found", on the staff pages and in the API, and never
 * reaches the database: PostgreSQL answers a NUL byte with an error rather than a miss, which the
 * route fuzzer found as a 500 on `POST /staff/admin/map/systems/%00` (run with TEST_DATABASE_URL).
 */
const ODD = ['%00', 'a%00b', '%01', '%E2%80%8B', 'NEWSLETTER', 'x'.repeat(65), '..%2F..', '%C0%80']

t.test('odd keys and ids on the data map answer 404, on every route that looks one up', async (t) => {
  const { app } = await buildTestApp(t)
  const admin = await createStaff(app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const bearer = { authorization: `Bearer ${await apiTokenFor(app, admin)}` }

  for (const key of ODD) {
    for (const url of [`/staff/admin/map/systems/${key}`, `/staff/admin/map/purposes/${key}`]) {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: jar.header } })
      t.equal(res.statusCode, 404, `GET ${url}`)
    }
    for (const path of [`/staff/admin/map/systems/${key}`, `/staff/admin/map/systems/${key}/delete`, `/staff/admin/map/systems/${key}/test`, `/staff/admin/map/purposes/${key}`]) {
      const res = await staffForm(app, jar, path, { 'name.sv': 'x' }, { formPath: '/staff/admin/map' })
      t.equal(res.statusCode, 404, `POST ${path}`)
    }
    for (const [method, url] of [['PUT', `/api/v1/systems/${key}`], ['DELETE', `/api/v1/systems/${key}`], ['POST', `/api/v1/systems/${key}/test`], ['PUT', `/api/v1/purposes/${key}`]] as const) {
      const res = await app.inject({ method, url, headers: bearer, ...(method === 'PUT' ? { payload: {} } : {}) })
      t.equal(res.statusCode, 404, `${method} ${url}`)
      t.equal(res.json().error, 'not_found', `${method} ${url}: the API's not-found answer`)
    }
  }
  // A real key still opens.
  t.equal((await app.inject({ method: 'GET', url: '/staff/admin/map/systems/newsletter', headers: { cookie: jar.header } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/staff/admin/map/purposes/newsletter', headers: { cookie: jar.header } })).statusCode, 200)
})
