import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDb from 'better-sqlite3'
import pg from 'pg'
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
import { CurrentSchemaPostgresDialect } from './pg-introspector.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>
/** Repositories take either the database or a running transaction. */
export type Executor = Kysely<Database> | Transaction<Database>

/**
 * A plain BEGIN takes its write lock late, and a second process (the CLI next to the
 * server) then fails at once instead of waiting: BEGIN IMMEDIATE lets busy_timeout work.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(cfg)
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.cfg)
  }
}

/** Kysely prepares each query anew; caching the statements saves most of a query's cost. */
function withStatementCache(raw: SqliteDb.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SqliteDb.Statement>()
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql)
      if (!stmt) {
        stmt = raw.prepare(sql)
        if (cache.size >= max) cache.delete(cache.keys().next().value as string)
        cache.set(sql, stmt)
      }
      return stmt as unknown as SqliteStatement
    },
  }
}

export function openSqlite(path: string): SqliteDb.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const raw = new SqliteDb(path)
  if (path !== ':memory:') raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = FULL')
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
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

export function createPgPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, types: pgTypes })
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it and the next query reports any real outage.
  pool.on('error', () => {})
  return pool
}

export function createDb(databaseUrl: string, opts: { poolSize?: number } = {}): Db {
  if (isPostgresUrl(databaseUrl)) {
    return new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool: createPgPool(databaseUrl, opts.poolSize) }) })
  }
  const raw = openSqlite(databaseUrl)
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) }),
  })
}
