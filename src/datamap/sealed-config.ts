/**
 * How a system's config is stored: JSON with the secret part sealed (src/connectors/seal.ts) under
 * `sealed` — a sql URL's password, a webhook's secret — and everything else plain, so the public
 * view (the API, the pages, the audit log) is read without the key and never holds a secret.
 */
import type { Sealer } from '../connectors/seal.js'
import type { ConnectionConfig, PublicConfig, SqlTable, SystemKind } from './model.js'
import { isPostgresUrl, withoutPassword } from './validate-config.js'

interface Stored {
  url?: string
  tables?: SqlTable[]
  to?: string
  instructions?: string
  /** The sealed password (sql) or secret (webhook). */
  sealed?: string
}

function passwordOf(url: string): string {
  if (!isPostgresUrl(url)) return ''
  try {
    return new URL(url).password
  } catch {
    return ''
  }
}

/** The config as the `config` column holds it; null for kinds without one. */
export function storeConfig(c: ConnectionConfig | null, sealer: Sealer): string | null {
  if (c === null) return null
  switch (c.kind) {
    case 'sql': {
      const password = passwordOf(c.url)
      return JSON.stringify({ url: withoutPassword(c.url), tables: c.tables, ...(password ? { sealed: sealer.seal(password) } : {}) } satisfies Stored)
    }
    case 'webhook':
      return JSON.stringify({ url: c.url, sealed: sealer.seal(c.secret) } satisfies Stored)
    case 'email':
      return JSON.stringify({ to: c.to } satisfies Stored)
    case 'manual':
      return JSON.stringify({ instructions: c.instructions } satisfies Stored)
  }
}

/** What may be shown: the URL without its password, whether a secret is set. */
export function publicConfig(kind: SystemKind, stored: string | null): PublicConfig | null {
  if (stored === null) return null
  const s = JSON.parse(stored) as Stored
  switch (kind) {
    case 'sql':
      return { url: s.url ?? '', passwordSet: s.sealed !== undefined, tables: s.tables ?? [] }
    case 'webhook':
      return { url: s.url ?? '', secretSet: s.sealed !== undefined }
    case 'email':
      return { to: s.to ?? '' }
    case 'manual':
      return { instructions: s.instructions ?? '' }
    default:
      return null
  }
}

/** The config with its secrets opened, for the connectors; throws when the key to open them is missing. */
export function openConfig(kind: SystemKind, stored: string | null, sealer: Sealer): ConnectionConfig | null {
  if (stored === null) return null
  const s = JSON.parse(stored) as Stored
  const secret = s.sealed === undefined ? '' : sealer.open(s.sealed)
  switch (kind) {
    case 'sql': {
      let url = s.url ?? ''
      if (secret && isPostgresUrl(url)) {
        const u = new URL(url)
        u.password = secret
        url = u.toString()
      }
      return { kind, url, tables: s.tables ?? [] }
    }
    case 'webhook':
      return { kind, url: s.url ?? '', secret }
    case 'email':
      return { kind, to: s.to ?? '' }
    case 'manual':
      return { kind, instructions: s.instructions ?? '' }
    default:
      return null
  }
}

/** The stored config resealed under the current key; null when it already is (or holds no secret). */
export function resealConfig(stored: string, sealer: Sealer): string | null {
  const s = JSON.parse(stored) as Stored
  if (s.sealed === undefined || sealer.isCurrent(s.sealed)) return null
  return JSON.stringify({ ...s, sealed: sealer.seal(sealer.open(s.sealed)) })
}
