import type { Executor } from '../db/connection.js'
import { casesHeldFor } from '../cases/records.js'
import { registerRecordsFor, registerSystemsHolding } from '../registers/records.js'

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

/**
 * The systems on the data map where this person's data was found: the one place that decides it,
 * for the Art. 15 information the package is tailored to. Today the portal's own registers;
 * systems searched outside the portal add their keys here.
 */
export function foundSystems(g: Gathered): string[] {
  return registerSystemsHolding(g)
}
