import type { Config } from '../config.js'
import type { Executor } from '../db/connection.js'
import { deleteOldConfirmationEmails } from '../mail/outbox.js'
import { deleteProof } from './proof.js'
import { deleteUnverifiedBefore, pendingProofFilesBefore } from './repository.js'

const DAY = 86_400_000

/**
 * Unconfirmed submissions older than UNVERIFIED_RETENTION_DAYS go, with their tokens and proof
 * files, and so do the confirmation emails of that age already sent or given up: they hold the
 * address and name of someone who may never have confirmed. Returns how many submissions went.
 * Run by the hourly maintenance and by `retention run`.
 */
export async function purgeUnverified(db: Executor, config: Pick<Config, 'unverifiedRetentionDays' | 'dataDir'>, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - config.unverifiedRetentionDays * DAY).toISOString()
  if (config.dataDir) for (const file of await pendingProofFilesBefore(db, cutoff)) await deleteProof(config.dataDir, file)
  const purged = await deleteUnverifiedBefore(db, cutoff)
  await deleteOldConfirmationEmails(db, cutoff)
  return purged
}
