import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { Csrf } from '../../src/security/csrf.js'

/** The form tokens on @fastify/csrf alone: tokens for whom they were made, one cookie per page. */
async function tinyApp(t: Test) {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(cookie, { secret: 'a server secret of enough length here' })
  await app.register(formbody)
  const csrf = new Csrf('a server secret of enough length here', false)
  // Two forms on one page, as the staff pages have (the logout button and the page's own form).
  app.get('/form', async (request, reply) => ({ a: csrf.token(request, reply), b: csrf.token(request, reply, 'session-1') }))
  app.post<{ Body: { _csrf?: string; whom?: string } }>('/check', async (request) => ({ ok: csrf.verify(request, request.body._csrf, request.body.whom) }))
  return app
}

t.test('every token on a fresh page works with the one cookie it sets, and only for whom it was made', async (t) => {
  const app = await tinyApp(t)
  const page = await app.inject({ url: '/form' })
  const cookies = page.cookies as Array<{ name: string; value: string }>
  t.same(cookies.map((c) => c.name), ['dsr_csrf'], 'one cookie')
  const jar = `dsr_csrf=${cookies[0].value}`
  const { a, b } = page.json() as { a: string; b: string }
  const check = async (cookieHeader: string | null, fields: Record<string, string>) =>
    ((await app.inject({ method: 'POST', url: '/check', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookieHeader ? { cookie: cookieHeader } : {}) }, payload: new URLSearchParams(fields).toString() })).json() as { ok: boolean }).ok
  t.equal(await check(jar, { _csrf: a }), true, 'anonymous token')
  t.equal(await check(jar, { _csrf: b, whom: 'session-1' }), true, 'session token')
  t.equal(await check(jar, { _csrf: b }), false, 'a session token is not an anonymous one')
  t.equal(await check(jar, { _csrf: a, whom: 'session-1' }), false, 'nor the other way round')
  t.equal(await check(jar, { _csrf: b, whom: 'session-2' }), false, "another session's token")
  t.equal(await check(null, { _csrf: a }), false, 'no cookie')
  t.equal(await check(jar, {}), false, 'no field')
  const secret = decodeURIComponent(cookies[0].value).split('.')[0]
  t.equal(await check(`dsr_csrf=${secret}`, { _csrf: a }), false, 'an unsigned (planted) cookie counts for nothing')
})
