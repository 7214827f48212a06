import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDb from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
  type Transaction,
} from 'kysely'
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

export function createDb(databaseUrl: string): Db {
  const raw = openSqlite(databaseUrl)
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) }),
  })
}
