import type { Executor } from '../db/connection.js'
import type { NewSubmission, Submission, SubmissionUpdate, VerificationToken } from '../db/schema.js'

export async function findPendingSubmission(db: Executor, emailKey: string, type: string): Promise<Submission | undefined> {
  return db
    .selectFrom('submissions')
    .selectAll()
    .where('email_key', '=', emailKey)
    .where('type', '=', type)
    .where('status', '=', 'pending')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

export async function insertSubmission(db: Executor, values: NewSubmission): Promise<number> {
  const row = await db.insertInto('submissions').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function updateSubmission(db: Executor, id: number, values: SubmissionUpdate): Promise<void> {
  await db.updateTable('submissions').set(values).where('id', '=', id).execute()
}

export async function findSubmission(db: Executor, id: number): Promise<Submission | undefined> {
  return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertVerificationToken(
  db: Executor,
  values: { submissionId: number; tokenHash: string; expiresAt: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('verification_tokens')
    .values({ submission_id: values.submissionId, token_hash: values.tokenHash, expires_at: values.expiresAt, created_at: values.createdAt })
    .execute()
}

export async function findVerificationToken(db: Executor, tokenHash: string): Promise<VerificationToken | undefined> {
  return db.selectFrom('verification_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/**
 * Uses up every link of the submission at once. The condition on used_at makes this the
 * single point where two simultaneous confirmations are told apart: only one updates rows.
 */
export async function consumeTokens(db: Executor, submissionId: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('verification_tokens')
    .set({ used_at: at })
    .where('submission_id', '=', submissionId)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * Unverified submissions older than the cutoff go, with their tokens (cascade), and so do the
 * confirmation emails of that age already sent or given up: they hold the address and name of
 * someone who may never have confirmed. Returns how many submissions went.
 */
export async function purgeUnverified(db: Executor, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('submissions').where('status', '=', 'pending').where('created_at', '<', cutoff).executeTakeFirst()
  await db.deleteFrom('outbox').where('kind', '=', 'verify').where('status', 'in', ['sent', 'failed']).where('created_at', '<', cutoff).execute()
  return Number(result.numDeletedRows)
}
