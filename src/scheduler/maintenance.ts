import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import { purgeUnverified } from '../intake/purge.js'
import { purgeRateEvents, RATE_EVENT_RETENTION_HOURS } from '../security/rate-limit.js'
import { purgeEndedSessions } from '../staff/sessions.js'
import { claimPeriod, finishPeriod } from './job-runs.js'

/**
 * Purges unconfirmed submissions after the configured days, rate-limit counts older than a day, and
 * staff sessions past their end or idle limit (a signed-in session is refused then anyway; the row
 * would otherwise stay for ever, naming who was signed in when).
 */
export async function runMaintenance(db: Executor, config: Config, now: Date) {
  const unverifiedPurged = await purgeUnverified(db, config, now)
  const rateEventsPurged = await purgeRateEvents(db, new Date(now.getTime() - RATE_EVENT_RETENTION_HOURS * 3_600_000).toISOString())
  const sessionsPurged = await purgeEndedSessions(db, now)
  return { unverifiedPurged, rateEventsPurged, sessionsPurged }
}

/**
 * The scheduler's hourly run: the hour's job_runs row is claimed in the same transaction, so with
 * several instances on one database only one of them purges each hour (the CLI's `purge` runs at once).
 */
export async function maintenanceIfDue(db: Db, config: Config, now: Date) {
  const hour = now.toISOString().slice(0, 13)
  return db.transaction().execute(async (trx) => {
    if (!(await claimPeriod(trx, 'maintenance', hour, now.toISOString()))) return { period: hour, ran: false }
    const result = await runMaintenance(trx, config, now)
    await finishPeriod(trx, 'maintenance', hour, now.toISOString(), result)
    return { period: hour, ran: true, ...result }
  })
}
