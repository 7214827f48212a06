import type { Executor } from '../db/connection.js'

/**
 * Claims a job's period by inserting its row; the primary key lets only one process (or one
 * restart) win, so the job runs once per period. Returns false when it already ran.
 */
export async function claimPeriod(db: Executor, job: string, period: string, at: string): Promise<boolean> {
  const result = await db
    .insertInto('job_runs')
    .values({ job, period, started_at: at })
    .onConflict((oc) => oc.columns(['job', 'period']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function finishPeriod(db: Executor, job: string, period: string, at: string, result: unknown): Promise<void> {
  await db.updateTable('job_runs').set({ finished_at: at, result: JSON.stringify(result) }).where('job', '=', job).where('period', '=', period).execute()
}
