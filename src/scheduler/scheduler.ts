import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { runMaintenance } from './maintenance.js'

interface Job {
  name: string
  everyMs: number
  run: () => Promise<unknown>
}

/** Runs periodic jobs inside the server; each run is awaited on shutdown so none stops half-way. */
export class Scheduler {
  private timers: NodeJS.Timeout[] = []
  private running = new Set<Promise<unknown>>()
  private readonly jobs: Job[]

  constructor(app: FastifyInstance, config: Config, now: () => Date) {
    this.jobs = [{ name: 'maintenance', everyMs: 3_600_000, run: () => runMaintenance(app.db, config, now()) }]
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
