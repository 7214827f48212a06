import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * The thread's whole program, plain JavaScript: an eval'd worker needs no TypeScript loader,
 * so it runs the same under tsx (tests, bench) and from dist/ (npm start). Its connection keeps
 * SQLite's default synchronous=FULL: a checkpoint syncs the WAL before copying it back and the
 * database file after, so nothing is ever reset before it is on disk twice.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true })
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ busy: result.busy, log: result.log, checkpointed: result.checkpointed })
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.code) || 'checkpoint failed') })
  }
})
`

/** V8 heap sizes for the thread (MB); the defaults would reserve tens of megabytes for each thread. */
const CHECKPOINT_THREAD_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 2 }

export interface CheckpointResult {
  busy?: number
  log?: number
  checkpointed?: number
  error?: string
}

/**
 * WAL checkpoints off the event loop.
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
  private worker: Worker | null = null
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
    const worker = this.worker
    this.worker = null
    this.settleIdle()
    if (!worker) return
    // Not events.once: a thread that fails as it closes (its database already gone) still exits.
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    worker.postMessage('close')
    // A thread stuck in a long checkpoint is stopped: SQLite's checkpoints survive being cut short.
    const timeout = setTimeout(() => void worker.terminate(), 5_000)
    try {
      await exited
    } finally {
      clearTimeout(timeout)
    }
  }

  private run(): void {
    if (this.closed || this.failed) return this.settleIdle()
    try {
      this.inFlight = true
      this.again = false
      this.thread().postMessage('checkpoint')
    } catch (error) {
      this.fail(error)
    }
  }

  private thread(): Worker {
    if (this.worker) return this.worker
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    // None of the process's preloads (tsx, a test runner's instrumentation): the thread needs none.
    // A small heap: the thread holds one connection and a few result objects. Past it the thread
    // stops and the main connection checkpoints as before (onFail), so nothing is lost.
    const worker = new Worker(THREAD, { eval: true, workerData: { driver, path: this.dbPath }, execArgv: [], resourceLimits: CHECKPOINT_THREAD_LIMITS })
    worker.unref()
    worker.on('message', (result: CheckpointResult) => {
      this.inFlight = false
      this.runs += 1
      this.last = result
      if (this.again) this.noteWrite()
      else this.settleIdle()
    })
    worker.on('error', (error) => this.fail(error))
    worker.on('exit', (code) => {
      if (!this.closed && this.worker === worker) this.fail(new Error(`checkpoint thread exited with ${code}`))
    })
    this.worker = worker
    return worker
  }

  private fail(error: unknown): void {
    if (this.failed || this.closed) return
    this.failed = true
    this.inFlight = false
    const worker = this.worker
    this.worker = null
    if (worker) void worker.terminate()
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
