import type { Executor } from '../db/connection.js'

/** What the deadline report counts of each case received in [from, to) (UTC instants). */
export async function casesReceivedBetween(db: Executor, from: string, to: string) {
  return db
    .selectFrom('cases')
    .select(['type', 'status', 'received_at', 'closed_at', 'due_date', 'extended', 'partial_refusal_reason'])
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .execute()
}
