/**
 * The registers' tables as other features read them: the access package gathers what the
 * newsletter, candidate and suppression registers hold about an address (Art. 15), and adds the
 * candidates' CVs to its ZIP. Each function takes the caller's Executor, so it joins the caller's
 * transaction. The tables stay the registers' own: outside src/registers nothing imports their repositories.
 */
import type { Executor } from '../db/connection.js'
import { candidatesByEmail } from './candidates-repository.js'
import { subscribersByEmail } from './subscribers-repository.js'
import { suppressionHash } from './suppression-hash.js'
import { suppressionsByHash } from './suppressions-repository.js'

export { candidateCvs } from './candidates-repository.js'

/**
 * The keys of the registers' systems on the data map (src/datamap) that hold data about the person
 * these rows were found for: a subscriber row or a suppression is the newsletter register's, a
 * candidate row the candidate register's. What the access package and the Art. 19 checklist are tailored to.
 */
export function registerSystemsHolding(records: { newsletter: readonly unknown[]; candidates: readonly unknown[]; suppressions: readonly unknown[] }): string[] {
  const keys: string[] = []
  if (records.newsletter.length || records.suppressions.length) keys.push('newsletter')
  if (records.candidates.length) keys.push('candidates')
  return keys
}

/** The register systems holding data about one normalised address. */
export async function registerSystemsFor(db: Executor, key: string, suppressionKey: string): Promise<string[]> {
  return registerSystemsHolding(await registerRecordsFor(db, key, suppressionKey))
}

/**
 * What the registers hold about one normalised address (emailKey: trimmed, lower-case), oldest
 * first. The suppression list is found by the address's keyed hash (SUPPRESSION_KEY), as it holds no address.
 */
export async function registerRecordsFor(db: Executor, key: string, suppressionKey: string) {
  const newsletter = await subscribersByEmail(db, key)
  const candidates = await candidatesByEmail(db, key)
  const suppressions = await suppressionsByHash(db, suppressionHash(suppressionKey, key))
  return { newsletter, candidates, suppressions }
}
