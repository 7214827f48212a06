import type { Executor } from '../db/connection.js'
import type { Selectable } from 'kysely'
import type { EmailMergeReviewTable } from '../db/schema.js'

type EmailMergeReview = Selectable<EmailMergeReviewTable>

export async function listMergeReviews(db: Executor): Promise<EmailMergeReview[]> {
  return db.selectFrom('email_merge_reviews').selectAll().orderBy('id').execute()
}

/** How many of the ids still have a row in the register. */
export async function countExisting(db: Executor, register: EmailMergeReview['register'], ids: number[]): Promise<number> {
  const rows = await db.selectFrom(register).select('id').where('id', 'in', ids).execute()
  return rows.length
}
