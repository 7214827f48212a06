import { CompiledQuery, type Transaction } from 'kysely'
import type { Db } from './connection.js'
import type { Database } from './schema.js'

/**
 * The savepoint statements of a batch's i-th item, made once: built through Kysely's sql tag for
 * every item of every batch, they cost more than SQLite took to run them.
 */
const savepoints: Array<{ open: CompiledQuery; release: CompiledQuery; rollback: CompiledQuery }> = []
function savepoint(i: number) {
  while (savepoints.length <= i) {
    const name = `"item${savepoints.length}"`
    savepoints.push({ open: CompiledQuery.raw(`savepoint ${name}`), release: CompiledQuery.raw(`release ${name}`), rollback: CompiledQuery.raw(`rollback to ${name}`) })
  }
  return savepoints[i]
}

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
 *
 * The next transaction does not wait for the previous one's sync: it waits only for the
 * connection, which the previous one frees at its commit, and then takes everything queued by
 * that moment. So the CPU runs one batch while the disk syncs the one before.
 */
export class GroupCommit {
  private queue: Item[] = []
  /** A transaction is waiting for the connection, and will take the queue when it gets it. */
  private waiting = false

  constructor(
    private readonly db: Db,
    private readonly opts: { enabled: boolean; maxBatch?: number } = { enabled: true },
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    if (!this.opts.enabled) return this.db.transaction().execute(work)
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work as Work<unknown>, resolve: resolve as (v: unknown) => void, reject })
      this.startBatch()
    })
  }

  private startBatch(): void {
    if (this.waiting || this.queue.length === 0) return
    this.waiting = true
    // Let the requests already read from the sockets join this batch.
    setImmediate(() => void this.runBatch())
  }

  private async runBatch(): Promise<void> {
    let batch: Item[] | null = null
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    try {
      await this.db.transaction().execute(async (trx) => {
        batch = this.queue.splice(0, this.opts.maxBatch ?? 200)
        this.waiting = false
        this.startBatch()
        if (batch.length === 1) {
          // Alone, it needs no savepoint: its failure rolls back the transaction, which holds nothing else.
          outcomes.push({ ok: true, value: await batch[0].work(trx) })
          return
        }
        for (let i = 0; i < batch.length; i++) {
          const statements = savepoint(i)
          await trx.executeQuery(statements.open)
          try {
            const value = await batch[i].work(trx)
            await trx.executeQuery(statements.release)
            outcomes.push({ ok: true, value })
          } catch (error) {
            await trx.executeQuery(statements.rollback)
            await trx.executeQuery(statements.release)
            outcomes.push({ ok: false, error })
          }
        }
      })
    } catch (error) {
      // The transaction could not begin (then the queue is still waiting for it), or its commit failed.
      const failed: Item[] = batch ?? this.queue.splice(0, this.opts.maxBatch ?? 200)
      if (batch === null) {
        this.waiting = false
        this.startBatch()
      }
      for (const item of failed) item.reject(error)
      return
    }
    const done: Item[] = batch!
    outcomes.forEach((o, i) => (o.ok ? done[i].resolve(o.value) : done[i].reject(o.error)))
  }
}
