import t from 'tap'
import { redactUrl } from '../../src/fastify-options.js'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'

t.test('token paths and query strings never reach the log', async (t) => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde'
  for (const prefix of ['/verify', '/status', '/u', '/download', '/staff/setup', '/package', '/packages']) {
    t.equal(redactUrl(`${prefix}/${token}`), `${prefix}/[token]`, prefix)
    t.notMatch(redactUrl(`${prefix}/${token}/reply?x=1`), token, `${prefix}: sub-paths too`)
  }
  t.equal(redactUrl('/staff/cases/12'), '/staff/cases/12', 'ids stay: they help and identify nobody')
  t.equal(redactUrl('/staff?q=anna@example.se'), '/staff?[redacted]', 'searches are not logged')
})

t.test('issue 14 §6: an encoded path that the router serves is redacted as the router reads it', async (t) => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde'
  for (const path of ['/%73tatus', '/%76erify', '/%75', '/st%61tus', '/staff/%73etup', '/%64ownload']) {
    t.notMatch(redactUrl(`${path}/${token}`), token, `${path}/<token>`)
    t.notMatch(redactUrl(`${path}/${token}/reply`), token, `${path}/<token>/reply`)
  }
  t.equal(redactUrl(`/%73tatus/${token}/package`), '/%73tatus/[token]/package', 'the path keeps its shape')
  t.equal(redactUrl(`/verify/${token}/discard`), '/verify/[token]/discard')
  t.equal(redactUrl(`/status/ab%2Fcd`), '/status/[token]', 'a token with an encoded slash goes whole')
})

t.test('issue 14 §6: GET /%73tatus/<token>, /%76erify/<token>, /%75/<token>: served, and the token is not in the log', async (t) => {
  const lines: string[] = []
  const ctx = await buildTestApp(t, { env: { LOG_LEVEL: 'info' }, logStream: { write: (l) => void lines.push(l) } })
  const { app } = ctx
  const opened = await openCase(ctx)
  const status = await app.inject({ url: `/%73tatus/${opened.statusToken}` })
  t.equal(status.statusCode, 200, 'the router serves the encoded path')
  await app.inject({ url: `/%76erify/${opened.statusToken}` })
  await app.inject({ method: 'POST', url: `/%75/${opened.statusToken}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  await app.inject({ url: `/staff/%73etup/${opened.statusToken}` })
  t.ok(lines.some((l) => l.includes('%73tatus/[token]')), 'the request is logged')
  t.same(lines.filter((l) => l.includes(opened.statusToken)), [], 'no log line holds the token')
})
