import { createRequire } from 'node:module'
import t from 'tap'
import { compileDeferred, deferredCompilers, deferredCount } from '../../src/http/deferred-compilers.js'
import { buildTestApp } from '../helpers/app.js'

const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'))
const ajvOptions = { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } }
const schema = {
  type: 'object',
  required: ['token', 'n'],
  additionalProperties: false,
  properties: { token: { type: 'string', minLength: 3 }, n: { type: 'integer', minimum: 1 } },
}

t.test('the deferred validator gives the errors Fastify’s own compiler gives, and compiles on first use', async (t) => {
  const route = { schema, method: 'POST', url: '/x', httpPart: 'body' }
  const own = fastifyRequire('@fastify/ajv-compiler')()({}, ajvOptions)(route)
  const before = deferredCount()
  const deferred = deferredCompilers().compilersFactory!.buildValidator!({}, ajvOptions as never)(route as never) as ((d: unknown, c?: unknown) => unknown) & { errors?: unknown }
  t.equal(deferredCount(), before + 1, 'building the route compiled nothing yet')
  for (const body of [{ token: 'ab', n: 0, extra: 1 }, { n: 'x' }, null, 'text', { token: 'abc', n: 2 }]) {
    const ok = own(body)
    t.equal(deferred(body, { parentData: {}, parentDataProperty: 'body' }), ok, JSON.stringify(body))
    t.same(deferred.errors, own.errors, `same errors for ${JSON.stringify(body)}`)
  }
  t.equal(deferredCount(), before, 'compiled by the first call, once')
})

t.test('headers schemas are matched by lower-cased names, as with Fastify’s compiler', async (t) => {
  const validate = deferredCompilers().compilersFactory!.buildValidator!({}, ajvOptions as never)({
    schema: { type: 'object', required: ['X-Key'], properties: { 'X-Key': { type: 'string', minLength: 2 } } },
    method: 'GET', url: '/h', httpPart: 'headers',
  } as never) as (d: unknown, c?: unknown) => unknown
  t.equal(validate({ 'x-key': 'ok' }, { parentData: {}, parentDataProperty: 'headers' }), true)
  t.equal(validate({ 'x-key': 'o' }, { parentData: {}, parentDataProperty: 'headers' }), false)
})

t.test('the app: start-up leaves route schemas uncompiled, a bad body still gets its 400, every schema compiles', async (t) => {
  const { app } = await buildTestApp(t)
  const waiting = deferredCount()
  t.ok(waiting > 0, `${waiting} schemas wait for their first request`)
  const bad = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token: 42 } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.headers['content-type'], 'application/json; charset=utf-8')
  const body = bad.json() as Record<string, unknown>
  // The error handler's answer to a failed schema: built from Ajv's errors, field by field.
  t.match(body, { error: 'invalid_body', fields: { token: String } })
  t.same(Object.keys(body.fields as object), ['token'])
  t.notMatch(JSON.stringify(body), /stack|at \//, 'no stack')
  t.ok(deferredCount() < waiting, 'the route’s schema was compiled by its first request')
  const missing = await app.inject({ method: 'POST', url: '/api/v1/verify/discard', payload: {} })
  t.same(missing.json(), (await app.inject({ method: 'POST', url: '/api/v1/verify/discard', payload: {} })).json(), 'same answer before and after compiling')
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { error: 'invalid_body', fields: { token: String } }, 'a missing field is named')
  t.doesNotThrow(() => compileDeferred(), 'every route’s schemas compile')
  t.equal(deferredCount(), 0)
})
