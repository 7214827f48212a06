import type { Test } from 'tap'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Fastify from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import app from '../../src/app.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { fastifyOptions } from '../../src/fastify-options.js'

const SECRET = 's'.repeat(32)

function configError(t: Test, env: Record<string, string>, variable: string, label = `${variable}=${JSON.stringify(Object.values(env).at(-1))}`) {
  try {
    loadConfig({ NODE_ENV: 'test', ...env })
    t.fail(`${label}: expected a ConfigError`)
  } catch (error) {
    t.type(error, ConfigError, `${label}: ConfigError`)
    t.equal((error as ConfigError).variable, variable, `${label}: names ${variable}`)
    t.match((error as Error).message, variable, `${label}: the message names ${variable}`)
  }
}

t.test('defaults', async (t) => {
  const c = loadConfig({ NODE_ENV: 'test' })
  t.equal(c.env, 'test')
  t.equal(c.port, 3000)
  t.equal(c.host, '127.0.0.1')
  t.equal(c.publicUrl, 'http://localhost:3000')
  t.equal(c.dataDir, resolve('data'))
  t.equal(c.databaseUrl, resolve('data/portal.db'))
  t.equal(c.smtpUrl, null, 'no SMTP_URL: dev mailbox')
  t.equal(c.mailDir, resolve('data/mail'))
  t.equal(c.mailFrom, 'Xtractor Interactive AB <no-reply@localhost.localdomain>')
  t.equal(c.staffEmail, null)
  t.ok(c.sessionSecret.length >= 32)
  t.equal(c.logLevel, 'silent', 'silent in tests')
  t.equal(c.trustProxy, false)
  t.equal(c.verifyTokenTtlHours, 24)
  t.equal(c.unverifiedRetentionDays, 2, 'Art. 5(1)(e): a submission whose link lived 24 hours is kept 2 days, not 7')
  t.equal(c.limitAddressPerHour, 3)
  t.equal(c.limitIpPerHour, 20)
  t.equal(c.bodyLimitBytes, 131072)
  t.equal(c.outboxPollMs, 2000)
  t.equal(c.holidayEves, false)

  const dir = t.testdir()
  const dev = loadConfig({ DATA_DIR: dir })
  t.equal(dev.env, 'development', 'development by default')
  t.equal(dev.logLevel, 'info')
  t.equal(loadConfig({ NODE_ENV: 'test', PORT: '8080' }).publicUrl, 'http://localhost:8080', 'PUBLIC_URL follows PORT')
})

