import { emailWarning } from '../intake/email-address.js'
import type { Db } from '../db/connection.js'
import { countCandidates, listCandidates } from './candidates-repository.js'
import { countSubscribers, listSubscribers } from './subscribers-repository.js'
import { countSuppressions } from './suppressions-repository.js'

/** The registers page: the counts and the latest 100 of each register, filtered by a part of the address. */
export async function registersOverview(db: Db, search: string | undefined) {
  const q = (search ?? '').trim().slice(0, 100)
  const flag = <T extends { email: string | null }>(x: T) => ({ ...x, mixedScripts: emailWarning(x.email) !== null })
  return {
    q,
    counts: { subscribers: await countSubscribers(db), candidates: await countCandidates(db), suppressions: await countSuppressions(db) },
    subscribers: (await listSubscribers(db, { q, limit: 100, offset: 0 })).map(flag),
    candidates: (await listCandidates(db, { q, limit: 100, offset: 0 })).map(flag),
  }
}
