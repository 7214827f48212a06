import type { gatherFor } from './repository.js'

/** Everything the portal holds about one address (read by gatherFor in ./repository.ts). */
export type Gathered = Awaited<ReturnType<typeof gatherFor>>

/** Nothing found: a request made for someone else whose address the representative did not give. */
export function emptyGathered(): Gathered {
  return { newsletter: [], candidates: [], suppressions: [], cases: [], messages: [], events: [] }
}