t.test('values are read and normalised', async (t) => {
  const c = loadConfig({
    NODE_ENV: 'production',
    SUPPRESSION_KEY: 'p'.repeat(40),
    SECRETS_KEY: 'cd'.repeat(32),
    PORT: ' 8443 ',
    HOST: '0.0.0.0',
    PUBLIC_URL: 'https://dsr.xtractor.se/',
    DATABASE_URL: 'sqlite:/var/lib/dsr/portal.db',
    SMTP_URL: 'smtps://user:pass@mail.example.se:465',
    MAIL_FROM: 'Xtractor <dsr@xtractor.se>',
    STAFF_EMAIL: 'dpo@xtractor.se',
    SESSION_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, ::1',
    VERIFY_TOKEN_TTL_HOURS: '48',
    UNVERIFIED_RETENTION_DAYS: '14',
    LIMIT_ADDRESS_PER_HOUR: '5',
    LIMIT_IP_PER_HOUR: '100',
    BODY_LIMIT_BYTES: '65536',
    OUTBOX_POLL_MS: '500',
    HOLIDAY_EVES: 'yes',
  })
  t.match(c, {
    env: 'production',
    port: 8443,
    host: '0.0.0.0',
    publicUrl: 'https://dsr.xtractor.se',
    databaseUrl: '/var/lib/dsr/portal.db',
    smtpUrl: 'smtps://user:pass@mail.example.se:465',
    mailFrom: 'Xtractor <dsr@xtractor.se>',
    staffEmail: 'dpo@xtractor.se',
    sessionSecret: SECRET,
    logLevel: 'warn',
    trustProxy: '127.0.0.1, 10.0.0.0/8, ::1',
    verifyTokenTtlHours: 48,
    unverifiedRetentionDays: 14,
    limitAddressPerHour: 5,
    limitIpPerHour: 100,
    bodyLimitBytes: 65536,
    outboxPollMs: 500,
    holidayEves: true,
  })
  t.equal(loadConfig({ NODE_ENV: 'test', DATABASE_URL: ':memory:' }).databaseUrl, ':memory:')
  t.equal(loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://x.example.se' }).mailFrom, 'Xtractor Interactive AB <no-reply@x.example.se>', 'default sender on the public host')
  t.equal(loadConfig({ NODE_ENV: 'test', HOLIDAY_EVES: 'off' }).holidayEves, false)
  t.equal(loadConfig({ NODE_ENV: 'test', PORT: '' }).port, 3000, 'an empty value is unset')
})

t.test('every bad value is refused with the variable named', async (t) => {
  const bad: Array<[string, string]> = [
    ['NODE_ENV', 'staging'],
    ['PORT', 'eighty'],
    ['PORT', '-1'],
    ['PORT', '70000'],
    ['PORT', '3000.5'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://x.se'],
    ['PUBLIC_URL', 'https://x.se/?a=1'],
    ['PUBLIC_URL', 'https://user:pw@x.se'],
    ['DATABASE_URL', 'mysql://db/portal'],
    ['DATABASE_URL', 'postgres://db.example.se'],
    ['DATABASE_URL', 'postgres:///portal'],
    ['DATABASE_URL', 'postgres://[broken/portal'],
    ['DATABASE_POOL_SIZE', '0'],
    ['SMTP_URL', 'http://mail.example.se'],
    ['SMTP_URL', 'smtp//broken'],
    ['MAIL_FROM', 'not an address'],
    ['MAIL_FROM', 'Evil <a@b.se>\r\nBcc: x@y.se'],
    ['STAFF_EMAIL', 'dpo'],
    ['SESSION_SECRET', 'short'],
    ['LOG_LEVEL', 'verbose'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '*'],
    ['TRUST_PROXY', '1'],
    ['TRUST_PROXY', '10.0.0.0/99'],
    ['TRUST_PROXY', 'proxy.example.se'],
    ['VERIFY_TOKEN_TTL_HOURS', '0'],
    ['VERIFY_TOKEN_TTL_HOURS', '1h'],
    ['UNVERIFIED_RETENTION_DAYS', '0'],
    ['UNVERIFIED_RETENTION_DAYS', '1000'],
    ['LIMIT_ADDRESS_PER_HOUR', 'many'],
    ['LIMIT_IP_PER_HOUR', '-5'],
    ['BODY_LIMIT_BYTES', '10'],
    ['BODY_LIMIT_BYTES', '1e9'],
    ['OUTBOX_POLL_MS', '1'],
    ['HOLIDAY_EVES', 'maybe'],
  ]
  for (const [name, value] of bad) configError(t, { [name]: value }, name, `${name}=${JSON.stringify(value)}`)
  try {
    loadConfig({ NODE_ENV: 'test', SMTP_URL: 'smtp//user:Secret-Password@x' })
  } catch (error) {
    t.notMatch((error as Error).message, 'Secret-Password', 'a password in SMTP_URL is not echoed')
  }
})

t.test('DATABASE_URL takes a postgres:// or postgresql:// URL as given', async (t) => {
  for (const url of [
    'postgres://dsr:pw@db.example.se:5432/dsr',
    'postgresql://dsr@10.0.0.5/dsr?sslmode=require',
    'postgres:///dsr?host=/var/run/postgresql',
  ]) {
    t.equal(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url }).databaseUrl, url)
  }
  t.equal(loadConfig({ NODE_ENV: 'test' }).databasePoolSize, 10)
  t.equal(loadConfig({ NODE_ENV: 'test', DATABASE_POOL_SIZE: '25' }).databasePoolSize, 25)
  try {
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://dsr:Secret-Password@db.example.se' })
    t.fail('a URL without a database is refused')
  } catch (error) {
    t.match((error as Error).message, 'DATABASE_URL')
    t.notMatch((error as Error).message, 'Secret-Password', 'the password is not echoed')
  }
})

