import type { Executor } from '../db/connection.js'
import { prepared } from '../db/prepared.js'

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

type Slots = Record<string, unknown>

/** Several countRecent in one statement, compiled once per number of checks (the public's busiest path). */
const countEachOf = new Map<number, ReturnType<typeof prepared<Slots, Record<string, unknown>>>>()

function countEachQuery(n: number) {
  let query = countEachOf.get(n)
  if (!query) {
    query = prepared<Slots, Record<string, unknown>>((db, p) =>
      db.selectNoFrom((eb) =>
        Array.from({ length: n }, (_, i) =>
          eb
            .selectFrom(
              eb
                .selectFrom('rate_events')
                .select('id')
                .where('bucket', '=', p[`bucket${i}`] as string)
                .where('key_hash', '=', p[`key${i}`] as string)
                .where('created_at', '>', p[`since${i}`] as string)
                .limit(p[`cap${i}`] as number)
                .as('recent'),
            )
            .select((inner) => inner.fn.countAll<number>().as('n'))
            .as(`n${i}`),
        ),
      ),
    )
    countEachOf.set(n, query)
  }
  return query
}

export async function countRecentEach(db: Executor, checks: RecentCheck[]): Promise<number[]> {
  const params: Slots = {}
  checks.forEach((c, i) => Object.assign(params, { [`bucket${i}`]: c.bucket, [`key${i}`]: c.keyHash, [`since${i}`]: c.since, [`cap${i}`]: c.cap }))
  const { rows } = await countEachQuery(checks.length)(db, params)
  return checks.map((_, i) => Number(rows[0][`n${i}`]))
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

export async function purgeRateEvents(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('rate_events').where('created_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
