import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  publicUrl: string
  /** A SQLite file path, ':memory:', or a postgres:// / postgresql:// URL. */
  databaseUrl: string
  /** PostgreSQL only: the most connections one instance opens. */
  databasePoolSize: number
  dataDir: string
  /** Unset: the dev mailbox (files under mailDir, links printed to the console). */
  smtpUrl: string | null
  mailDir: string
  mailFrom: string
  staffEmail: string | null
  sessionSecret: string
  /** SUPPRESSION_KEY: the HMAC-SHA256 key the suppression list's address hashes are made with (a mailing tool needs the same key). */
  suppressionKey: string
  /** SUPPRESSION_MINIMISE_DAYS: an unsubscribed subscriber row is deleted this many days after the unsubscribe; only its suppression stays. */
  suppressionMinimiseDays: number
  /** PASSWORD_HASH_COST; under NODE_ENV=test a cheap one. */
  passwordHashCost: { memoryCost: number; timeCost: number }
  logLevel: string
  trustProxy: string | false
  verifyTokenTtlHours: number
  unverifiedRetentionDays: number
  limitAddressPerHour: number
  limitIpPerHour: number
  /** LIMIT_EMAILS_PER_HOUR: confirmation emails sent per hour in all; past it they wait in the outbox. */
  limitEmailsPerHour: number
  bodyLimitBytes: number
  outboxPollMs: number
  /** OUTBOX_LEASE_MS: how long a sender holds the emails it took before another may resend them (after a crash). */
  outboxLeaseMs: number
  /** Treat Midsummer Eve, Christmas Eve and New Year's Eve as holidays. */
  holidayEves: boolean
  /** Reminders list cases overdue or due within this many days. */
  reminderDays: number
  /** Stockholm hour after which the day's reminders go out. */
  reminderHour: number
  /** STAFF_REQUIRE_MFA: administrators without TOTP are sent to enrolment before anything else. */
  staffRequireMfa: boolean
  /** UNSUBSCRIBE_MAILTO: the mailto: address in List-Unsubscribe (RFC 2369); defaults to MAIL_FROM's address. */
  unsubscribeMailto: string
  /** CASE_RETENTION_YEARS: closed cases are reduced to a minimal record after this many years. */
  caseRetentionYears: number
  /** CV_MAX_BYTES: the largest CV file accepted. */
  cvMaxBytes: number
  /** IMPORT_MAX_BYTES: the largest CSV file accepted by the staff import page. */
  importMaxBytes: number
  /** Days a sent access/portability package (and its files) stays downloadable before it is deleted. */
  packageRetentionDays: number
  /** Days before an email supplier with a task still open is reminded (src/tasks). */
  taskReminderDays: number
  /** TASK_RESULT_MAX_BYTES: the largest answer a connected system may send for one task (a webhook's answer or its callback). */
  taskResultMaxBytes: number
  /** Largest file staff may add to a package. */
  packageUploadMaxBytes: number
  /** How many download codes a requester may ask for per package and hour. */
  packageCodesPerHour: number
  /** PROOF_MAX_BYTES: the largest proof of authority a representative may upload with a request. */
  proofMaxBytes: number
  /** MAIL_PROVIDER_NAME: who delivers the portal's email, named as a recipient in the notice at /privacy/requests (Art. 13(1)(e)). */
  mailProviderName: string | null
  /** ESCALATE_UNASSIGNED_HOURS: an open case nobody has taken after this many hours goes to the data-protection team; 0 turns that rule off (overdue cases still escalate). */
  escalateUnassignedHours: number
  /** Handlers read and act only on their teams' cases and those assigned to them (issue 14). */
  teamScopedAccess: boolean
  /** BRAND_NAME: the name in the page header and the logo's alt text; unset, the catalogue's company name. */
  brandName: string | null
  /** BRAND_LOGO: a PNG or SVG under DATA_DIR, read and checked at start; unset, the header is text. */
  brandLogo: BrandLogo | null
  /** SECRETS_KEY: 32 bytes sealing connector secrets (AES-256-GCM); generated under DATA_DIR in development, required in production. */
  secretsKey: Buffer
  /** SECRETS_KEY_PREVIOUS: the key before a rotation, accepted for reading until `dsr-portal secrets rotate` has resealed everything. */
  secretsKeyPrevious: Buffer | null
  /** ALLOW_PRIVATE_CONNECTOR_URLS: let connector URLs reach link-local and cloud metadata addresses (never in a cloud). */
  allowPrivateConnectorUrls: boolean
}

