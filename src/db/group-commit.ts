import type { Transaction } from 'kysely'
import type { Db } from './connection.js'
import type { Database } from './schema.js'

type Work<T> = (trx: Transaction<Database>) => Promise<T>
interface Item {
  work: Work<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * Durable commits on SQLite (synchronous=FULL) cost one fsync each, a few milliseconds, and the
 * database has one writer: done one by one, they cap the portal at a few hundred writes a second.
 * Writes that arrive together are run in one transaction, each in its own savepoint, and
 * committed with one fsync; every caller's promise settles only after that commit, so an
 * acknowledged write is on disk, and a failing item rolls back only its own savepoint.
 */
export class GroupCommit {
  private queue: Item[] = []
  private running = false

  constructor(
    private readonly db: Db,
    private readonly opts: { enabled: boolean; maxBatch?: number } = { enabled: true },
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    if (!this.opts.enabled) return this.db.transaction().execute(work)
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work as Work<unknown>, resolve: resolve as (v: unknown) => void, reject })
      if (!this.running) {
        this.running = true
        // Let the requests already read from the sockets join this batch.
        setImmediate(() => void this.drain())
      }
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch ?? 200)
        if (batch.length === 1) await this.runAlone(batch[0])
        else await this.runTogether(batch)
      }
    } finally {
      this.running = false
      if (this.queue.length > 0) {
        this.running = true
        setImmediate(() => void this.drain())
      }
    }
  }

  private async runAlone(item: Item): Promise<void> {
    try {
      item.resolve(await this.db.transaction().execute(item.work))
    } catch (error) {
      item.reject(error)
    }
  }

  private async runTogether(batch: Item[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    let trx
    try {
      trx = await this.db.startTransaction().execute()
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    try {
      for (let i = 0; i < batch.length; i++) {
        const name = `item${i}`
        const sp = await trx.savepoint(name).execute()
        try {
          const value = await batch[i].work(sp)
          await sp.releaseSavepoint(name).execute()
          outcomes.push({ ok: true, value })
        } catch (error) {
          await sp.rollbackToSavepoint(name).execute()
          await sp.releaseSavepoint(name).execute()
          outcomes.push({ ok: false, error })
        }
      }
      await trx.commit().execute()
    } catch (error) {
      await trx.rollback().execute().catch(() => {})
      for (const item of batch) item.reject(error)
      return
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)))
  }
}
