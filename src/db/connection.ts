import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import SqliteDb from 'better-sqlite3'
import type pg from 'pg'
import { Kysely, PostgresAdapter, sql, type Transaction } from 'kysely'
import { Checkpointer } from './checkpointer.js'
import { CurrentSchemaPostgresDialect } from './pg-introspector.js'
import type { Database } from './schema.js'
import { DurableSqliteDialect } from './sqlite-dialect.js'
import { WalSync, type SyncFile } from './wal-sync.js'

export type Db = Kysely<Database>
/** Repositories take either the database or a running transaction. */
export type Executor = Kysely<Database> | Transaction<Database>

/**
 * With its checkpoints done by a thread (src/db/checkpointer.ts), the main connection checkpoints
 * only as a backstop, when the WAL passes this many pages (40 MB): rarely, and with little left to
 * copy. SQLite's default, 1,000, is what it falls back to if the thread fails.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000
const DEFAULT_CHECKPOINT_PAGES = 1_000

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
  if (!onDisk) return new Kysely<Database>({ dialect: new DurableSqliteDialect({ raw, wal: null }) })
  raw.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`)
  const checkpoints = new Checkpointer(raw.name, {
    delayMs: opts.checkpointDelayMs,
    onFail: (error) => {
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`)
      opts.onCheckpointThreadFail?.(error)
    },
  })
  return new Kysely<Database>({
    dialect: new DurableSqliteDialect({
      raw,
      wal: new WalSync(`${raw.name}-wal`, opts.syncFile),
      onDurable: () => checkpoints.noteWrite(),
      // The thread's connection closes first, so ours is the last one and SQLite removes the WAL.
      beforeClose: () => checkpoints.close(),
    }),
  })
}
