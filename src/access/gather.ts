import type { Executor } from '../db/connection.js'
import { casesHeldFor } from '../cases/records.js'
import { registerRecordsFor } from '../registers/records.js'

/**
 * Everything the portal holds about one address (Art. 15), read through the owners' public modules
 * in the caller's transaction: the registers' entries, then the cases with their messages and
 * events. Matching is on the normalised address (emailKey: trimmed, lower-case), the key every
 * table stores.
 */
export async function gatherFor(db: Executor, key: string, suppressionKey: string) {
  const registers = await registerRecordsFor(db, key, suppressionKey)
  const held = await casesHeldFor(db, key)
  return { ...registers, ...held }
}

export type Gathered = Awaited<ReturnType<typeof gatherFor>>

/** Nothing found: a request made for someone else whose address the representative did not give. */
export function emptyGathered(): Gathered {
  return { newsletter: [], candidates: [], suppressions: [], cases: [], messages: [], events: [] }
}
