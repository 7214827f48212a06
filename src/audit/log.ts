/**
 * The audit log: an append-only hash chain in the `audit_log` table.
 *
 * Each row's `hash` is SHA-256 (hex) over
 *
 *     "dsr-audit-v1\n" + prev_hash + "\n" + JSON.stringify([at, actor_type, actor_id, action, case_id, target, data])
 *
 * where the values are exactly the stored column values (`data` is the stored JSON text, written
 * once in canonical form: object keys sorted, no whitespace), and `prev_hash` is the hash of the
 * row before it in id order, or 64 zeros for the first row. JSON.stringify of an array makes the
 * serialisation unambiguous (every string is quoted and escaped, null stays null).
 *
 * The row id is deliberately NOT part of the hash: it is assigned by the database at insert
 * (AUTOINCREMENT on SQLite, serial on PostgreSQL), so it is not known when the hash is computed.
 * Order is still protected: every row names its predecessor's hash, and verification walks the
 * rows in id order, so a deleted, inserted, reordered or edited row breaks the chain at (or right
 * after) that row. What a hash chain alone cannot show is the removal of the newest rows (tail
 * truncation); `dsr-portal audit verify` prints the head hash so it can be noted elsewhere.
 */
import { createHash } from 'node:crypto'
import type { Executor } from '../db/connection.js'
import type { AuditLogRow } from '../db/schema.js'
import { auditHeadHash, auditRows, insertAuditRow, lockAuditAppends } from './repository.js'

export const GENESIS_HASH = '0'.repeat(64)
const HASH_VERSION = 'dsr-audit-v1'

export const AUDIT_ACTOR_TYPES = ['staff', 'system', 'cli', 'requester'] as const
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number]

export interface AuditEntryInput {
  actorType: AuditActorType
  actorId: number | null
  action: string
  caseId?: number | null
  target?: string | null
  /** Particulars of the action. Never the requester's free text. */
  data?: Record<string, unknown> | null
  at: Date
}

/** The columns the hash covers, as stored. */
export interface AuditHashedFields {
  at: string
  actor_type: string
  actor_id: number | null
  action: string
  case_id: number | null
  target: string | null
  data: string | null
}

const MAX_ACTION = 64
const MAX_TARGET = 200

/** JSON with object keys sorted at every level, so equal data always gives the same text. */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {}
      for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k]
      return sorted
    }
    return v
  })
  if (text === undefined) throw new TypeError('Audit data is not serialisable as JSON')
  return text
}

export function computeAuditHash(prevHash: string, f: AuditHashedFields): string {
  const body = JSON.stringify([f.at, f.actor_type, f.actor_id, f.action, f.case_id, f.target, f.data])
  return createHash('sha256').update(`${HASH_VERSION}\n${prevHash}\n${body}`, 'utf8').digest('hex')
}

function toFields(entry: AuditEntryInput): AuditHashedFields {
  if (!(AUDIT_ACTOR_TYPES as readonly string[]).includes(entry.actorType)) {
    throw new TypeError(`Unknown audit actor type: ${JSON.stringify(entry.actorType)}`)
  }
  if (!(entry.at instanceof Date) || Number.isNaN(entry.at.getTime())) throw new TypeError('Audit entry needs a valid Date in `at`')
  if (typeof entry.action !== 'string' || entry.action.length === 0 || entry.action.length > MAX_ACTION) {
    throw new TypeError(`Audit action must be 1..${MAX_ACTION} characters`)
  }
  const target = entry.target ?? null
  if (target !== null && target.length > MAX_TARGET) throw new TypeError(`Audit target must be at most ${MAX_TARGET} characters`)
  const actorId = entry.actorId ?? null
  const caseId = entry.caseId ?? null
  if (actorId !== null && !Number.isSafeInteger(actorId)) throw new TypeError('Audit actorId must be an integer or null')
  if (caseId !== null && !Number.isSafeInteger(caseId)) throw new TypeError('Audit caseId must be an integer or null')
  return {
    at: entry.at.toISOString(),
    actor_type: entry.actorType,
    actor_id: actorId,
    action: entry.action,
    case_id: caseId,
    target,
    data: entry.data == null ? null : canonicalJson(entry.data),
  }
}

/** Reads the chain head and inserts the new row; must run inside a transaction that serialises appends (lockAuditAppends). */
async function appendIn(trx: Executor, fields: AuditHashedFields): Promise<void> {
  await lockAuditAppends(trx)
  const prevHash = (await auditHeadHash(trx)) ?? GENESIS_HASH
  await insertAuditRow(trx, { ...fields, prev_hash: prevHash, hash: computeAuditHash(prevHash, fields) })
}

/**
 * Appends one entry to the chain. Given a transaction, it writes in it (and commits or rolls back
 * with it); given the database, it opens its own transaction for the read-head + insert.
 *
 * Do not call it with the database object while the same code path holds a transaction on it:
 * SQLite has one connection, so that waits for itself. Pass the transaction instead.
 */
export async function appendAudit(db: Executor, entry: AuditEntryInput): Promise<void> {
  const fields = toFields(entry)
  if (db.isTransaction) await appendIn(db, fields)
  else await db.transaction().execute((trx) => appendIn(trx, fields))
}

export interface AuditEntry {
  id: number
  at: string
  actorType: string
  actorId: number | null
  action: string
  caseId: number | null
  target: string | null
  data: Record<string, unknown> | null
  hash: string
}

function toEntry(r: AuditLogRow): AuditEntry {
  let data: Record<string, unknown> | null = null
  if (r.data !== null) {
    try {
      data = JSON.parse(r.data) as Record<string, unknown>
    } catch {
      data = { unparsable: r.data }
    }
  }
  return { id: r.id, at: r.at, actorType: r.actor_type, actorId: r.actor_id, action: r.action, caseId: r.case_id, target: r.target, data, hash: r.hash }
}

export interface ListAuditOptions {
  caseId?: number | null
  /** 1..500 (clamped). */
  limit: number
  /** Only entries older than this id (the previous page's `nextBeforeId`). */
  beforeId?: number | null
}

/** Newest first. Uses audit_log_case_idx (case_id, id) with a case, the primary key without. */
export async function listAudit(db: Executor, opts: ListAuditOptions): Promise<{ items: AuditEntry[]; nextBeforeId: number | null }> {
  const limit = Math.max(1, Math.min(500, Math.floor(opts.limit) || 1))
  const rows = await auditRows(db, { caseId: opts.caseId, beforeId: opts.beforeId, limit: limit + 1 })
  const more = rows.length > limit
  const items = rows.slice(0, limit).map(toEntry)
  return { items, nextBeforeId: more ? items[items.length - 1].id : null }
}
