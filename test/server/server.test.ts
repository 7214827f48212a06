import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../src/paths.js'
import { testDatabaseUrl } from '../helpers/db.js'
import { childEnv, httpGet, sleep, startServer, TS_CHILD } from '../helpers/server.js'


t.test('the server starts, answers /healthz, and finishes an in-flight request on SIGTERM', async (t) => {
  const dir = t.testdir()
  // The default file on SQLite; one schema for both starts with TEST_DATABASE_URL.
  const DATABASE_URL = await testDatabaseUrl(t, join(dir, 'portal.db'))
  const s = await startServer(t, { DATA_DIR: dir, DATABASE_URL, LOG_LEVEL: 'warn', LIMIT_IP_PER_HOUR: '100' })
  t.match(s.output(), `listening on http://localhost:${s.port}`)
  t.match(s.output(), 'Dev mailbox', 'says where email goes without SMTP_URL')
  const health = await httpGet(s.port, '/healthz')
  t.equal(health.status, 200)
  t.same(JSON.parse(health.body), { status: 'ok' })
  const home = await httpGet(s.port, '/')
  t.equal(home.status, 200)
  t.match(home.body, 'hej@xtractor.se')

  // A request whose headers have arrived but whose body is still coming when SIGTERM lands.
  const body = JSON.stringify({ type: 'access', email: 'inflight@example.com', name: 'In Flight' })
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: s.port, method: 'POST', path: '/api/v1/requests', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.flushHeaders()
    req.write(body.slice(0, 10))
    void (async () => {
      await sleep(300)
      s.child.kill('SIGTERM')
      await sleep(300)
      req.end(body.slice(10))
    })()
  })
  const res = await answer
  t.equal(res.status, 202, 'the in-flight request completes')
  t.same(JSON.parse(res.body), { status: 'pending_verification' })
  const exit = await s.exited
  t.same(exit, { code: 0, signal: null }, 'exits 0')
  t.notMatch(s.output(), /inflight@example\.com|In Flight/, 'no personal data in the output')

  // The request was stored and its email is waiting in the outbox for the next start.
  const again = await startServer(t, { DATA_DIR: dir, DATABASE_URL, LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '50' })
  t.equal((await httpGet(again.port, '/healthz')).status, 200)
  // Up to a minute: the restarted server's mail thread starts first, which took over 5 s on a
  // machine busy with a second suite.
  for (let i = 0; i < 1200 && !/\/verify\//.test(again.output()); i++) await sleep(50)
  t.match(again.output(), /\[dev mailbox\] +http:\/\/localhost:\d+\/verify\/[A-Za-z0-9_-]{43}/, 'the queued email goes out after the restart')
  again.child.kill('SIGINT')
  t.same(await again.exited, { code: 0, signal: null }, 'SIGINT exits 0 too')
})

t.test('a bad setting stops the server with the variable named', async (t) => {
  const dir = t.testdir()
  const s = await startServer(t, { DATA_DIR: dir, LIMIT_IP_PER_HOUR: 'lots' })
  const exit = await s.exited
  t.equal(exit.code, 1)
  t.match(s.output(), 'LIMIT_IP_PER_HOUR')
  t.notMatch(s.output(), /at .*\.ts:\d+/, 'no stack trace')
  const prod = await startServer(t, { DATA_DIR: dir, NODE_ENV: 'production' })
  t.equal((await prod.exited).code, 1)
  t.match(prod.output(), 'SESSION_SECRET')
})

t.test('a port in use is reported and exits 1', async (t) => {
  const dir = t.testdir()
  const first = await startServer(t, { DATA_DIR: join(dir, 'a'), LOG_LEVEL: 'warn' })
  const second = spawn(process.execPath, [...TS_CHILD, 'src/server.ts'], {
    cwd: projectRoot,
    env: childEnv({ PATH: process.env.PATH ?? '', PORT: String(first.port), DATA_DIR: join(dir, 'b'), LOG_LEVEL: 'error' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  second.stdout.on('data', (c: Buffer) => (out += c.toString()))
  second.stderr.on('data', (c: Buffer) => (out += c.toString()))
  const code = await new Promise<number | null>((resolve) => second.once('exit', (c) => resolve(c)))
  t.equal(code, 1)
  t.match(out, /could not start/)
  first.child.kill('SIGTERM')
  t.equal((await first.exited).code, 0)
})
