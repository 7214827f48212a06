/**
 * The rules of a connected system's `config`, pure, in the same manner as validate.ts: every
 * problem named by its path (`config.url`, `config.tables.0.access.1`). A secret left out of a
 * change keeps the stored one, so an answer (which never shows secrets) can be sent back as it came.
 */
import { isAbsolute, relative, resolve } from 'node:path'
import { isBlockedAddress, literalHost } from '../connectors/url-guard.js'
import { ERASURE_STRATEGIES, type ConfiguredKind, type ConnectionConfig, type ErasureStrategy, type SqlTable } from './model.js'

export type ConfigKey = 'required' | 'identifier' | 'sqlUrl' | 'sqlitePath' | 'webhookUrl' | 'blockedAddress' | 'urlPassword' | 'strategy' | 'noColumns' | 'emailAddress' | 'secretShort' | 'restrictValue' | 'duplicate' | 'tooMany' | 'tooLong' | 'json'
export type AddProblem = (field: string, key: ConfigKey, params?: Record<string, string | number>) => void

export interface ConfigContext {
  /** SQLite files must lie under it. */
  dataDir: string
  /** ALLOW_PRIVATE_CONNECTOR_URLS. */
  allowPrivate: boolean
}

/** A table or column name: letters, digits and _, not starting with a digit; a table may be schema-qualified. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/
const EMAIL = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/
const MAX_TABLES = 50
const MAX_COLUMNS = 100

type Loose = Record<string, unknown>
const obj = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '')

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url)

/** A postgres:// URL without its password, as shown; a SQLite path as it is. */
export function withoutPassword(url: string): string {
  if (!isPostgresUrl(url)) return url
  try {
    const u = new URL(url)
    u.password = ''
    return u.toString()
  } catch {
    return url
  }
}

/** A SQLite path (relative to DATA_DIR or absolute) as an absolute path, or null when it is outside DATA_DIR. */
export function sqlitePath(path: string, dataDir: string): string | null {
  const file = resolve(dataDir, path)
  const inside = relative(resolve(dataDir), file)
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? null : file
}

function blocked(url: URL, ctx: ConfigContext): boolean {
  const host = literalHost(url)
  return !ctx.allowPrivate && host !== null && isBlockedAddress(host)
}

function columns(add: AddProblem, at: string, value: unknown, atLeastOne: boolean): string[] {
  const list = Array.isArray(value) ? value : []
  if (atLeastOne && list.length === 0) add(at, 'noColumns')
  if (list.length > MAX_COLUMNS) add(at, 'tooMany', { max: MAX_COLUMNS })
  const seen = new Set<string>()
  return list.slice(0, MAX_COLUMNS).map((c, i) => {
    const name = str(c)
    if (!IDENTIFIER.test(name)) add(`${at}.${i}`, 'identifier')
    else if (seen.has(name)) add(`${at}.${i}`, 'duplicate')
    seen.add(name)
    return name
  })
}

function column(add: AddProblem, at: string, value: unknown): string {
  const name = str(value)
  if (!name) add(at, 'required')
  else if (!IDENTIFIER.test(name)) add(at, 'identifier')
  return name
}

