import type { Executor } from '../db/connection.js'
import { prepared } from '../db/prepared.js'

/** The ids of a key's events since a moment, at most `cap` of them: counting stops at the limit, so a flood cannot make each check slower than the last. */
function recentIds(db: Executor, bucket: string, keyHash: string, since: string, cap?: number) {
  const query = db.selectFrom('rate_events').select('id').where('bucket', '=', bucket).where('key_hash', '=', keyHash).where('created_at', '>', since)
  return cap === undefined ? query : query.limit(cap)
}

/**
 * Counts events in the database over a sliding hour, so a restart or a second instance
 * does not reset anyone's allowance. Keys are keyed hashes: no address or IP is stored.
 */
export async function countRecent(db: Executor, bucket: string, keyHash: string, since: string, cap?: number): Promise<number> {
  const row = await db
    .selectFrom(recentIds(db, bucket, keyHash, since, cap).as('recent'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export interface RecentCheck {
  bucket: string
  keyHash: string
  cap: number
}

type PairSlots = { bucket0: string; key0: string; cap0: number; bucket1: string; key1: string; cap1: number; since: string }

// Every submission checks its IP and its address: one statement, compiled once (src/db/prepared.ts).
const countPairQuery = prepared<PairSlots, { n0: number; n1: number }>((db, p) =>
  db.selectNoFrom((eb) => [
    eb.selectFrom(recentIds(db, p.bucket0, p.key0, p.since, p.cap0).as('recent')).select((inner) => inner.fn.countAll<number>().as('n')).as('n0'),
    eb.selectFrom(recentIds(db, p.bucket1, p.key1, p.since, p.cap1).as('recent')).select((inner) => inner.fn.countAll<number>().as('n')).as('n1'),
  ]),
)

/** countRecent for two keys over the same period, in one statement. */
export async function countRecentPair(db: Executor, a: RecentCheck, b: RecentCheck, since: string): Promise<[number, number]> {
  const { rows } = await countPairQuery(db, { bucket0: a.bucket, key0: a.keyHash, cap0: a.cap, bucket1: b.bucket, key1: b.keyHash, cap1: b.cap, since })
  return [Number(rows[0].n0), Number(rows[0].n1)]
}

const insertEventPair = prepared<{ bucket0: string; key0: string; bucket1: string; key1: string; at: string }, unknown>((db, p) =>
  db.insertInto('rate_events').values([
    { bucket: p.bucket0, key_hash: p.key0, created_at: p.at },
    { bucket: p.bucket1, key_hash: p.key1, created_at: p.at },
  ]),
)

/** Two events at once (a submission counts against its IP and its address). */
export async function recordEventPair(db: Executor, a: { bucket: string; keyHash: string }, b: { bucket: string; keyHash: string }, at: string): Promise<void> {
  await insertEventPair(db, { bucket0: a.bucket, key0: a.keyHash, bucket1: b.bucket, key1: b.keyHash, at })
}

export async function recordEvent(db: Executor, bucket: string, keyHash: string, at: string): Promise<void> {
  await db.insertInto('rate_events').values({ bucket, key_hash: keyHash, created_at: at }).execute()
}

/** How long the keyed hashes of client IPs and addresses behind the rate limits are kept (told in /privacy/requests). */
export const RATE_EVENT_RETENTION_HOURS = 24

export async function purgeRateEvents(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_events').where('created_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}

// The login throttle (src/staff/login-throttle.ts) also reads when the last event was, and clears a key on success.

/** How many events a bucket holds for a key since a time, and the latest of them. */
export async function recentEventStats(db: Executor, bucket: string, keyHash: string, since: string): Promise<{ n: number; last: string | null }> {
  const row = await db
    .selectFrom('rate_events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('last')])
    .where('bucket', '=', bucket)
    .where('key_hash', '=', keyHash)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return { n: Number(row.n), last: (row.last as string | null) ?? null }
}

export async function clearEvents(db: Executor, bucket: string, keyHash: string): Promise<void> {
  await db.deleteFrom('rate_events').where('bucket', '=', bucket).where('key_hash', '=', keyHash).execute()
}
