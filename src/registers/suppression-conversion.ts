import type { Db } from '../db/connection.js'
import { suppressionHash } from './suppression-hash.js'
import { plainSuppressions, replacePlainSuppression, scrubDeletedPages } from './suppressions-repository.js'

/**
 * The start-up step of migration 016: a migration cannot read SUPPRESSION_KEY, so the rows the old
 * plain-address table still holds are hashed into suppression_hashes and deleted here, each batch
 * in one transaction (a crash leaves every address either plain or hashed, never lost). Runs
 * before the server answers and before any CLI command, so nothing compares hashes while a plain
 * address is still unconverted. Returns how many rows it converted (0 on every start after the first).
 */
export async function hashPlainSuppressions(db: Db, key: string, batch = 500): Promise<number> {
  let converted = 0
  for (;;) {
    const rows = await plainSuppressions(db, batch)
    if (rows.length === 0) break
    await db.transaction().execute(async (trx) => {
      for (const row of rows) await replacePlainSuppression(trx, row, suppressionHash(key, row.email_normalized))
    })
    converted += rows.length
  }
  if (converted > 0) await scrubDeletedPages(db)
  return converted
}
