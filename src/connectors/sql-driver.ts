/**
 * The two databases a `sql` system may be, behind one small interface: PostgreSQL through `pg`
 * (a client per task, closed after it) and a SQLite file through better-sqlite3. Statements are
 * written with `?` placeholders; identifiers are quoted by `quoteName` after the caller has checked
 * them against the live schema (`columnsOf`), never interpolated as sent.
 */
import Database from 'better-sqlite3'
import { createRequire } from 'node:module'
import type pg from 'pg'
import { assertHostAllowed } from './url-guard.js'

export interface Query {
  /** Rows and the number of rows a change touched. */
  run(text: string, params: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; count: number }>
}

export interface SqlSession {
  /** The table's columns, or null when there is no such table. */
  columnsOf(table: string): Promise<Set<string> | null>
  /** Read-only: a READ ONLY transaction (PostgreSQL), a connection opened read-only (SQLite). */
  read<T>(fn: (q: Query) => Promise<T>): Promise<T>
  /** One transaction: all of it or none. */
  write<T>(fn: (q: Query) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** "schema.table" or "table", each part in double quotes (names are checked by the caller; quotes doubled anyway). */
export function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.')
}

const CONNECT_TIMEOUT_MS = 10_000
const STATEMENT_TIMEOUT_MS = 60_000

async function postgres(url: string, allowPrivate: boolean): Promise<SqlSession> {
  await assertHostAllowed(new URL(url).hostname, allowPrivate)
  const client = new (loadPg().Client)({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, statement_timeout: STATEMENT_TIMEOUT_MS, application_name: 'dsr-portal' })
  // An error after connecting (the server going away) must not crash the process; the query in flight throws.
  client.on('error', () => {})
  await client.connect()
  let n = 0
  const q: Query = {
    async run(text, params) {
      n = 0
      const r = await client.query(text.replace(/\?/g, () => `$${++n}`), params)
      return { rows: r.rows as Array<Record<string, unknown>>, count: r.rowCount ?? 0 }
    },
  }
  async function inTx<T>(begin: string, fn: (q: Query) => Promise<T>): Promise<T> {
    await client.query(begin)
    try {
      const out = await fn(q)
      await client.query('COMMIT')
      return out
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    }
  }
  return {
    async columnsOf(table) {
      const [schema, name] = table.includes('.') ? table.split('.') : [null, table]
      const { rows } = await client.query<{ column_name: string }>(
        'select column_name from information_schema.columns where table_name = $1 and table_schema = coalesce($2, current_schema())',
        [name, schema],
      )
      return rows.length ? new Set(rows.map((r) => r.column_name)) : null
    },
    read: (fn) => inTx('BEGIN READ ONLY', fn),
    write: (fn) => inTx('BEGIN', fn),
    close: () => client.end(),
  }
}

function sqlite(file: string): SqlSession {
  // Opened read-only first: access and plans never need more; a change opens its own connection.
  const open = (readonly: boolean) => new Database(file, { readonly, fileMustExist: true, timeout: 5000 })
  const reader = open(true)
  const queryOn = (db: Database.Database): Query => ({
    async run(text, params) {
      const stmt = db.prepare(text)
      if (stmt.reader) return { rows: stmt.all(...params) as Array<Record<string, unknown>>, count: 0 }
      return { rows: [], count: stmt.run(...params).changes }
    },
  })
  return {
    async columnsOf(table) {
      if (table.includes('.')) return null
      const rows = reader.prepare('select name from pragma_table_info(?)').all(table) as Array<{ name: string }>
      return rows.length ? new Set(rows.map((r) => r.name)) : null
    },
    read: (fn) => fn(queryOn(reader)),
    async write(fn) {
      const writer = open(false)
      try {
        writer.exec('BEGIN IMMEDIATE')
        try {
          const out = await fn(queryOn(writer))
          writer.exec('COMMIT')
          return out
        } catch (error) {
          if (writer.inTransaction) writer.exec('ROLLBACK')
          throw error
        }
      } finally {
        writer.close()
      }
    },
    async close() {
      reader.close()
    },
  }
}

/** Opens the system's database; throws when it cannot be reached (the engine retries). */
export async function openSession(url: string, o: { sqliteFile: string | null; allowPrivate: boolean }): Promise<SqlSession> {
  if (o.sqliteFile !== null) return sqlite(o.sqliteFile)
  return postgres(url, o.allowPrivate)
}

/**
 * The pg driver, loaded the first time a PostgreSQL system is reached: most portals connect none,
 * and loading it at start costs every instance its memory (the footprint target is tight).
 */
function loadPg(): typeof pg {
  return createRequire(import.meta.url)('pg') as typeof pg
}
