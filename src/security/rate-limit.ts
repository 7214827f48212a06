import type { Executor } from '../db/connection.js'

/**
 * Counts events in the database over a sliding hour, so a restart or a second instance
 * does not reset anyone's allowance. Keys are keyed hashes: no address or IP is stored.
 */
export async function countRecent(db: Executor, bucket: string, keyHash: string, since: string, cap?: number): Promise<number> {
  let query = db.selectFrom('rate_events').select('id').where('bucket', '=', bucket).where('key_hash', '=', keyHash).where('created_at', '>', since)
  // Counting stops at the limit, so a flood cannot make each check slower than the last.
  if (cap !== undefined) query = query.limit(cap)
  const row = await db
    .selectFrom(query.as('recent'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function recordEvent(db: Executor, bucket: string, keyHash: string, at: string): Promise<void> {
  await db.insertInto('rate_events').values({ bucket, key_hash: keyHash, created_at: at }).execute()
}

export async function purgeRateEvents(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_events').where('created_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
