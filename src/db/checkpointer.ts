import { createRequire } from 'node:module'
import { openChannel, type Channel } from '../threads/background.js'

/**
 * The handler on the background thread (src/threads/background.ts), plain JavaScript: its own
 * connection, which keeps SQLite's default synchronous=FULL: a checkpoint syncs the WAL before
 * copying it back and the database file after, so nothing is ever reset before it is on disk twice.
 */
const HANDLER = `(data, post) => {
  const Database = require(data.driver)
  const db = new Database(data.path, { fileMustExist: true })
  return {
    message() {
      try {
        const [result] = db.pragma('wal_checkpoint(PASSIVE)')
        post({ busy: result.busy, log: result.log, checkpointed: result.checkpointed })
      } catch (error) {
        post({ error: String((error && error.code) || 'checkpoint failed') })
      }
    },
    close() {
      db.close()
    },
  }
}`

export interface CheckpointResult {
  busy?: number
  log?: number
  checkpointed?: number
  error?: string
}

/**
 * WAL checkpoints off the event loop, on the process's background thread.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages: on
 * the event loop, copying those pages into the database file and fsyncing both files, every few
 * hundred submissions. Here a worker thread with its own connection copies the WAL back soon
 * after writes (PASSIVE, so the writer never waits for it), and the main connection's automatic
 * checkpoint is only a backstop at a much larger WAL (see createDb): when it fires, the thread
 * has already copied nearly everything, so it has little left to do, and the WAL starts over.
 * If the thread cannot run, `onFail` gives the main connection its usual checkpoints back.
 */
export class Checkpointer {
  private channel: Channel | null = null
  private timer: NodeJS.Timeout | null = null
  private inFlight = false
  private again = false
  private closed = false
  private failed = false
  private idleWaiters: Array<() => void> = []
  /** The last result the thread reported; for tests and diagnostics. */
  last: CheckpointResult | null = null
  runs = 0

  constructor(
    private readonly dbPath: string,
    private readonly opts: { delayMs?: number; onFail: (error: unknown) => void },
  ) {}

  /** A write has committed: the WAL is copied back soon, in batches of whatever came meanwhile. */
  noteWrite(): void {
    if (this.closed || this.failed) return
    if (this.inFlight) {
      this.again = true
      return
    }
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.run()
    }, this.opts.delayMs ?? 50)
    this.timer.unref()
  }

  /** Resolves when no checkpoint is running or waiting to run. */
  idle(): Promise<void> {
    if (!this.inFlight && !this.timer) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const channel = this.channel
    this.channel = null
    this.settleIdle()
    // Its connection is closed when this resolves (or the thread is gone; see src/threads/background.ts).
    await channel?.close()
  }

  private run(): void {
    if (this.closed || this.failed) return this.settleIdle()
    try {
      this.inFlight = true
      this.again = false
      this.thread().post('checkpoint')
    } catch (error) {
      this.fail(error)
    }
  }

  private thread(): Channel {
    if (this.channel) return this.channel
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    // If the thread stops (or cannot open the database), the main connection checkpoints as before (onFail), so nothing is lost.
    const channel = openChannel({
      handler: { source: HANDLER },
      data: { driver, path: this.dbPath },
      message: (result) => {
        this.inFlight = false
        this.runs += 1
        this.last = result as CheckpointResult
        if (this.again) this.noteWrite()
        else this.settleIdle()
      },
      lost: (error) => {
        if (this.channel === channel) this.fail(error)
      },
    })
    this.channel = channel
    return channel
  }

  private fail(error: unknown): void {
    if (this.failed || this.closed) return
    this.failed = true
    this.inFlight = false
    const channel = this.channel
    this.channel = null
    void channel?.close()
    this.settleIdle()
    this.opts.onFail(error)
  }

  private settleIdle(): void {
    if (this.inFlight || this.timer) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}
