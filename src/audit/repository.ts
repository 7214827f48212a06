import { sql, type Insertable } from 'kysely'
import { isPostgres, type Executor } from '../db/connection.js'
import type { AuditLogRow, AuditLogTable } from '../db/schema.js'

/** Every query of the audit chain (src/audit): log.ts and verify.ts decide, these only read and write. */

/** Arbitrary but fixed: 'audit' in ASCII. */
export const AUDIT_ADVISORY_LOCK_KEY = 0x6175646974

/**
 * PostgreSQL: appenders take turns. Under READ COMMITTED two transactions could both read the
 * same head and fork the chain (the UNIQUE hash would not catch it: the rows differ). A
 * transaction-scoped advisory lock is released at commit/rollback. Covered by
 * test/audit/log.test.ts (three processes appending at once) when the suite runs on PostgreSQL.
 * SQLite: the transaction began with BEGIN IMMEDIATE (src/db/connection.ts), so it already holds
 * the database's write lock; other processes wait, and inside this process Kysely's single
 * connection runs one transaction at a time.
 */
export async function lockAuditAppends(trx: Executor): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${AUDIT_ADVISORY_LOCK_KEY})`.execute(trx)
}

/** The newest row's hash, or undefined for an empty log. */
export async function auditHeadHash(trx: Executor): Promise<string | undefined> {
  const head = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  return head?.hash
}

export async function insertAuditRow(trx: Executor, row: Insertable<AuditLogTable>): Promise<void> {
  await trx.insertInto('audit_log').values(row).execute()
}

/** Newest first, `limit` rows, optionally one case's and only those older than `beforeId`. */
export async function auditRows(db: Executor, opts: { caseId?: number | null; beforeId?: number | null; limit: number }): Promise<AuditLogRow[]> {
  let q = db.selectFrom('audit_log').selectAll()
  if (opts.caseId != null) q = q.where('case_id', '=', opts.caseId)
  if (opts.beforeId != null) q = q.where('id', '<', opts.beforeId)
  return q.orderBy('id', 'desc').limit(opts.limit).execute()
}

/** The rows after `afterId` in id order, a batch at a time (keyset), with what the hash covers. */
export async function auditBatch(db: Executor, afterId: number, size: number) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_type', 'actor_id', 'action', 'case_id', 'target', 'data', 'prev_hash', 'hash'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(size)
    .execute()
}
