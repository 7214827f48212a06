import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import { purgeUnverified } from '../intake/repository.js'
import { purgeRateEvents } from '../security/rate-limit.js'

const DAY = 86_400_000

/** Purges unconfirmed submissions after the configured days, and rate-limit counts older than a day. */
export async function runMaintenance(db: Db, config: Config, now: Date) {
  const unverifiedPurged = await purgeUnverified(db, new Date(now.getTime() - config.unverifiedRetentionDays * DAY).toISOString())
  const rateEventsPurged = await purgeRateEvents(db, new Date(now.getTime() - DAY).toISOString())
  return { unverifiedPurged, rateEventsPurged }
}
