import type SqliteDb from 'better-sqlite3'
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from 'kysely'
import { StatementCache, type CachedStatement } from './statement-cache.js'
import type { WalSync } from './wal-sync.js'

export interface DurableSqliteOptions {
  raw: SqliteDb.Database
  /** The WAL to sync after every commit that wrote; null where there is none (in memory). */
  wal: WalSync | null
  /** Told after each write is on disk (the checkpoint thread copies the WAL back soon after). */
  onDurable?: () => void
  /** Run before the connection closes (the checkpoint thread's connection must close first). */
  beforeClose?: () => Promise<void>
}

/** One user of the connection: Kysely's "connection", for one query or one transaction. */
class Session implements DatabaseConnection {
  constructor(private readonly core: SqliteCore) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.core.execute<R>(this, query)
  }

  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.core.stream<R>(this, query)
  }
}

/**
 * The one better-sqlite3 connection, shared by Kysely's sessions.
 *
 * Durability is decided here, per statement, from SQLite's own state rather than from the order
 * in which Kysely calls a driver: a statement after which the connection is out of a transaction
 * has committed (an auto-commit write, a COMMIT, a RELEASE of an outermost savepoint), and if that
 * transaction wrote, the statement's promise settles only once an fdatasync of the WAL that
 * started after the commit has finished (src/db/wal-sync.ts). Nothing is acknowledged before its
 * commit is on disk, whatever Kysely does with the result.
 *
 * A session holds the connection from the statement that opens a transaction to the one that
 * ends it (others wait their turn, first come first served); an auto-commit statement holds it
 * only while it runs. The sync is awaited after the connection is let go, so the next writer
 * commits while the disk syncs, and every commit made meanwhile shares the next fdatasync.
 */
export class SqliteCore {
  private holder: Session | null = null
  private readonly waiters: Array<{ session: Session; go: () => void }> = []
  /** The open transaction has written. */
  private dirty = false
  private lastSync: Promise<unknown> = Promise.resolve()
  private readonly statements: StatementCache

  constructor(private readonly opts: DurableSqliteOptions) {
    this.statements = new StatementCache(opts.raw)
  }

  session(): Session {
    return new Session(this)
  }

  holds(session: Session): boolean {
    return this.holder === session
  }

  async execute<R>(session: Session, query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.holder !== session) await this.take(session)
    let result: QueryResult<R>
    let entry: CachedStatement
    try {
      entry = this.statements.get(query.sql)
      result = run<R>(entry.stmt, query.parameters)
    } catch (error) {
      // A statement that failed committed nothing, even where its failure ended the transaction.
      this.afterStatement(session, false, true)
      throw error
    }
    if (!this.afterStatement(session, entry.writes, entry.rollsBack) || !this.opts.wal) return result
    // Committed and let go of; answered once on disk.
    await this.synced()
    return result
  }

  /** Only reads are streamed: a write's rows wait for its sync, so they come from execute(). */
  async *stream<R>(session: Session, query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (this.holder !== session) await this.take(session)
    try {
      // Its own statement: an iterating statement is busy until it finishes, and the cache's could be needed meanwhile.
      const stmt = this.opts.raw.prepare(query.sql)
      if (!stmt.readonly || !stmt.reader) throw new Error('only read-only queries can be streamed')
      for (const row of stmt.iterate(query.parameters as unknown[])) yield { rows: [row as R] }
    } finally {
      this.afterStatement(session, false, false)
    }
  }

  /**
   * Bookkeeping after a statement: the session keeps the connection while a transaction is open,
   * and lets it go when none is. Returns whether a commit that wrote just happened.
   */
  private afterStatement(session: Session, writes: boolean, rolledBack: boolean): boolean {
    if (this.opts.raw.inTransaction) {
      this.dirty ||= writes
      return false
    }
    const committedWrite = !rolledBack && (this.dirty || writes)
    this.dirty = false
    this.release(session)
    return committedWrite
  }

  private take(session: Session): Promise<void> | void {
    if (this.holder === null) {
      this.holder = session
      return
    }
    return new Promise<void>((go) => this.waiters.push({ session, go }))
  }

  /** Hands the connection to the first in line, so no later arrival overtakes it. */
  private release(session: Session): void {
    if (this.holder !== session) return
    const next = this.waiters.shift()
    this.holder = next?.session ?? null
    next?.go()
  }

  private synced(): Promise<void> {
    const done = this.opts.wal!.sync().then(() => this.opts.onDurable?.())
    this.lastSync = done.catch(() => {})
    return done
  }

  /** Rolls back a transaction its session left open (Kysely's transactions never do), so others are not locked out. */
  abandon(session: Session): void {
    if (this.holder !== session) return
    if (this.opts.raw.inTransaction) this.opts.raw.exec('rollback')
    this.dirty = false
    this.release(session)
  }

  async close(): Promise<void> {
    await this.opts.beforeClose?.()
    // Waits for whoever holds the connection, and for the last sync, before closing under them.
    const closer = new Session(this)
    await this.take(closer)
    await this.lastSync
    this.opts.raw.close()
    this.opts.wal?.close()
  }
}

function run<R>(stmt: SqliteDb.Statement, parameters: readonly unknown[]): QueryResult<R> {
  // An array binds its items in order, as Kysely's own SQLite driver passes them.
  const args = parameters as unknown[]
  if (stmt.reader) return { rows: stmt.all(args) as R[] }
  const { changes, lastInsertRowid } = stmt.run(args)
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] }
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * Kysely's Driver interface over SqliteCore. BEGIN IMMEDIATE takes the write lock at once, so a
 * second process (the CLI beside the server) waits through busy_timeout instead of failing at
 * its first write with SQLITE_BUSY.
 */
export class DurableSqliteDriver implements Driver {
  private readonly core: SqliteCore

  constructor(opts: DurableSqliteOptions) {
    this.core = new SqliteCore(opts)
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.core.session()
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite may already have rolled back (some errors end the transaction): the original error is the one to report.
    if (this.core.holds(connection as Session)) await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`))
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoted(name)}`))
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoted(name)}`))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.core.abandon(connection as Session)
  }

  async destroy(): Promise<void> {
    await this.core.close()
  }
}
