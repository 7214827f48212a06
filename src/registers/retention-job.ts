import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { claimPeriod, finishPeriod } from '../scheduler/job-runs.js'
import { runRetention } from './retention.js'

/** The scheduler checks often; the day's job_runs row makes sure the retention run happens once a day. */
export async function retentionIfDue(db: Db, config: Config, now: Date) {
  const period = stockholmDate(now)
  if (!(await claimPeriod(db, 'retention', period, now.toISOString()))) return { skipped: 'already ran today' }
  const result = await runRetention(db, config, now, { type: 'system', id: null })
  await finishPeriod(db, 'retention', period, new Date().toISOString(), result)
  return result
}
