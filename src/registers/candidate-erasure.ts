import type { Executor } from '../db/connection.js'
import type { Candidate } from '../db/schema.js'
import { updateCandidate } from './candidates-repository.js'
import { deleteCv } from './cv-storage.js'

export type ErasureReason = 'withdrawn' | 'expired' | 'request'

/**
 * Erases a candidate: the CV file goes, and the record keeps only what proves the consent and its
 * end (keyed email hash, consent dates, withdrawal and erasure times, why). Runs inside the
 * caller's transaction; the file is deleted last, just before the commit, and a missing file
 * counts as deleted, so a retry after a failure finishes the job rather than failing on it.
 * Returns what was done, for the case timeline and the audit log.
 */
export async function eraseCandidate(trx: Executor, dataDir: string, c: Candidate, reason: ErasureReason, at: string): Promise<{ cvDeleted: boolean; fields: string[] } | null> {
  if (c.status === 'erased') return null
  const fields = (['email', 'name', 'phone'] as const).filter((f) => c[f] !== null)
  await updateCandidate(trx, c.id, {
    email: null,
    email_normalized: null,
    name: null,
    phone: null,
    cv_path: null,
    cv_filename: null,
    cv_content_type: null,
    cv_size: null,
    status: 'erased',
    withdrawn_at: reason === 'withdrawn' ? (c.withdrawn_at ?? at) : c.withdrawn_at,
    erased_at: at,
    erasure_reason: reason,
    updated_at: at,
  })
  if (c.cv_path) await deleteCv(dataDir, c.cv_path)
  return { cvDeleted: c.cv_path !== null, fields }
}
