import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, type Kysely, type QueryCompiler } from 'kysely'
import { DurableSqliteDriver, type DurableSqliteOptions } from './sqlite-driver.js'

/**
 * SQLite through Kysely's public Dialect interface: Kysely's own compiler, adapter and
 * introspector for SQLite's SQL, and a driver of ours (src/db/sqlite-driver.ts) for the
 * connection, so that durability does not rest on how Kysely's SqliteDriver works inside.
 */
export class DurableSqliteDialect implements Dialect {
  constructor(private readonly opts: DurableSqliteOptions) {}

  createDriver(): Driver {
    return new DurableSqliteDriver(this.opts)
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler()
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter()
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's Dialect interface takes Kysely<any>.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db)
  }
}
