import type { FastifyInstance } from 'fastify'
import { claimPeriod, finishPeriod } from '../scheduler/job-runs.js'

export const RETENTION_JOB = 'package-retention'

/**
 * Deletes sent packages (data and files) PACKAGE_RETENTION_DAYS after sending. Checked often,
 * run once per hour: the hour's job_runs row decides which instance does it.
 */
export async function packageRetention(app: FastifyInstance, now: Date) {
  const period = now.toISOString().slice(0, 13)
  if (!(await claimPeriod(app.db, RETENTION_JOB, period, now.toISOString()))) return { skipped: 'already ran this hour' }
  const deleted = await app.accessPackages.purgeExpired(now)
  await finishPeriod(app.db, RETENTION_JOB, period, new Date().toISOString(), { deleted })
  return { deleted }
}
