import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { runReminders } from '../deadlines/reminders.js'
import { packageRetention } from '../access/retention-job.js'
import { purgeMinimisedMail } from '../cases/minimise.js'
import { runEscalation } from '../routing/escalation.js'
import { maintenanceIfDue } from './maintenance.js'
import { retentionIfDue } from '../registers/retention-job.js'

interface Job {
  name: string
  everyMs: number
  run: () => Promise<unknown>
}

export async function remindersIfDue(app: FastifyInstance, config: Config, now: Date) {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hour: '2-digit', hour12: false }).format(now))
  if (hour < config.reminderHour) return { skipped: 'before reminder hour' }
  const result = await runReminders({ db: app.db, config, renderEmail: app.renderEmail, now })
  if (result.emails > 0) app.outbox.wake()
  return result
}

/** Runs periodic jobs inside the server; each run is awaited on shutdown so none stops half-way. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = []
  private running = new Set<Promise<unknown>>()
  private readonly jobs: Job[]

  constructor(app: FastifyInstance, config: Config, now: () => Date) {
    this.jobs = [
      { name: 'maintenance', everyMs: 3_600_000, run: () => maintenanceIfDue(app.db, config, now()) },
      // Checked often, run once a day: the day's job_runs row decides, whichever instance gets there first.
      { name: 'reminders', everyMs: 15 * 60_000, run: () => remindersIfDue(app, config, now()) },
      { name: 'retention', everyMs: 15 * 60_000, run: () => retentionIfDue(app.db, config, now()) },
      // Access packages are deleted PACKAGE_RETENTION_DAYS after sending (once per hour, whichever instance claims it).
      { name: 'package-retention', everyMs: 15 * 60_000, run: () => packageRetention(app, now()) },
      // Neglected cases go to the data-protection team; each quarter-hour runs once (job_runs), each case escalates once.
      { name: 'escalation', everyMs: 15 * 60_000, run: () => runEscalation(app.db, now(), config.escalateUnassignedHours) },
      // Answers to questions whose case was minimised leave the outbox once sent.
      // Connected systems' tasks: each due one is tried, with backoff, on whichever instance leases it.
      { name: 'tasks', everyMs: 30_000, run: () => app.tasks.runDue() },
      // Email suppliers who have not answered for TASK_REMINDER_DAYS get a fresh link.
      { name: 'task-reminders', everyMs: 15 * 60_000, run: () => app.tasks.remindSuppliers() },
      { name: 'minimised-mail', everyMs: 3_600_000, run: () => purgeMinimisedMail(app.db) },
    ]
    this.log = app.log.child({ component: 'scheduler' })
  }

  private readonly log: FastifyInstance['log']

  start(): void {
    for (const job of this.jobs) {
      const tick = () => {
        const p = job
          .run()
          .then((result) => this.log.info({ job: job.name, result }, 'job done'))
          .catch((error: Error) => this.log.error({ job: job.name, err: error.message }, 'job failed'))
          .finally(() => this.running.delete(p))
        this.running.add(p)
      }
      const first = setTimeout(tick, 5_000)
      first.unref()
      const every = setInterval(tick, job.everyMs)
      every.unref()
      this.timers.push(first, every)
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers = []
    await Promise.allSettled([...this.running])
  }
}
