import t, { type Test } from 'tap'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TaskRequest } from '../../src/connectors/contract.js'
import { verifySignature, webhookConnector } from '../../src/connectors/webhook.js'
import { sign } from '../../src/connectors/signature.js'
import { guardedLookup, isBlockedAddress, type Resolver } from '../../src/connectors/url-guard.js'

/** The webhook connector against a real HTTP receiver that checks the signature as the docs show. */

const SECRET = 'whsec-test-0123456789abcdef'
const CALLBACK = { url: 'https://portal.test/api/v1/tasks/t1/callback', token: 'cb-token-123' }
const req = (action: TaskRequest['action']): TaskRequest => ({ taskId: 't1', caseReference: 'DSR-2026-0001', action, subject: { email: 'anna@example.se', name: 'Anna' }, lang: 'sv' })

type Handler = (body: Record<string, unknown>, res: ServerResponse) => void

async function receiver(t: Test, handle: Handler) {
  const seen: Array<{ body: Record<string, unknown>; verified: boolean; headers: IncomingMessage['headers'] }> = []
  const server = createServer((request, res) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const verified = verifySignature(SECRET, request.headers['x-dsr-signature'] as string | undefined, raw, 300)
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>
      seen.push({ body, verified, headers: request.headers })
      if (!verified) {
        res.writeHead(401).end()
        return
      }
      handle(body, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dsr`
  return { url, seen }
}

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
const connector = (url: string, extra: Partial<Parameters<typeof webhookConnector>[0]> = {}) => webhookConnector({ url, secret: SECRET, allowPrivate: false, maxBytes: 5 * 1024 * 1024, ...extra })

t.test('200 finishes the task with the records; the body and signature are as documented', async (t) => {
  const r = await receiver(t, (body, res) => json(res, 200, { status: 'completed', records: [{ plan: 'gold', email: body.subject }], message: 'found 1' }))
  const out = await connector(r.url).run(req('access'), CALLBACK)
  t.same(out, { kind: 'done', status: 'completed', records: [{ plan: 'gold', email: { email: 'anna@example.se', name: 'Anna' } }], message: 'found 1' })
  t.equal(r.seen[0].verified, true, 'the receiver verified the signature')
  t.same(r.seen[0].body, { taskId: 't1', caseReference: 'DSR-2026-0001', action: 'access', subject: { email: 'anna@example.se', name: 'Anna' }, callbackUrl: CALLBACK.url, callbackToken: CALLBACK.token })
  t.match(r.seen[0].headers['x-dsr-signature'], /^t=\d+,v1=[0-9a-f]{64}$/)
})

t.test('202 means later; other answers, redirects, bad bodies and oversized answers throw', async (t) => {
  let answer: (res: ServerResponse) => void = (res) => res.writeHead(202).end()
  const r = await receiver(t, (_b, res) => answer(res))
  t.same(await connector(r.url).run(req('erasure'), CALLBACK), { kind: 'later' })
  answer = (res) => res.writeHead(500).end()
  await t.rejects(connector(r.url).run(req('erasure'), CALLBACK), /answered 500/)
  answer = (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end()
  await t.rejects(connector(r.url).run(req('erasure'), CALLBACK), /redirects are not followed/)
  answer = (res) => json(res, 200, { status: 'maybe' })
  await t.rejects(connector(r.url).run(req('erasure'), CALLBACK), /without a status/)
  answer = (res) => json(res, 200, { status: 'completed', records: ['x'.repeat(5000)] })
  await t.rejects(connector(r.url, { maxBytes: 1024 }).run(req('access'), CALLBACK), /TASK_RESULT_MAX_BYTES/)
  answer = () => {}
  await t.rejects(connector(r.url, { timeoutMs: 200 }).run(req('access'), CALLBACK), /no answer within 200 ms/)
  const wrong = webhookConnector({ url: r.url, secret: 'another-secret-0123456789', allowPrivate: false, maxBytes: 1024 })
  await t.rejects(wrong.run(req('access'), CALLBACK), /answered 401/, 'the receiver refuses a wrong signature')
})

t.test('test() is a signed {action: "test"} ping; a system that is down throws', async (t) => {
  const r = await receiver(t, (_b, res) => res.writeHead(204).end())
  t.same(await connector(r.url).test(), [{ table: new URL(r.url).host, ok: true, message: 'answered 204' }])
  t.same(r.seen[0].body, { action: 'test' })
  await t.rejects(connector('http://127.0.0.1:1/dsr').test(), /ECONNREFUSED/)
})

t.test('plan() names what the system is asked to do', async (t) => {
  t.same(await connector('https://crm.example.se/dsr').plan(req('erasure')), { summary: 'ask crm.example.se to erase the data it holds', steps: [{ description: 'ask crm.example.se to erase the data it holds', rows: 0 }], possible: true })
})

t.test('connect time: a blocked IP or a host name resolving to one is refused unless allowed', async (t) => {
  const r = await receiver(t, (_b, res) => json(res, 200, { status: 'not_found' }))
  const port = new URL(r.url).port
  await t.rejects(connector(`http://169.254.169.254:${port}/`).run(req('access'), CALLBACK), /link-local or cloud metadata/)
  await t.rejects(connector(`http://[fd00:ec2::254]:${port}/`).run(req('access'), CALLBACK), /link-local or cloud metadata/)
  // DNS changed after the URL was saved: the name now points at the metadata service.
  const metadata: Resolver = (_host, cb) => cb(null, [{ address: '169.254.169.254', family: 4 }])
  await t.rejects(connector(`http://shop.example.test:${port}/`, { resolver: metadata }).run(req('access'), CALLBACK), /shop\.example\.test resolves to a link-local/)
  const local: Resolver = (_host, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }])
  t.match(await connector(`http://shop.example.test:${port}/dsr`, { resolver: local }).run(req('access'), CALLBACK), { status: 'not_found' }, 'an ordinary address is reached')
  t.match(await connector(`http://localhost:${port}/dsr`).run(req('access'), CALLBACK), { status: 'not_found' }, 'by the system resolver too')
  const allowed = await new Promise((resolve) => guardedLookup(true, metadata)('shop.example.test', {}, (err, address) => resolve(err ?? address)))
  t.equal(allowed, '169.254.169.254', 'ALLOW_PRIVATE_CONNECTOR_URLS=true: the address is used')
  t.ok(isBlockedAddress('::ffff:169.254.1.1') && isBlockedAddress('fe80::1%eth0') && !isBlockedAddress('10.0.0.1') && !isBlockedAddress('127.0.0.1'))
})

