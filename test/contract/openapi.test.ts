import t from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import { buildTestApp } from '../helpers/app.js'

t.test('GET /api/v1/openapi.json: a valid OpenAPI 3.1 document with every /api/v1 route and its methods, without sign-in', async (t) => {
  const routes: Array<{ method: string; url: string }> = []
  const { app } = await buildTestApp(t, {
    beforeRegister: (f) =>
      f.addHook('onRoute', (r) => {
        for (const m of [r.method].flat()) if (m !== 'HEAD' && r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json') routes.push({ method: m, url: r.url })
      }),
  })
  const res = await app.inject({ url: '/api/v1/openapi.json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /application\/json/)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')
  const result = await new Validator().validate(doc)
  t.ok(result.valid, 'valid against the OpenAPI 3.1 schema')
  if (!result.valid) t.comment(JSON.stringify(result.errors).slice(0, 2000))
  t.ok(routes.length > 30, 'the routes were seen')
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}')
    const op = doc.paths?.[path]?.[r.method.toLowerCase()]
    t.ok(op, `${r.method} ${r.url} is in the document`)
    // Every answer is described: a success (or a file download) and the errors, each with its shape.
    const statuses = Object.keys(op?.responses ?? {})
    t.ok(statuses.some((s) => s.startsWith('2')), `${r.method} ${r.url} describes its success answer`)
    t.ok(statuses.some((s) => s.startsWith('4')), `${r.method} ${r.url} describes its error answers`)
  }
  t.same(doc.paths['/api/v1/requests'].post.security, [], 'the public intake says it needs no token')
})
