import { sql, type Transaction } from 'kysely'
import type { Db } from './connection.js'
import type { Database } from './schema.js'

type Work<T> = (trx: Transaction<Database>) => Promise<T>
interface Item {
  work: Work<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * SQLite has one writer, and each transaction costs its BEGIN, its COMMIT (writing the WAL
 * pages it touched) and a share of a WAL sync (src/db/wal-sync.ts). Writes that arrive together
 * are run in one transaction, each in its own savepoint, so they share those costs; every
 * caller's promise settles only after the commit and its sync, so an acknowledged write is on
 * disk, and a failing item rolls back only its own savepoint.
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
    try {
      // A callback transaction, not a controlled one: Kysely awaits the connection's release,
      // where the WAL is synced (src/db/connection.ts), before this resolves.
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < batch.length; i++) {
          const name = sql.id(`item${i}`)
          await sql`savepoint ${name}`.execute(trx)
          try {
            const value = await batch[i].work(trx)
            await sql`release ${name}`.execute(trx)
            outcomes.push({ ok: true, value })
          } catch (error) {
            await sql`rollback to ${name}`.execute(trx)
            await sql`release ${name}`.execute(trx)
            outcomes.push({ ok: false, error })
          }
        }
      })
    } catch (error) {
      for (const item of batch) item.reject(error)
      return
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)))
  }
}
