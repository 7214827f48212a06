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

export interface RecentCheck {
  bucket: string
  keyHash: string
  since: string
  cap: number
}

/** Several countRecent in one statement (one round trip on the public's busiest path). */
export async function countRecentEach(db: Executor, checks: RecentCheck[]): Promise<number[]> {
  const row = await db
    .selectNoFrom((eb) =>
      checks.map((c, i) =>
        eb
          .selectFrom(
            eb
              .selectFrom('rate_events')
              .select('id')
              .where('bucket', '=', c.bucket)
              .where('key_hash', '=', c.keyHash)
              .where('created_at', '>', c.since)
              .limit(c.cap)
              .as('recent'),
          )
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .as(`n${i}`),
      ),
    )
    .executeTakeFirstOrThrow()
  const counts = row as Record<string, unknown>
  return checks.map((_, i) => Number(counts[`n${i}`]))
}

export async function recordEvents(db: Executor, events: Array<{ bucket: string; keyHash: string }>, at: string): Promise<void> {
  if (events.length === 0) return
  await db
    .insertInto('rate_events')
    .values(events.map((e) => ({ bucket: e.bucket, key_hash: e.keyHash, created_at: at })))
    .execute()
}

export async function recordEvent(db: Executor, bucket: string, keyHash: string, at: string): Promise<void> {
  await db.insertInto('rate_events').values({ bucket, key_hash: keyHash, created_at: at }).execute()
}

export async function purgeRateEvents(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_events').where('created_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
