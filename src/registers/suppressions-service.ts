import type { Executor } from '../db/connection.js'
import type { FieldProblems } from '../domain/errors.js'
import { invalid } from './errors.js'
import { suppressionKeyId } from './suppression-hash.js'
import { suppressionsSince } from './suppressions-repository.js'

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/

export interface SuppressionQuery {
  since?: string
  limit?: string
  cursor?: string
}

export interface SuppressionPage {
  hashed: true
  keyId: string
  items: { hash: string; reason: string; suppressedAt: string }[]
  nextCursor: string | null
}

function cursorOf(row: { created_at: string; email_hash: string }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.email_hash])).toString('base64url')
}

function parseCursor(raw: string): { createdAt: string; hash: string } | null {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return { createdAt: v[0], hash: v[1] }
  } catch {
    // falls through to null
  }
  return null
}

/**
 * GET /api/v1/suppressions: the hashes of the addresses suppressed since a time, oldest first, a
 * page at a time (keyset cursor, so a page boundary never skips or repeats one), with the id of
 * the key they were made with. Restricted subscribers are on it too (reason 'restricted') while
 * the restriction lasts. Every bad parameter is named at once (invalid_query).
 */
export async function suppressionPage(db: Executor, key: string, q: SuppressionQuery): Promise<SuppressionPage> {
  const problems: Record<string, FieldProblems[string]> = {}
  let since: string | null = null
  if (q.since !== undefined) {
    const raw = q.since.trim()
    const d = ISO.test(raw) ? new Date(raw.length === 10 ? raw + 'T00:00:00Z' : raw) : null
    if (!d || Number.isNaN(d.getTime())) problems.since = ['registers.api.fields.since']
    else since = d.toISOString()
  }
  let limit = 1000
  if (q.limit !== undefined) {
    limit = /^\d{1,5}$/.test(q.limit) ? Number(q.limit) : NaN
    if (!(limit >= 1 && limit <= 10000)) problems.limit = ['registers.api.fields.limit']
  }
  let after = null
  if (q.cursor !== undefined) {
    after = parseCursor(q.cursor)
    if (!after) problems.cursor = ['registers.api.fields.cursor']
  }
  if (Object.keys(problems).length) throw invalid('query', problems)
  const rows = await suppressionsSince(db, since, limit + 1, after)
  const page = rows.slice(0, limit)
  return {
    hashed: true,
    keyId: suppressionKeyId(key),
    items: page.map((r) => ({ hash: r.email_hash, reason: r.reason, suppressedAt: r.created_at })),
    nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]) : null,
  }
}