t.test('production requires SESSION_SECRET, SUPPRESSION_KEY and MAIL_FROM', async (t) => {
  const dir = t.testdir()
  configError(t, { NODE_ENV: 'production', DATA_DIR: dir, MAIL_FROM: 'a@xtractor.se' }, 'SESSION_SECRET', 'production without SESSION_SECRET')
  configError(t, { NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: SECRET, SUPPRESSION_KEY: SECRET }, 'MAIL_FROM', 'production without MAIL_FROM')
  t.notOk(existsSync(join(dir, 'session-secret')), 'production never generates a secret')
  configError(t, { NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: SECRET, MAIL_FROM: 'a@xtractor.se', SECRETS_KEY: 'ab'.repeat(32) }, 'SUPPRESSION_KEY', 'production without SUPPRESSION_KEY')
  t.notOk(existsSync(join(dir, 'suppression-key')), 'production never generates a suppression key')
  configError(t, { NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: SECRET, SUPPRESSION_KEY: SECRET, MAIL_FROM: 'a@xtractor.se' }, 'SECRETS_KEY', 'production without SECRETS_KEY')
  const ok = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: SECRET, SUPPRESSION_KEY: SECRET, MAIL_FROM: 'a@xtractor.se', SECRETS_KEY: 'ab'.repeat(32) })
  t.equal(ok.env, 'production')
})

t.test('development generates the session secret once and keeps it under DATA_DIR', async (t) => {
  const dir = join(t.testdir(), 'nested', 'data')
  const first = loadConfig({ DATA_DIR: dir })
  const file = join(dir, 'session-secret')
  t.ok(existsSync(file), 'written under DATA_DIR (folder created)')
  t.ok(first.sessionSecret.length >= 32)
  t.equal(readFileSync(file, 'utf8').trim(), first.sessionSecret)
  t.equal(statSync(file).mode & 0o077, 0, 'readable by the owner only')
  const second = loadConfig({ DATA_DIR: dir })
  t.equal(second.sessionSecret, first.sessionSecret, 'the same secret on the next start')
  t.equal(loadConfig({ DATA_DIR: dir, SESSION_SECRET: SECRET }).sessionSecret, SECRET, 'SESSION_SECRET wins')
  writeFileSync(file, 'too-short\n')
  const third = loadConfig({ DATA_DIR: dir })
  t.not(third.sessionSecret, 'too-short', 'a damaged file is replaced')
  t.ok(third.sessionSecret.length >= 32)
  t.not(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }).sessionSecret, third.sessionSecret, 'tests get a throwaway secret')
})

t.test('DATABASE_URL defaults under DATA_DIR, and its folder is created', async (t) => {
  const dir = join(t.testdir(), 'deep', 'er')
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir })
  t.equal(config.databaseUrl, join(dir, 'portal.db'))
  t.equal(config.mailDir, join(dir, 'mail'))
  t.notOk(existsSync(dir), 'nothing created by reading the config in test mode')
  const fastify = Fastify(fastifyOptions(config))
  await fastify.register(app, { config, background: false })
  await fastify.ready()
  t.ok(existsSync(join(dir, 'portal.db')), 'the database file is created')
  const res = await fastify.inject({ url: '/healthz' })
  t.equal(res.statusCode, 200)
  const mode = await fastify.db.selectFrom('outbox').select('id').execute()
  t.same(mode, [], 'migrated')
  await fastify.close()

  const other = join(t.testdir(), 'x', 'y', 'custom.db')
  const c2 = loadConfig({ NODE_ENV: 'test', DATABASE_URL: other })
  const f2 = Fastify(fastifyOptions(c2))
  await f2.register(app, { config: c2, background: false })
  await f2.ready()
  t.ok(existsSync(other), 'a DATABASE_URL path gets its folder too')
  const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(f2.db)).rows[0] as object)[0]
  t.equal(await pragma('journal_mode'), 'wal', 'WAL')
  t.equal(await pragma('synchronous'), 1, 'synchronous=NORMAL, with every write answered only after the WAL is synced (test/db/wal-sync.test.ts)')
  t.equal(await pragma('foreign_keys'), 1, 'foreign keys on')
  t.equal(await pragma('busy_timeout'), 5000, 'busy_timeout')
  await f2.close()
})

