import type { Executor } from '../db/connection.js'

/**
 * Counts events in the database over a sliding hour, so a restart or a second instance
 * does not reset anyone's allowance. Keys are keyed hashes: no address or IP is stored.
 */
export async function countRecent(db: Executor, bucket: string, keyHash: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('rate_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('bucket', '=', bucket)
    .where('key_hash', '=', keyHash)
    .where('created_at', '>', since)
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
