import type { Executor } from '../db/connection.js'
import { computeAuditHash, GENESIS_HASH } from './log.js'
import { auditBatch } from './repository.js'

export interface AuditVerifyResult {
  ok: boolean
  /** Rows checked (all of them when ok). */
  rows: number
  /** The first row at which the chain does not hold. */
  firstBadId?: number
  reason?: string
  /** The newest row's hash when ok: note it elsewhere to detect later truncation of the tail. */
  headHash?: string
}

/**
 * Walks the chain in id order, a batch at a time (keyset on id), so memory stays flat however
 * long the log is. A row is bad when its prev_hash is not the previous row's hash (a row before it
 * was removed, inserted or moved) or when its hash does not match its own contents (it was edited).
 */
export async function verifyAuditChain(db: Executor, opts: { batchSize?: number } = {}): Promise<AuditVerifyResult> {
  const batchSize = Math.max(1, opts.batchSize ?? 2000)
  let expectedPrev = GENESIS_HASH
  let lastId = 0
  let rows = 0
  for (;;) {
    const batch = await auditBatch(db, lastId, batchSize)
    for (const r of batch) {
      if (r.prev_hash !== expectedPrev) {
        return {
          ok: false,
          rows,
          firstBadId: r.id,
          reason:
            rows === 0 && r.prev_hash !== GENESIS_HASH
              ? 'the first entry does not start the chain (earlier entries were removed)'
              : 'prev_hash does not match the previous entry (an entry before it was removed, inserted or moved, or altered with its hash recomputed)',
        }
      }
      const actual = computeAuditHash(r.prev_hash, r)
      if (actual !== r.hash) {
        return { ok: false, rows, firstBadId: r.id, reason: 'hash does not match the entry’s contents (the entry was altered)' }
      }
      expectedPrev = r.hash
      lastId = r.id
      rows++
    }
    if (batch.length < batchSize) break
  }
  return { ok: true, rows, headHash: rows > 0 ? expectedPrev : GENESIS_HASH }
}