t.test('Art. 5(1)(e): unconfirmed submissions are kept as long as their link lives, and no longer by default', async (t) => {
  const base = { NODE_ENV: 'test' }
  t.equal(loadConfig({ ...base, VERIFY_TOKEN_TTL_HOURS: '72' }).unverifiedRetentionDays, 3, 'the default follows a longer link life')
  t.equal(loadConfig({ ...base, VERIFY_TOKEN_TTL_HOURS: '12' }).unverifiedRetentionDays, 2)
  t.equal(loadConfig({ ...base, VERIFY_TOKEN_TTL_HOURS: '48', UNVERIFIED_RETENTION_DAYS: '2' }).unverifiedRetentionDays, 2)
  configError(t, { VERIFY_TOKEN_TTL_HOURS: '72', UNVERIFIED_RETENTION_DAYS: '2' }, 'UNVERIFIED_RETENTION_DAYS', 'purged while the link still works')
})

t.test('staff passwords: Argon2id at OWASP minimum outside tests, a cheap cost under NODE_ENV=test only', async (t) => {
  const secret = { SESSION_SECRET: 'x'.repeat(40), SUPPRESSION_KEY: 'y'.repeat(40), MAIL_FROM: 'dsr@xtractor.se', DATA_DIR: '/tmp/dsr-config-test' }
  t.same(loadConfig({ ...secret, NODE_ENV: 'production', SECRETS_KEY: 'ab'.repeat(32) }).passwordHashCost, { memoryCost: 19456, timeCost: 2 })
  t.same(loadConfig({ ...secret, NODE_ENV: 'development' }).passwordHashCost, { memoryCost: 19456, timeCost: 2 })
  t.same(loadConfig({ ...secret }).passwordHashCost, { memoryCost: 19456, timeCost: 2 }, 'no NODE_ENV: the real cost')
  t.same(loadConfig({ ...secret, NODE_ENV: 'test' }).passwordHashCost, { memoryCost: 1024, timeCost: 1 })
})

t.test('SECRETS_KEY: 32 bytes (hex or base64url), generated once under DATA_DIR in development; the previous key accepted', async (t) => {
  const dir = t.testdir()
  const first = loadConfig({ DATA_DIR: dir })
  const file = join(dir, 'secrets-key')
  t.equal(first.secretsKey.length, 32)
  t.equal(statSync(file).mode & 0o077, 0, 'readable by the owner only')
  t.same(loadConfig({ DATA_DIR: dir }).secretsKey, first.secretsKey, 'the same key on the next start')
  t.same(loadConfig({ DATA_DIR: dir, SECRETS_KEY: 'ab'.repeat(32) }).secretsKey, Buffer.alloc(32, 0xab))
  t.equal(loadConfig({ DATA_DIR: dir, SECRETS_KEY: 'ab'.repeat(32), SECRETS_KEY_PREVIOUS: Buffer.alloc(32, 1).toString('base64url') }).secretsKeyPrevious?.length, 32)
  configError(t, { DATA_DIR: dir, SECRETS_KEY: 'too-short' }, 'SECRETS_KEY', 'a short key')
  configError(t, { DATA_DIR: dir, SECRETS_KEY: 'ab'.repeat(32), SECRETS_KEY_PREVIOUS: 'zz' }, 'SECRETS_KEY_PREVIOUS', 'a bad previous key')
  t.equal(loadConfig({ DATA_DIR: dir }).allowPrivateConnectorUrls, false)
  t.equal(loadConfig({ DATA_DIR: dir, ALLOW_PRIVATE_CONNECTOR_URLS: 'true' }).allowPrivateConnectorUrls, true)
  t.equal(loadConfig({ DATA_DIR: dir }).taskResultMaxBytes, 5 * 1024 * 1024)
})
