import t from 'tap'
import { redactUrl } from '../../src/fastify-options.js'

t.test('token paths and query strings never reach the log', async (t) => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde'
  for (const prefix of ['/verify', '/status', '/u', '/download', '/staff/setup', '/package', '/packages']) {
    t.equal(redactUrl(`${prefix}/${token}`), `${prefix}/[token]`, prefix)
    t.notMatch(redactUrl(`${prefix}/${token}/reply?x=1`), token, `${prefix}: sub-paths too`)
  }
  t.equal(redactUrl('/staff/cases/12'), '/staff/cases/12', 'ids stay: they help and identify nobody')
  t.equal(redactUrl('/staff?q=anna@example.se'), '/staff?[redacted]', 'searches are not logged')
})
