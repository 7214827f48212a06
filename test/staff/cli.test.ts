import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../../src/cli.js'
import { buildTestApp, Jar, PUBLIC_URL } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'
import { loginAs } from '../helpers/staff.js'

const SECRET = 'cli-test-session-secret-0123456789abcdef'

/** A SQLite file, or one PostgreSQL schema shared by the CLI runs and the app (TEST_DATABASE_URL). */
async function tempDb(t: Test): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-staff-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return testDatabaseUrl(t, join(dir, 'portal.db'))
}

/** Runs the CLI as `dsr-portal …` would, capturing its output. */
async function cli(dbFile: string, argv: string[], stdin = '') {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    env: { NODE_ENV: 'test', DATABASE_URL: dbFile, PUBLIC_URL, SESSION_SECRET: SECRET },
    stdin: async () => stdin,
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    now: () => new Date('2026-11-25T09:00:00Z'),
  })
  return { code, out, err }
}

const PW = 'blåbärssoppa vid vasaloppet'
const PW2 = 'kanelbullar och kardemumma'

t.test('staff add, list, passwd, disable and tokens from the command line, then sign in', async (t) => {
  const db = await tempDb(t)

  const add = await cli(db, ['staff', 'add', '--email', 'Anna.Admin@Xtractor.se', '--name', 'Anna Admin', '--role', 'admin'], PW + '\n')
  t.equal(add.code, 0, add.err.join('\n'))
  t.match(add.out.join('\n'), /Added staff member #1 \(admin\)/)
  t.notMatch(add.out.join('\n'), new RegExp(PW), 'the password is not echoed')

  t.equal((await cli(db, ['staff', 'add', '--email', 'hugo@xtractor.se', '--name', 'Hugo Handler', '--role', 'handler'], PW2 + '\r\n')).code, 0, 'CRLF is stripped')

  const dup = await cli(db, ['staff', 'add', '--email', 'anna.admin@xtractor.se', '--name', 'Other', '--role', 'viewer'], PW + '\n')
  t.equal(dup.code, 1)
  t.match(dup.err.join('\n'), /already exists/)
  t.notMatch(dup.err.join('\n'), /anna/i, 'the error does not repeat the address')

  const badRole = await cli(db, ['staff', 'add', '--email', 'x@xtractor.se', '--name', 'X', '--role', 'boss'], PW + '\n')
  t.not(badRole.code, 0)
  t.match(badRole.err.join('\n'), /role/)
  const noPw = await cli(db, ['staff', 'add', '--email', 'x@xtractor.se', '--name', 'X', '--role', 'viewer'], '')
  t.equal(noPw.code, 1)
  t.match(noPw.err.join('\n'), /standard input/)
  const weak = await cli(db, ['staff', 'add', '--email', 'x@xtractor.se', '--name', 'X', '--role', 'viewer'], 'password1234\n')
  t.equal(weak.code, 1)
  t.match(weak.err.join('\n'), /too common/)
  const missing = await cli(db, ['staff', 'add', '--email', 'x@xtractor.se'], PW)
  t.not(missing.code, 0)
  t.match(missing.err.join('\n'), /--name/)

  const list = await cli(db, ['staff', 'list'])
  t.equal(list.code, 0)
  t.match(list.out[0], /^EMAIL\s+NAME\s+ROLE\s+STATUS\s+MFA$/)
  t.match(list.out.join('\n'), /Anna\.Admin@xtractor\.se\s+Anna Admin\s+admin\s+active\s+off/)
  t.match(list.out.join('\n'), /hugo@xtractor\.se\s+Hugo Handler\s+handler\s+active\s+off/)

  const token = await cli(db, ['token', 'create', '--email', 'hugo@xtractor.se', '--name', 'integration'])
  t.equal(token.code, 0)
  const apiToken = token.out.at(-1)!
  t.match(apiToken, /^dsr_[A-Za-z0-9_-]{43}$/, 'the token is the last line')
  t.equal((await cli(db, ['token', 'create', '--email', 'nobody@xtractor.se'])).code, 1)

  // The server on the same database file.
  const { app, clock } = await buildTestApp(t, { env: { DATABASE_URL: db, SESSION_SECRET: SECRET } })
  clock.set('2026-11-25T09:30:00Z')
  const stored = await app.db.selectFrom('api_tokens').selectAll().execute()
  t.equal(stored.length, 1)
  t.not(stored[0].token_hash, apiToken, 'only the hash is stored')
  t.match(stored[0].token_hash, /^[0-9a-f]{64}$/)

  const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${apiToken}` } })
  t.equal(me.statusCode, 200)
  t.match(me.json(), { email: 'hugo@xtractor.se', role: 'handler' }, 'the token carries the member\'s role')

  const anna = new Jar()
  await loginAs(app, anna, { email: 'anna.admin@xtractor.se', password: PW })
  const hugo = new Jar()
  await loginAs(app, hugo, { email: 'hugo@xtractor.se', password: PW2 })
  t.equal((await app.inject({ url: '/staff', headers: { cookie: hugo.header } })).statusCode, 200)

  // passwd: the new password works, the old one does not, and sessions end.
  const passwd = await cli(db, ['staff', 'passwd', '--email', 'hugo@xtractor.se'], 'en helt ny lösenordsfras\n')
  t.equal(passwd.code, 0, passwd.err.join('\n'))
  t.equal((await app.inject({ url: '/staff', headers: { cookie: hugo.header } })).statusCode, 303, 'the old session has ended')
  await t.rejects(loginAs(app, new Jar(), { email: 'hugo@xtractor.se', password: PW2 }), /status 401/)
  await loginAs(app, hugo, { email: 'hugo@xtractor.se', password: 'en helt ny lösenordsfras' })
  t.equal((await cli(db, ['staff', 'passwd', '--email', 'hugo@xtractor.se'], 'short\n')).code, 1, 'passwd applies the rules')
  t.equal((await cli(db, ['staff', 'passwd', '--email', 'nobody@xtractor.se'], PW + '\n')).code, 1)

  // revoke
  const revoke = await cli(db, ['token', 'revoke', '--email', 'hugo@xtractor.se'])
  t.equal(revoke.code, 0)
  t.match(revoke.out.join('\n'), /Revoked 1 API token/)
  t.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${apiToken}` } })).statusCode, 401, 'a revoked token no longer works')

  // disable: sessions end, tokens die, sign-in refused with the usual message.
  const token2 = (await cli(db, ['token', 'create', '--email', 'hugo@xtractor.se'])).out.at(-1)!
  t.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token2}` } })).statusCode, 200)
  const disable = await cli(db, ['staff', 'disable', '--email', 'hugo@xtractor.se'])
  t.equal(disable.code, 0)
  t.match(disable.out.join('\n'), /1 session\(s\) ended, 1 API token\(s\) revoked/)
  t.equal((await app.inject({ url: '/staff', headers: { cookie: hugo.header } })).statusCode, 303)
  t.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token2}` } })).statusCode, 401)
  await t.rejects(loginAs(app, new Jar(), { email: 'hugo@xtractor.se', password: 'en helt ny lösenordsfras' }), /status 401/)
  t.match((await cli(db, ['staff', 'list'])).out.join('\n'), /hugo@xtractor\.se\s+Hugo Handler\s+handler\s+disabled/)

  const last = await cli(db, ['staff', 'disable', '--email', 'anna.admin@xtractor.se'])
  t.equal(last.code, 1, 'the last admin cannot be disabled')
  t.match(last.err.join('\n'), /at least one active administrator/)

  // Every command left an audit entry, none with the addresses or passwords in it.
  const audit = await app.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
  const actions = audit.filter((a) => a.actor_type === 'cli').map((a) => a.action)
  for (const action of ['staff.add', 'staff.list', 'token.create', 'staff.passwd', 'token.revoke', 'staff.disable']) t.ok(actions.includes(action), `audited: ${action}`)
  const text = JSON.stringify(audit)
  t.notMatch(text, /hugo@|anna\.admin@/i)
  t.notMatch(text, /blåbär|kanelbullar|lösenordsfras/)
})

t.test('unknown and incomplete commands fail with a non-zero exit code', async (t) => {
  const db = await tempDb(t)
  t.equal((await cli(db, ['staff', 'disable'])).code, 2)
  t.equal((await cli(db, ['staff', 'disable', '--email', 'nobody@xtractor.se'])).code, 1)
  t.equal((await cli(db, ['token', 'revoke', '--email', 'nobody@xtractor.se'])).code, 1)
  const empty = await cli(db, ['staff', 'list'])
  t.equal(empty.code, 0)
  t.match(empty.out.join('\n'), /No staff members yet/)
})
