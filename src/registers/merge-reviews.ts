import type { Executor } from '../db/connection.js'
import { countExisting, listMergeReviews } from './merge-reviews-repository.js'

/**
 * Register rows that became one address when addresses were normalised (migration 008): both were
 * kept, and staff merge them by hand. Listed by `npx dsr-portal migrate` and logged at start while
 * both rows still exist; only ids and the domain are shown, never an address's local part.
 */
export interface MergeReview {
  register: 'newsletter_subscribers' | 'candidates' | 'staff'
  recordId: number
  keptId: number
  domain: string
}

export async function openMergeReviews(db: Executor): Promise<MergeReview[]> {
  const open: MergeReview[] = []
  for (const r of await listMergeReviews(db)) {
    if ((await countExisting(db, r.register, [r.record_id, r.kept_id])) === 2) open.push({ register: r.register, recordId: r.record_id, keptId: r.kept_id, domain: r.domain })
  }
  return open
}

export function describeMergeReview(r: MergeReview): string {
  return `${r.register} #${r.recordId} and #${r.keptId} are now the same address (…@${r.domain}): merge them by hand`
}