function table(add: AddProblem, at: string, raw: unknown): SqlTable {
  const t = obj(raw)
  const name = str(t.table)
  if (!name) add(`${at}.table`, 'required')
  else if (!TABLE_NAME.test(name)) add(`${at}.table`, 'identifier')
  const erasureIn = obj(t.erasure)
  const strategy = str(erasureIn.strategy) as ErasureStrategy
  if (!(ERASURE_STRATEGIES as readonly string[]).includes(strategy)) add(`${at}.erasure.strategy`, 'strategy')
  const out: SqlTable = { table: name, emailColumn: column(add, `${at}.emailColumn`, t.emailColumn), access: columns(add, `${at}.access`, t.access, true), erasure: { strategy } }
  if (strategy === 'null' || strategy === 'mask') out.erasure.columns = columns(add, `${at}.erasure.columns`, erasureIn.columns, true)
  if (t.rectify !== undefined && t.rectify !== null) out.rectify = columns(add, `${at}.rectify`, t.rectify, false)
  if (t.restrict !== undefined && t.restrict !== null) {
    const r = obj(t.restrict)
    const value = r.value
    if (!['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'string' && value.length > 500)) add(`${at}.restrict.value`, 'restrictValue')
    out.restrict = { column: column(add, `${at}.restrict.column`, r.column), value: value as string | number | boolean }
  }
  return out
}

function sqlUrl(add: AddProblem, raw: string, current: string | null, ctx: ConfigContext): string {
  if (!raw) {
    add('config.url', 'required')
    return raw
  }
  if (!isPostgresUrl(raw)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || sqlitePath(raw, ctx.dataDir) === null) add('config.url', 'sqlitePath', { dataDir: ctx.dataDir })
    return raw
  }
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    add('config.url', 'sqlUrl')
    return raw
  }
  if (!u.hostname || u.pathname.replace(/^\//, '') === '') add('config.url', 'sqlUrl')
  else if (u.searchParams.has('password') || u.searchParams.has('host')) add('config.url', 'urlPassword')
  else if (blocked(u, ctx)) add('config.url', 'blockedAddress')
  // A URL sent back without its password (as GET shows it) keeps the stored one, for the same user and host.
  if (!u.password && current && isPostgresUrl(current)) {
    const old = new URL(current)
    if (old.password && old.username === u.username && old.host === u.host) u.password = old.password
  }
  return u.password ? u.toString() : raw
}

/**
 * The config of a system of a configured kind: `input` (as sent; undefined keeps `current`),
 * checked, secrets filled from `current` where left out.
 */
export function checkConfig(add: AddProblem, kind: ConfiguredKind, input: unknown, current: ConnectionConfig | null, ctx: ConfigContext): ConnectionConfig {
  const same = current && current.kind === kind ? current : null
  if (input === undefined && same) return same
  const c = obj(input)
  if (input === undefined || input === null) add('config', 'required')
  switch (kind) {
    case 'sql': {
      const url = sqlUrl(add, str(c.url), same?.kind === 'sql' ? same.url : null, ctx)
      const list = Array.isArray(c.tables) ? c.tables : []
      // The admin form sends the tables as JSON text; what does not parse comes here as the text.
      if (typeof c.tables === 'string') add('config.tables', 'json')
      else if (list.length === 0) add('config.tables', 'required')
      if (list.length > MAX_TABLES) add('config.tables', 'tooMany', { max: MAX_TABLES })
      const tables = list.slice(0, MAX_TABLES).map((tbl, i) => table(add, `config.tables.${i}`, tbl))
      tables.forEach((tbl, i) => {
        if (tables.findIndex((o) => o.table === tbl.table) !== i) add(`config.tables.${i}.table`, 'duplicate')
      })
      return { kind, url, tables }
    }
    case 'webhook': {
      const url = str(c.url)
      let u: URL | null = null
      try {
        u = new URL(url)
      } catch {
        // reported below
      }
      if (!url) add('config.url', 'required')
      else if (!u || !['http:', 'https:'].includes(u.protocol) || u.username || u.password) add('config.url', 'webhookUrl')
      else if (blocked(u, ctx)) add('config.url', 'blockedAddress')
      const secret = typeof c.secret === 'string' && c.secret !== '' ? c.secret : same?.kind === 'webhook' ? same.secret : ''
      if (secret.length < 16) add('config.secret', 'secretShort', { min: 16 })
      else if (secret.length > 500) add('config.secret', 'tooLong', { max: 500 })
      return { kind, url, secret }
    }
    case 'email': {
      const to = str(c.to)
      if (!to) add('config.to', 'required')
      else if (!EMAIL.test(to) || to.length > 254) add('config.to', 'emailAddress')
      return { kind, to }
    }
    case 'manual': {
      const instructions = str(c.instructions)
      if (!instructions) add('config.instructions', 'required')
      else if (instructions.length > 4000) add('config.instructions', 'tooLong', { max: 4000 })
      return { kind, instructions }
    }
  }
}
