import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import SqliteDb from 'better-sqlite3'
import type pg from 'pg'
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
  type Transaction,
} from 'kysely'
import { Checkpointer } from './checkpointer.js'
import { CurrentSchemaPostgresDialect } from './pg-introspector.js'
import type { Database } from './schema.js'
import { WalSync, type SyncFile } from './wal-sync.js'

export type Db = Kysely<Database>
/** Repositories take either the database or a running transaction. */
export type Executor = Kysely<Database> | Transaction<Database>

/**
 * A plain BEGIN takes its write lock late, and a second process (the CLI next to the
 * server) then fails at once instead of waiting: BEGIN IMMEDIATE lets busy_timeout work.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    cfg: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly durable: Durability | null,
  ) {
    super(cfg)
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }

  /**
   * Kysely awaits this before it hands back a query's or a transaction's result, so a write is
   * answered only once it is on disk; the connection is free for others during the sync.
   */
  override async releaseConnection(): Promise<void> {
    const wrote = this.durable?.takeWrote() ?? false
    await super.releaseConnection()
    if (!wrote) return
    await this.durable!.wal.sync()
    this.durable!.checkpoints.noteWrite()
  }

  override async destroy(): Promise<void> {
    // The thread's connection closes first, so ours is the last one and SQLite removes the WAL.
    await this.durable?.checkpoints.close()
    await super.destroy()
    this.durable?.wal.close()
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly durable: Durability | null,
  ) {
    super(cfg)
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.cfg, this.durable)
  }
}

/** Whether the connection's holder has written since it took it, the WAL to sync if so, and who copies it back. */
interface Durability {
  wal: WalSync
  checkpoints: Checkpointer
  takeWrote(): boolean
}

/**
 * With its checkpoints done by a thread (src/db/checkpointer.ts), the main connection checkpoints
 * only as a backstop, when the WAL passes this many pages (40 MB): rarely, and with little left to
 * copy. SQLite's default, 1,000, is what it falls back to if the thread fails.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000
const DEFAULT_CHECKPOINT_PAGES = 1_000

const TRANSACTION_CONTROL = /^\s*(begin|commit|end|rollback|savepoint|release)\b/i

/**
 * Kysely prepares each query anew; caching the statements saves most of a query's cost.
 * The cache also notes every statement that writes, for the durability barrier.
 */
function withStatementCache(raw: SqliteDb.Database, onWrite: () => void, max = 500): SqliteDatabase {
  // Whether a statement writes is worked out once, when it is prepared, not on every run.
  const cache = new Map<string, { stmt: SqliteDb.Statement; writes: boolean }>()
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      let entry = cache.get(sql)
      if (!entry) {
        const stmt = raw.prepare(sql)
        entry = { stmt, writes: !stmt.reader && !TRANSACTION_CONTROL.test(sql) }
        if (cache.size >= max) cache.delete(cache.keys().next().value as string)
        cache.set(sql, entry)
      }
      if (entry.writes) onWrite()
      return entry.stmt as unknown as SqliteStatement
    },
  }
}

/**
 * A file database runs in WAL mode with synchronous=NORMAL, and createDb makes every write wait
 * for an fdatasync of the WAL (src/db/wal-sync.ts): as durable as FULL. Only a connection opened
 * without that barrier (openSqlite alone) keeps FULL.
 */
export function openSqlite(path: string, opts: { walBarrier?: boolean } = {}): SqliteDb.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const raw = new SqliteDb(path)
  if (path !== ':memory:') raw.pragma('journal_mode = WAL')
  raw.pragma(opts.walBarrier && path !== ':memory:' ? 'synchronous = NORMAL' : 'synchronous = FULL')
  raw.pragma('busy_timeout = 5000')
  raw.pragma('foreign_keys = ON')
  return raw
}

export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl)
}

/** For the few places where the SQL must differ (locking, advisory locks, LIKE folding). */
export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/**
 * Makes transactions about the same key take turns, until commit or rollback. SQLite needs
 * nothing: BEGIN IMMEDIATE already gives one writer at a time. On PostgreSQL (READ COMMITTED,
 * several instances) a transaction-scoped advisory lock on the key's hash does it, for
 * check-then-insert steps that no unique constraint can guard.
 */
export async function serializeOn(trx: Executor, scope: string, key: string): Promise<void> {
  if (!isPostgres(trx)) return
  await sql`select pg_advisory_xact_lock(hashtext(${scope}), hashtext(${key}))`.execute(trx)
}

const INT8_OID = 20

/**
 * pg returns bigint (COUNT(*), SUM of integers) as strings to be safe past 2^53; our counts and
 * ids stay far below that, and reading them as numbers makes rows identical to SQLite's.
 * Set per pool, not on pg's global parsers, so nothing else in the process is affected.
 */
function pgTypes(driver: typeof pg) {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : driver.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  }
}

/** Loaded only when a PostgreSQL URL is used: a SQLite portal starts without it (time and memory). */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg
}

export function createPgPool(databaseUrl: string, max = 10): pg.Pool {
  const driver = loadPg()
  const pool = new driver.Pool({ connectionString: databaseUrl, max, types: pgTypes(driver) })
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it and the next query reports any real outage.
  pool.on('error', () => {})
  return pool
}

export interface CreateDbOptions {
  poolSize?: number
  syncFile?: SyncFile
  checkpointDelayMs?: number
  /** Told when the checkpoint thread stops and the main connection checkpoints again. */
  onCheckpointThreadFail?: (error: unknown) => void
}

export function createDb(databaseUrl: string, opts: CreateDbOptions = {}): Db {
  if (isPostgresUrl(databaseUrl)) {
    return new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool: createPgPool(databaseUrl, opts.poolSize) }) })
  }
  const onDisk = databaseUrl !== ':memory:'
  const raw = openSqlite(databaseUrl, { walBarrier: onDisk })
  let wrote = false
  if (onDisk) raw.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`)
  const durable: Durability | null = onDisk
    ? {
        wal: new WalSync(`${raw.name}-wal`, opts.syncFile),
        checkpoints: new Checkpointer(raw.name, {
          delayMs: opts.checkpointDelayMs,
          onFail: (error) => {
            if (raw.open) raw.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`)
            opts.onCheckpointThreadFail?.(error)
          },
        }),
        takeWrote: () => {
          const was = wrote
          wrote = false
          return was
        },
      }
    : null
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect(
      {
        database: withStatementCache(raw, () => {
          wrote = true
        }),
      },
      durable,
    ),
  })
}