export interface BrandLogo {
  file: string
  type: 'image/png' | 'image/svg+xml'
  bytes: Buffer
  /** A PNG's own size in pixels (from its header); null for an SVG. */
  width: number | null
  height: number | null
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

function str(env: Env, name: string): string | undefined {
  const v = env[name]
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name)
  if (raw === undefined) return def
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`)
  return n
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name)
  if (raw === undefined) return def
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(name, `must be true or false, got "${raw}"`)
}

function url(name: string, raw: string, protocols: string[]): string {
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(name, 'is not a valid URL')
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`)
  }
  return raw
}

/** Checked here so a typo stops the start with the variable named; the URL's password is never echoed. */
function postgresUrl(raw: string): string {
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL')
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    throw new ConfigError('DATABASE_URL', 'must name the PostgreSQL host, e.g. postgres://user:password@db.example.se:5432/dsr')
  }
  if (parsed.pathname.replace(/^\//, '') === '') {
    throw new ConfigError('DATABASE_URL', 'must name the database, e.g. postgres://user:password@db.example.se:5432/dsr')
  }
  return raw
}

const EMAIL = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/

function email(env: Env, name: string): string | undefined {
  const raw = str(env, name)
  if (raw === undefined) return undefined
  const bare = /<([^>]+)>\s*$/.exec(raw)?.[1] ?? raw
  if (!EMAIL.test(bare) || /[\r\n]/.test(raw)) throw new ConfigError(name, 'is not a valid email address')
  return raw
}

