import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { listRoutes } from '../helpers/routes.js'
import { createStaff, loginAs } from '../helpers/staff.js'

/** Issue 14 §6: every page under /status/, /verify/, /u/ and /staff says X-Robots-Tag: noindex, nofollow; public pages stay indexable. */
t.test('X-Robots-Tag on every personal-link and staff page', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const opened = await openCase(ctx)
  const admin = await createStaff(app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const routes = listRoutes(app).filter((r) => /^\/(status|verify|u|staff)(\/|$)/.test(r.url))
  t.ok(routes.length > 40, `${routes.length} routes`)
  const fill = (url: string, token: string) => url.replace(':token', token).replace(/:[a-zA-Z]+/g, url.startsWith('/staff') ? String(opened.case.id) : token)
  for (const r of routes) {
    for (const [who, token, cookie] of [
      ['a stranger', 'x'.repeat(43), ''],
      ['the owner / staff', opened.statusToken, jar.header],
    ] as const) {
      const res = await app.inject({ method: r.method as 'GET', url: fill(r.url, token), headers: cookie ? { cookie } : {}, ...(r.method === 'GET' ? {} : { payload: {} }) })
      t.equal(res.headers['x-robots-tag'], 'noindex, nofollow', `${r.method} ${r.url} as ${who} (${res.statusCode})`)
    }
  }
  for (const url of ['/staff/no-such-page', `/%73tatus/${opened.statusToken}`, '/%76erify/x', '/st%61ff']) {
    t.equal((await app.inject({ url, headers: { cookie: jar.header } })).headers['x-robots-tag'], 'noindex, nofollow', url)
  }
  for (const url of ['/', '/request/access', '/staffing', '/status-page']) {
    t.equal((await app.inject({ url })).headers['x-robots-tag'], undefined, `${url} stays indexable`)
  }
})
