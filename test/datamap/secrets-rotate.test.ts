import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli.js'
import { createDb } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { DataMap, systemConfig } from '../../src/datamap/service.js'
import { CLI } from '../../src/staff/actor.js'
import { PUBLIC_URL } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'

/** `dsr-portal secrets rotate`: after SECRETS_KEY changes (the old one as SECRETS_KEY_PREVIOUS), every secret is resealed under the new key. */

const OLD = 'a'.repeat(64)
const NEW = 'b'.repeat(64)
const SECRET = 'whsec-rotate-0123456789abcdef'

t.test('secrets rotate reseals under the new key; afterwards the old key is not needed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-rotate-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const url = await testDatabaseUrl(t, join(dir, 'portal.db'))
  const db = createDb(url)
  t.teardown(() => db.destroy())
  await migrateToLatest(db)
  const keys = (current: string, previous: string | null) => ({ secretsKey: Buffer.from(current, 'hex'), secretsKeyPrevious: previous === null ? null : Buffer.from(previous, 'hex') })
  const map = new DataMap({ db, now: () => new Date(), connections: { ...keys(OLD, null), dataDir: dir, allowPrivateConnectorUrls: false } })
  await map.createSystem(CLI, { key: 'crm', name: { sv: 'CRM', en: 'CRM' }, kind: 'webhook', config: { url: 'https://crm.example.se/dsr', secret: SECRET } })

  const run = async (env: Record<string, string>) => {
    const out: string[] = []
    const err: string[] = []
    const code = await main(['secrets', 'rotate'], { env: { NODE_ENV: 'test', DATABASE_URL: url, PUBLIC_URL, DATA_DIR: dir, ...env }, out: (s) => out.push(s), err: (s) => err.push(s), now: () => new Date() })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  const without = await run({ SECRETS_KEY: NEW })
  t.equal(without.code, 1, 'the new key alone cannot open the old secrets')
  t.match(without.err, /SECRETS_KEY_PREVIOUS/)
  t.notMatch(without.err, SECRET)

  const done = await run({ SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD })
  t.equal(done.code, 0, done.err)
  t.match(done.out, 'Resealed 1 system under SECRETS_KEY')
  t.same(await systemConfig(db, 'crm', keys(NEW, null)), { kind: 'webhook', url: 'https://crm.example.se/dsr', secret: SECRET })
  await t.rejects(systemConfig(db, 'crm', keys(OLD, null)), 'the old key no longer opens it')
})
