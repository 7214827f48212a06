import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

export type SyncFile = (fd: number) => Promise<void>

const fdatasyncAsync: SyncFile = (fd) => new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())))

/**
 * Durable commits without stalling the event loop.
 *
 * With synchronous=FULL, SQLite fsyncs the WAL inside COMMIT, and better-sqlite3 runs COMMIT on
 * the event loop: every durable write froze the whole server for an fsync (~5 ms on this disk),
 * capping it at a few hundred writes a second. Instead the connection runs synchronous=NORMAL
 * (commits reach the OS at once, so a killed process loses nothing; checkpoints are still synced
 * by SQLite) and every write is answered only after an fdatasync of the WAL file that started
 * after its commit. The fdatasync runs on libuv's thread pool, and every commit that lands while
 * one is running shares the next one: the guarantee of synchronous=FULL, at one fsync per batch,
 * off the event loop.
 *
 * fsync works on the file, not the descriptor, so our own descriptor of the WAL flushes what
 * SQLite wrote through its own. SQLite deletes the WAL only when the last connection closes,
 * and ours stays open as long as this object is used.
 */
export class WalSync {
  private fd: number | null = null
  private running: Promise<void> | null = null
  private queued: Promise<void> | null = null

  constructor(
    private readonly walPath: string,
    private readonly syncFile: SyncFile = fdatasyncAsync,
  ) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    // A running sync may have started before the caller's commit: only the next one covers it.
    if (this.queued) return this.queued
    if (!this.running) return this.start()
    this.queued = this.running
      .catch(() => {})
      .then(() => {
        this.queued = null
        return this.start()
      })
    return this.queued
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }

  private start(): Promise<void> {
    let fd: number
    try {
      fd = this.open()
    } catch (error) {
      return Promise.reject(error)
    }
    const run: Promise<void> = this.syncFile(fd).finally(() => {
      if (this.running === run) this.running = null
    })
    this.running = run
    return run
  }

  private open(): number {
    if (this.fd === null) {
      this.fd = openSync(this.walPath, 'r')
      // SQLite made the WAL file at its first write; its directory entry must be on disk too.
      const dir = openSync(dirname(this.walPath), 'r')
      try {
        fsyncSync(dir)
      } finally {
        closeSync(dir)
      }
    }
    return this.fd
  }
}
