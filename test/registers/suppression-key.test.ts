import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli.js'
import { createDb } from '../../src/db/connection.js'
import { loadConfig } from '../../src/config.js'
import { suppressionKeyId } from '../../src/registers/suppression-hash.js'
import { PUBLIC_URL } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'

t.test('npx dsr-portal suppression-key show prints the key and its id, and the audit log says so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-supkey-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const databaseUrl = await testDatabaseUrl(t, join(dir, 'portal.db'))
  const key = 'a-suppression-key-of-at-least-32-characters'
  const out: string[] = []
  const code = await main(['suppression-key', 'show'], { env: { NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dir, PUBLIC_URL, SUPPRESSION_KEY: key }, out: (s) => out.push(s), err: (s) => out.push(s) })
  t.equal(code, 0)
  t.same(out, [`SUPPRESSION_KEY=${key}`, `keyId=${suppressionKeyId(key)}`])
  const db = createDb(databaseUrl)
  t.teardown(() => db.destroy())
  const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'register.suppression_key_show').execute()
  t.equal(audit.length, 1)
  t.match(audit[0], { actor_type: 'cli' })
  t.notMatch(JSON.stringify(audit), key, 'the key itself is not in the log')
})

t.test('SUPPRESSION_KEY: required in production, generated and kept in development, checked for length', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-supkey-cfg-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const secret = { SESSION_SECRET: 's'.repeat(40), MAIL_FROM: 'a@xtractor.se', DATA_DIR: dir }
  t.throws(() => loadConfig({ ...secret, NODE_ENV: 'production' }), /SUPPRESSION_KEY/)
  t.throws(() => loadConfig({ ...secret, NODE_ENV: 'production', SUPPRESSION_KEY: 'short' }), /at least 32/)
  const dev = loadConfig({ ...secret, NODE_ENV: 'development' })
  t.equal(readFileSync(join(dir, 'suppression-key'), 'utf8').trim(), dev.suppressionKey)
  t.equal(loadConfig({ ...secret, NODE_ENV: 'development' }).suppressionKey, dev.suppressionKey, 'the same key after a restart')
  t.equal(dev.suppressionMinimiseDays, 30)
  t.equal(loadConfig({ ...secret, NODE_ENV: 'test', SUPPRESSION_MINIMISE_DAYS: '7' }).suppressionMinimiseDays, 7)
})