t.test('verifySignature: the tolerance, a changed body, a wrong secret', async (t) => {
  const body = '{"a":1}'
  const at = new Date('2026-12-01T10:00:00Z')
  const header = sign(SECRET, body, at)
  t.ok(verifySignature(SECRET, header, body, 300, at))
  t.notOk(verifySignature(SECRET, header, body, 300, new Date(at.getTime() + 301_000)), 'too old')
  t.notOk(verifySignature(SECRET, header, '{"a":2}', 300, at))
  t.notOk(verifySignature('other-secret', header, body, 300, at))
  t.notOk(verifySignature(SECRET, undefined, body, 300, at))
  t.notOk(verifySignature(SECRET, 't=abc,v1=zz', body, 300, at))
})

t.test('the docs’ ten-line receiver check accepts what the portal signs and refuses a changed body', async (t) => {
  const doc = readFileSync(new URL('../../docs/connecting-systems.md', import.meta.url), 'utf8')
  const code = /```js\n([\s\S]*?)```/.exec(doc)![1]
  t.ok(code.split('\n').filter((l) => l.trim() && !l.startsWith('//')).length <= 10, 'ten lines')
  const make = new Function('createHmac', 'timingSafeEqual', code.replace(/^import .*\n/, '') + '\nreturn verifySignature') as (...a: unknown[]) => (s: string, h: string, b: string) => boolean
  const docVerify = make(createHmac, timingSafeEqual)
  const body = JSON.stringify({ action: 'test' })
  const header = sign(SECRET, body, new Date())
  t.equal(docVerify(SECRET, header, body), true)
  t.equal(docVerify(SECRET, header, body + ' '), false)
  t.equal(docVerify('wrong-secret', header, body), false)
  t.equal(docVerify(SECRET, sign(SECRET, body, new Date(Date.now() - 3600_000)), body), false, 'an old signature')
})
