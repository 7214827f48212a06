import { setTimeout as delay } from 'node:timers/promises'
import { sql } from 'kysely'
import { isPostgres, type Executor } from '../db/connection.js'

export type SuppressionReason = 'one_click' | 'unsubscribe_page' | 'request' | 'objection' | 'withdraw_consent' | 'staff' | 'erasure' | 'restricted'

/**
 * Adds a hashed address (src/registers/suppression-hash.ts) to the suppression list; true when it
 * was not there before. Repeating it changes nothing, except that a lasting reason replaces
 * 'restricted' (a restriction is lifted again; an unsubscribe must outlive it).
 */
export async function suppress(db: Executor, emailHash: string, reason: SuppressionReason, caseId: number | null, at: string): Promise<boolean> {
  const result = await db
    .insertInto('suppression_hashes')
    .values({ email_hash: emailHash, reason, case_id: caseId, created_at: at })
    .onConflict((oc) => (reason === 'restricted' ? oc.column('email_hash').doNothing() : oc.column('email_hash').doUpdateSet({ reason, case_id: caseId }).where('suppression_hashes.reason', '=', 'restricted')))
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

/** Lifting a restriction: only its own entry goes, never a lasting suppression. */
export async function removeRestrictionEntry(db: Executor, emailHash: string): Promise<void> {
  await db.deleteFrom('suppression_hashes').where('email_hash', '=', emailHash).where('reason', '=', 'restricted').execute()
}

/** The entry for a hashed address, if any (its reason tells a restriction from a suppression). */
export async function findSuppression(db: Executor, emailHash: string) {
  return db.selectFrom('suppression_hashes').select(['reason', 'created_at']).where('email_hash', '=', emailHash).executeTakeFirst()
}

/** Every hash on the list, for imports that check many rows at once. */
export async function allSuppressedHashes(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('suppression_hashes').select('email_hash').execute()
  return new Set(rows.map((r) => r.email_hash))
}

/** Suppressions added at or after `since`, oldest first, for the mailing tool to catch up from. */
export async function suppressionsSince(db: Executor, since: string | null, limit: number, after: { createdAt: string; hash: string } | null) {
  let q = db.selectFrom('suppression_hashes').select(['email_hash', 'reason', 'created_at'])
  if (since) q = q.where('created_at', '>=', since)
  if (after) {
    q = q.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('email_hash', '>', after.hash)])]))
  }
  return q.orderBy('created_at').orderBy('email_hash').limit(limit).execute()
}

export async function countSuppressions(db: Executor): Promise<number> {
  return Number((await db.selectFrom('suppression_hashes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

/** An address's suppression (the access package, Art. 15), by its hash. */
export async function suppressionsByHash(db: Executor, emailHash: string) {
  return db.selectFrom('suppression_hashes').select(['reason', 'created_at']).where('email_hash', '=', emailHash).execute()
}

/** A deleted subscriber's link: the suppression that kept its token hash. */
export async function suppressionForToken(db: Executor, tokenHash: string) {
  return db.selectFrom('suppression_hashes').select(['reason', 'created_at']).where('unsubscribe_token_hash', '=', tokenHash).executeTakeFirst()
}

/** Keeps a subscriber's link answering after its row is deleted (minimisation). */
export async function keepUnsubscribeLink(db: Executor, emailHash: string, tokenHash: string): Promise<void> {
  await db.updateTable('suppression_hashes').set({ unsubscribe_token_hash: tokenHash }).where('email_hash', '=', emailHash).execute()
}

/** The suppression list before it was hashed (migration 016), a batch at a time. */
export async function plainSuppressions(db: Executor, limit: number) {
  return db.selectFrom('suppressions').selectAll().orderBy('email_normalized').limit(limit).execute()
}

/** Moves one plain row in as its hash (an entry already there wins) and deletes the plain row. */
export async function replacePlainSuppression(db: Executor, row: { email_normalized: string; reason: string; case_id: number | null; created_at: string }, emailHash: string): Promise<void> {
  await db
    .insertInto('suppression_hashes')
    .values({ email_hash: emailHash, reason: row.reason, case_id: row.case_id, created_at: row.created_at })
    .onConflict((oc) => oc.column('email_hash').doNothing())
    .execute()
  await db.deleteFrom('suppressions').where('email_normalized', '=', row.email_normalized).execute()
}

/**
 * SQLite keeps deleted rows' bytes in free pages (and the WAL) until they are reused; after the
 * plain addresses are deleted, the file is rewritten so none of them stays readable in it.
 * PostgreSQL's dead tuples go with its own vacuum, which this does not replace.
 */
export async function scrubDeletedPages(db: Executor): Promise<void> {
  if (isPostgres(db)) return
  await checkpointFully(db)
  await sql`vacuum`.execute(db)
  await checkpointFully(db)
}

/**
 * A truncating checkpoint that is not done until it says so. SQLite answers "busy" in its result
 * row, not with an error, when another connection is checkpointing (the background thread's does
 * after writes), and its busy handler does not wait for that: the old pages, addresses and all,
 * would stay in the WAL. Tried again for up to 10 s, then an error rather than a silent half scrub.
 */
async function checkpointFully(db: Executor): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(truncate)`.execute(db)
    if (!rows[0]?.busy) return
    if (attempt >= 200) throw new Error('the WAL could not be checkpointed: another connection kept it busy')
    await delay(50)
  }
}
