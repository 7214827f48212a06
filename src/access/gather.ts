import type { Executor } from '../db/connection.js'
import { casesHeldFor } from '../cases/records.js'
import { registerRecordsFor, registerSystemsHolding } from '../registers/records.js'
import { taskRecordsForPackage } from '../tasks/engine.js'

/**
 * Everything the portal holds about one address (Art. 15), read through the owners' public modules
 * in the caller's transaction: the registers' entries, then the cases with their messages and
 * events. Matching is on the normalised address (emailKey: trimmed, lower-case), the key every
 * table stores.
 */
export async function gatherFor(db: Executor, key: string, suppressionKey: string, caseId?: number) {
  const registers = await registerRecordsFor(db, key, suppressionKey)
  const held = await casesHeldFor(db, key)
  // The case's finished tasks: each system searched, whether it found anything, and what connected systems sent.
  const systems = caseId === undefined ? { searched: [], records: {} } : await taskRecordsForPackage(db, caseId)
  return { ...registers, ...held, systems }
}

export type Gathered = Awaited<ReturnType<typeof gatherFor>>

/** Nothing found: a request made for someone else whose address the representative did not give. */
export function emptyGathered(): Gathered {
  return { newsletter: [], candidates: [], suppressions: [], cases: [], messages: [], events: [], systems: { searched: [], records: {} } }
}

/**
 * The systems on the data map where this person's data was found: the one place that decides it,
 * for the Art. 15 information the package is tailored to: the portal's own registers that hold a
 * row, and the systems whose fulfilment tasks found the person's data.
 */
export function foundSystems(g: Gathered): string[] {
  const fromTasks = g.systems.searched.filter((s) => s.found).map((s) => s.system)
  return [...new Set([...registerSystemsHolding(g), ...fromTasks])]
}