/** A name shown on a public page: one plain line. */
function plainLine(env: Env, name: string, max: number): string | null {
  const raw = str(env, name)
  if (raw === undefined) return null
  // eslint-disable-next-line no-control-regex
  if (raw.length > max || /[\u0000-\u001f\u007f<>]/.test(raw)) throw new ConfigError(name, `must be one line of at most ${max} characters, without < or >`)
  return raw
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** An SVG document: an <svg> root after at most an XML declaration, comments and a doctype. */
const SVG_START = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i
const MAX_LOGO_BYTES = 1024 * 1024

/**
 * BRAND_LOGO: a .png or .svg file inside DATA_DIR (a path relative to it, or absolute), whose
 * content is what its name says, at most 1 MiB. Read once here, so a wrong file stops the start
 * with the variable named rather than showing a broken image.
 */
function brandLogo(env: Env, dataDir: string): BrandLogo | null {
  const raw = str(env, 'BRAND_LOGO')
  if (raw === undefined) return null
  const wrong = (why: string) => new ConfigError('BRAND_LOGO', `must be a PNG or SVG file under DATA_DIR (${dataDir}): ${why}, got "${raw}"`)
  let file: string
  let root: string
  try {
    root = realpathSync(dataDir)
    file = realpathSync(resolve(dataDir, raw))
  } catch {
    throw wrong('no such file')
  }
  const inside = relative(root, file)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw wrong('the file is outside DATA_DIR')
  const stat = statSync(file)
  if (!stat.isFile()) throw wrong('not a file')
  if (stat.size > MAX_LOGO_BYTES) throw wrong('larger than 1 MiB')
  const bytes = readFileSync(file)
  const ext = extname(file).toLowerCase()
  if (ext === '.png' && bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { file, type: 'image/png', bytes, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
  }
  if (ext === '.svg' && SVG_START.test(bytes.subarray(0, 4096).toString('utf8'))) return { file, type: 'image/svg+xml', bytes, width: null, height: null }
  throw wrong(ext === '.png' || ext === '.svg' ? `the content is not ${ext === '.png' ? 'a PNG image' : 'an SVG document'}` : 'only .png and .svg are accepted')
}

/** Development keeps one generated secret under the data folder so sessions survive restarts. */
export const DEV_SECRET_FILE = 'session-secret'

/** Argon2id for staff passwords: OWASP's minimum, 19 MiB of memory and 2 passes. */
export const PASSWORD_HASH_COST = { memoryCost: 19456, timeCost: 2 }
/** Under NODE_ENV=test only: the cheapest sound cost (1 MiB, 1 pass), as tests sign in hundreds of times. */
const TEST_PASSWORD_HASH_COST = { memoryCost: 1024, timeCost: 1 }

/** Development's generated suppression key, next to the session secret. */
export const DEV_SUPPRESSION_KEY_FILE = 'suppression-key'
/** Development keeps its generated SECRETS_KEY here; backups leave it out, like the session secret. */
export const DEV_SECRETS_KEY_FILE = 'secrets-key'

function devSecret(dataDir: string, name = DEV_SECRET_FILE): string {
  const file = join(dataDir, name)
  try {
    const existing = readFileSync(file, 'utf8').trim()
    if (existing.length >= 32) return existing
  } catch {
    // first start: generated below
  }
  const secret = randomBytes(32).toString('base64url')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  return secret
}

/** A 32-byte key written as 64 hex digits or 43 base64url characters. */
function secretKey(name: string, raw: string): Buffer {
  const bytes = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9_-]{43}=?$/.test(raw) ? Buffer.from(raw, 'base64url') : null
  if (!bytes || bytes.length !== 32) throw new ConfigError(name, 'must be 32 bytes written as 64 hex digits or 43 base64url characters (e.g. `openssl rand -hex 32`)')
  return bytes
}

function secretsKeys(env: Env, nodeEnv: Config['env'], dataDir: string): { secretsKey: Buffer; secretsKeyPrevious: Buffer | null } {
  const raw = str(env, 'SECRETS_KEY')
  let secretsKey: Buffer
  if (raw !== undefined) secretsKey = secretKey('SECRETS_KEY', raw)
  else if (nodeEnv === 'production') throw new ConfigError('SECRETS_KEY', 'is required when NODE_ENV=production')
  else secretsKey = nodeEnv === 'test' ? randomBytes(32) : Buffer.from(devSecret(dataDir, DEV_SECRETS_KEY_FILE), 'base64url')
  const previous = str(env, 'SECRETS_KEY_PREVIOUS')
  return { secretsKey, secretsKeyPrevious: previous === undefined ? null : secretKey('SECRETS_KEY_PREVIOUS', previous) }
}

export function loadConfig(env: Env = process.env): Config {
  const rawEnv = str(env, 'NODE_ENV') ?? 'development'
  if (!['development', 'production', 'test'].includes(rawEnv)) {
    throw new ConfigError('NODE_ENV', `must be development, production or test, got "${rawEnv}"`)
  }
  const nodeEnv = rawEnv as Config['env']
  const port = int(env, 'PORT', 3000, 0, 65535)
  const host = str(env, 'HOST') ?? '127.0.0.1'
  const publicUrl = url('PUBLIC_URL', str(env, 'PUBLIC_URL') ?? `http://localhost:${port}`, ['http:', 'https:']).replace(/\/+$/, '')
  {
    const u = new URL(publicUrl)
    if (u.search || u.hash || u.username || u.password) {
      throw new ConfigError('PUBLIC_URL', 'must be a plain base address such as https://portal.example.se, without query, fragment or credentials')
    }
  }
  const dataDir = resolve(str(env, 'DATA_DIR') ?? 'data')

  const rawDb = str(env, 'DATABASE_URL') ?? join(dataDir, 'portal.db')
  let databaseUrl: string
  if (rawDb === ':memory:') databaseUrl = rawDb
  else if (/^postgres(ql)?:\/\//i.test(rawDb)) databaseUrl = postgresUrl(rawDb)
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rawDb)) {
    throw new ConfigError('DATABASE_URL', 'must be a SQLite file path, :memory:, or a postgres:// URL')
  } else databaseUrl = resolve(rawDb.replace(/^sqlite:/, ''))

  const rawSmtp = str(env, 'SMTP_URL')
  const smtpUrl = rawSmtp === undefined ? null : url('SMTP_URL', rawSmtp, ['smtp:', 'smtps:'])

  let sessionSecret = str(env, 'SESSION_SECRET')
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters long')
  }
  if (sessionSecret === undefined) {
    if (nodeEnv === 'production') throw new ConfigError('SESSION_SECRET', 'is required when NODE_ENV=production')
    sessionSecret = nodeEnv === 'test' ? randomBytes(32).toString('base64url') : devSecret(dataDir)
  }

  // The suppression list's hashes are only comparable under one key: every instance, and the
  // mailing tool, must use the same one, so production names it and development keeps one on disk.
  let suppressionKey = str(env, 'SUPPRESSION_KEY')
  if (suppressionKey !== undefined && suppressionKey.length < 32) {
    throw new ConfigError('SUPPRESSION_KEY', 'must be at least 32 characters long')
  }
  if (suppressionKey === undefined) {
    if (nodeEnv === 'production') throw new ConfigError('SUPPRESSION_KEY', 'is required when NODE_ENV=production')
    suppressionKey = nodeEnv === 'test' ? randomBytes(32).toString('base64url') : devSecret(dataDir, DEV_SUPPRESSION_KEY_FILE)
  }

  const mailFrom = email(env, 'MAIL_FROM') ?? `Xtractor Interactive AB <no-reply@${new URL(publicUrl).hostname.includes('.') ? new URL(publicUrl).hostname : 'localhost.localdomain'}>`
  if (nodeEnv === 'production' && str(env, 'MAIL_FROM') === undefined) {
    throw new ConfigError('MAIL_FROM', 'is required when NODE_ENV=production')
  }

  const trustProxy = str(env, 'TRUST_PROXY')
  if (trustProxy !== undefined && /^(true|\*)$/i.test(trustProxy)) {
    throw new ConfigError('TRUST_PROXY', 'must name the proxy addresses (e.g. 127.0.0.1 or 10.0.0.0/8), never true')
  }
  if (trustProxy !== undefined) {
    for (const part of trustProxy.split(',').map((p) => p.trim())) {
      const [addr, bits, extra] = part.split('/')
      const version = isIP(addr)
      const namedRange = ['loopback', 'linklocal', 'uniquelocal'].includes(part)
      const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32))
      if (!namedRange && (version === 0 || !okBits || extra !== undefined)) {
        throw new ConfigError('TRUST_PROXY', `must be IP addresses or ranges separated by commas (e.g. 127.0.0.1 or 10.0.0.0/8), got "${part}"`)
      }
    }
  }

  const logLevel = str(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info')
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`)
  }

  // Unconfirmed submissions are kept no longer than needed (Art. 5(1)(e)): two days by default, and
  // never less than their confirmation link lives, or the link would lead nowhere.
  const verifyTokenTtlHours = int(env, 'VERIFY_TOKEN_TTL_HOURS', 24, 1, 24 * 30)
  const linkDays = Math.ceil(verifyTokenTtlHours / 24)
  const unverifiedRetentionDays = int(env, 'UNVERIFIED_RETENTION_DAYS', Math.max(2, linkDays), 1, 365)
  if (unverifiedRetentionDays < linkDays) {
    throw new ConfigError('UNVERIFIED_RETENTION_DAYS', `must be at least ${linkDays}: unconfirmed submissions must be kept as long as their confirmation link lives (VERIFY_TOKEN_TTL_HOURS=${verifyTokenTtlHours})`)
  }

  const mailFromAddress = /<([^>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom
  let unsubscribeMailto = email(env, 'UNSUBSCRIBE_MAILTO') ?? mailFromAddress
  if (/<|>/.test(unsubscribeMailto)) unsubscribeMailto = /<([^>]+)>\s*$/.exec(unsubscribeMailto)?.[1] ?? unsubscribeMailto

  return {
    env: nodeEnv,
    port,
    host,
    publicUrl,
    databaseUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    dataDir,
    smtpUrl,
    mailDir: resolve(str(env, 'MAIL_DIR') ?? join(dataDir, 'mail')),
    mailFrom,
    staffEmail: email(env, 'STAFF_EMAIL') ?? null,
    sessionSecret,
    suppressionKey,
    suppressionMinimiseDays: int(env, 'SUPPRESSION_MINIMISE_DAYS', 30, 0, 3650),
    passwordHashCost: nodeEnv === 'test' ? TEST_PASSWORD_HASH_COST : PASSWORD_HASH_COST,
    logLevel,
    trustProxy: trustProxy ?? false,
    verifyTokenTtlHours,
    unverifiedRetentionDays,
    limitAddressPerHour: int(env, 'LIMIT_ADDRESS_PER_HOUR', 3, 0, 1_000_000),
    limitIpPerHour: int(env, 'LIMIT_IP_PER_HOUR', 20, 0, 1_000_000),
    limitEmailsPerHour: int(env, 'LIMIT_EMAILS_PER_HOUR', 500, 1, 1_000_000),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 128 * 1024, 1024, 50 * 1024 * 1024),
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 2000, 10, 3_600_000),
    outboxLeaseMs: int(env, 'OUTBOX_LEASE_MS', 60_000, 5_000, 3_600_000),
    holidayEves: bool(env, 'HOLIDAY_EVES', false),
    reminderDays: int(env, 'REMINDER_DAYS', 7, 0, 90),
    reminderHour: int(env, 'REMINDER_HOUR', 7, 0, 23),
    staffRequireMfa: bool(env, 'STAFF_REQUIRE_MFA', false),
    unsubscribeMailto,
    caseRetentionYears: int(env, 'CASE_RETENTION_YEARS', 5, 1, 100),
    cvMaxBytes: int(env, 'CV_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 20 * 1024 * 1024, 1024, 500 * 1024 * 1024),
    packageRetentionDays: int(env, 'PACKAGE_RETENTION_DAYS', 30, 1, 365),
    taskReminderDays: int(env, 'TASK_REMINDER_DAYS', 5, 1, 60),
    taskResultMaxBytes: int(env, 'TASK_RESULT_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    packageUploadMaxBytes: int(env, 'PACKAGE_UPLOAD_MAX_BYTES', 20 * 1024 * 1024, 1024, 200 * 1024 * 1024),
    packageCodesPerHour: int(env, 'PACKAGE_CODES_PER_HOUR', 5, 1, 1000),
    escalateUnassignedHours: int(env, 'ESCALATE_UNASSIGNED_HOURS', 48, 0, 24 * 365),
    teamScopedAccess: bool(env, 'TEAM_SCOPED_ACCESS', false),
    proofMaxBytes: int(env, 'PROOF_MAX_BYTES', 5 * 1024 * 1024, 1024, 50 * 1024 * 1024),
    mailProviderName: plainLine(env, 'MAIL_PROVIDER_NAME', 200),
    brandName: plainLine(env, 'BRAND_NAME', 100),
    brandLogo: brandLogo(env, dataDir),
    ...secretsKeys(env, nodeEnv, dataDir),
    allowPrivateConnectorUrls: bool(env, 'ALLOW_PRIVATE_CONNECTOR_URLS', false),
  }
}
