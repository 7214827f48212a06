import type { Executor } from '../db/connection.js'

/**
 * Everything the portal holds about one address, read straight from the tables (the registers'
 * own services live in src/registers; only their tables are needed here). Matching is on the
 * normalised address (emailKey: trimmed, lower-case), the same key every table stores.
 */

const CHUNK = 500

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

export async function gatherFor(db: Executor, key: string) {
  const newsletter = await db.selectFrom('newsletter_subscribers').selectAll().where('email_normalized', '=', key).orderBy('id').execute()
  const candidates = await db.selectFrom('candidates').selectAll().where('email_normalized', '=', key).orderBy('id').execute()
  const suppressions = await db.selectFrom('suppressions').selectAll().where('email_normalized', '=', key).execute()
  const cases = await db.selectFrom('cases').selectAll().where('email_key', '=', key).orderBy('received_at').orderBy('id').execute()
  const ids = cases.map((c) => c.id)
  const messages = []
  const events = []
  for (const part of chunks(ids)) {
    messages.push(...(await db.selectFrom('case_messages').select(['id', 'case_id', 'direction', 'body', 'lang', 'created_at']).where('case_id', 'in', part).orderBy('id').execute()))
    events.push(...(await db.selectFrom('case_events').select(['id', 'case_id', 'kind', 'actor_type', 'data', 'created_at']).where('case_id', 'in', part).orderBy('id').execute()))
  }
  return { newsletter, candidates, suppressions, cases, messages, events }
}

export type Gathered = Awaited<ReturnType<typeof gatherFor>>

/** Nothing found: a request made for someone else whose address the representative did not give. */
export function emptyGathered(): Gathered {
  return { newsletter: [], candidates: [], suppressions: [], cases: [], messages: [], events: [] }
}
