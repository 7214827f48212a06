// The controllers we process data for (a case forwarded to its controller names one): cases list
// them on the forward form and save the one a handler names, inside the case's transaction.
import type { Executor } from '../db/connection.js'
import { findClientIdByKey, insertClient, listClients, setClientEmail } from './repository.js'

export { listClients }

/** The client of that name (letter case and spaces around it do not count), its address updated; a new one if none. */
export async function saveClient(db: Executor, name: string, email: string, at: string): Promise<number> {
  const nameKey = name.trim().toLocaleLowerCase('sv')
  const existing = await findClientIdByKey(db, nameKey)
  if (existing === undefined) return insertClient(db, { name, nameKey, email, at })
  await setClientEmail(db, existing, email, at)
  return existing
}
