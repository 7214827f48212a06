import type SqliteDb from 'better-sqlite3'

export interface CachedStatement {
  stmt: SqliteDb.Statement
  /**
   * Mostly SQLite's own answer (sqlite3_stmt_readonly), worked out once when the statement is
   * prepared: an INSERT ... RETURNING returns rows and still writes; COMMIT, SAVEPOINT write
   * nothing. BEGIN IMMEDIATE counts as writing there (it takes the write lock), but a
   * transaction that only read has nothing to sync.
   */
  writes: boolean
  /** A whole transaction's ROLLBACK: it ends the transaction with nothing to sync. */
  rollsBack: boolean
}

const BEGIN = /^\s*begin\b/i
const ROLLBACK = /^\s*rollback(\s+transaction)?\s*;?\s*$/i

/**
 * Kysely hands over SQL text for every query and preparing it anew cost most of a short query's
 * time; the portal runs a few hundred distinct statements, so they are kept, oldest dropped first.
 */
export class StatementCache {
  private readonly entries = new Map<string, CachedStatement>()

  constructor(
    private readonly raw: SqliteDb.Database,
    private readonly max = 500,
  ) {}

  get(sql: string): CachedStatement {
    let entry = this.entries.get(sql)
    if (!entry) {
      const stmt = this.raw.prepare(sql)
      entry = { stmt, writes: !stmt.readonly && !BEGIN.test(sql), rollsBack: ROLLBACK.test(sql) }
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string)
      this.entries.set(sql, entry)
    }
    return entry
  }
}
