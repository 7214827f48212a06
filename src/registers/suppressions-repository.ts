import type { Executor } from '../db/connection.js'

export type SuppressionReason = 'one_click' | 'unsubscribe_page' | 'request' | 'objection' | 'withdraw_consent' | 'staff'

/** Adds the address to the suppression list; true when it was not there before. Repeating it changes nothing. */
export async function suppress(db: Executor, emailNormalized: string, reason: SuppressionReason, caseId: number | null, at: string): Promise<boolean> {
  const result = await db
    .insertInto('suppressions')
    .values({ email_normalized: emailNormalized, reason, case_id: caseId, created_at: at })
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function isSuppressed(db: Executor, emailNormalized: string): Promise<boolean> {
  const row = await db.selectFrom('suppressions').select('email_normalized').where('email_normalized', '=', emailNormalized).executeTakeFirst()
  return row !== undefined
}

/** Every suppressed address, for imports that check many rows at once. */
export async function allSuppressed(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('suppressions').select('email_normalized').execute()
  return new Set(rows.map((r) => r.email_normalized))
}

/** Suppressions added at or after `since`, oldest first, for the mailing tool to catch up from. */
export async function suppressionsSince(db: Executor, since: string | null, limit: number, after: { createdAt: string; email: string } | null) {
  let q = db.selectFrom('suppressions').select(['email_normalized', 'reason', 'created_at'])
  if (since) q = q.where('created_at', '>=', since)
  if (after) {
    q = q.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('email_normalized', '>', after.email)])]))
  }
  return q.orderBy('created_at').orderBy('email_normalized').limit(limit).execute()
}

export async function countSuppressions(db: Executor): Promise<number> {
  return Number((await db.selectFrom('suppressions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

/** An address's suppression (the access package, Art. 15). */
export async function suppressionsByEmail(db: Executor, emailNormalized: string) {
  return db.selectFrom('suppressions').selectAll().where('email_normalized', '=', emailNormalized).execute()
}
