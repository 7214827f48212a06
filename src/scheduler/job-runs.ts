/**
 * The job claims as the features' daily jobs use them (reminders, escalation, retention,
 * maintenance). The job_runs table is the scheduler's own: its queries live in job-runs-repository.ts.
 */
export { claimPeriod, finishPeriod } from './job-runs-repository.js'
