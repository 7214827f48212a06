/**
 * Which database the tests run on. Unset TEST_DATABASE_URL: SQLite (:memory:, or the file a test
 * names). Set to a postgres:// URL: every database a test asks for is a fresh schema in that
 * PostgreSQL database, dropped in the test's teardown. Nothing here knows the tables: the
 * migrations build each schema, so tables added later are covered without changes.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'
import { createDb, isPostgresUrl, type Db } from '../../src/db/connection.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/** The PostgreSQL server the suite runs against, or undefined for SQLite. */
export const TEST_PG_URL: string | undefined = (() => {
  const raw = process.env.TEST_DATABASE_URL?.trim()
  if (!raw) return undefined
  if (!isPostgresUrl(raw)) throw new Error('TEST_DATABASE_URL must be a postgres:// URL')
  return raw
})()

export const onPostgres = TEST_PG_URL !== undefined

/** For t.test(name, skipOnPostgres(reason), fn): the reason shows in the TAP output. */
export function skipOnPostgres(reason: string): { skip: string | false } {
  return { skip: onPostgres ? `SQLite-specific: ${reason}` : false }
}

/** The admin URL with the connection's search_path set to one schema (pg passes `options` to the server). */
export function urlForSchema(baseUrl: string, schema: string): string {
  const u = new URL(baseUrl)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Creates an empty schema; returns its name and a URL that uses it. The caller drops it. */
export async function createSchema(baseUrl: string): Promise<{ schema: string; url: string; drop: () => Promise<void> }> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`
  await withClient(baseUrl, (c) => c.query(`create schema ${schema}`))
  return {
    schema,
    url: urlForSchema(baseUrl, schema),
    drop: () =>
      withClient(baseUrl, async (c) => {
        await c.query(`set lock_timeout = '20s'`)
        await c.query(`drop schema if exists ${schema} cascade`)
      }),
  }
}

/** The same name in one test process gives the same database (a restart, or the CLI next to the app). */
const named = new Map<string, string>()

/**
 * A database URL for a test. `sqliteName` is the SQLite file (or ':memory:') the test uses on
 * SQLite; on PostgreSQL each distinct file name maps to one fresh schema, dropped at t's teardown.
 * A postgres:// URL passes through unchanged (it is already a test schema).
 */
export async function testDatabaseUrl(t: Test, sqliteName = ':memory:'): Promise<string> {
  if (!TEST_PG_URL || isPostgresUrl(sqliteName)) return sqliteName
  const known = sqliteName === ':memory:' ? undefined : named.get(sqliteName)
  if (known) return known
  const created = await createSchema(TEST_PG_URL)
  if (sqliteName !== ':memory:') named.set(sqliteName, created.url)
  t.teardown(async () => {
    named.delete(sqliteName)
    await created.drop()
  })
  return created.url
}

/** A migrated database of its own (SQLite :memory: or a fresh PostgreSQL schema), closed and dropped at teardown. */
export async function testDb(t: Test, sqliteName = ':memory:'): Promise<Db> {
  const db = createDb(await testDatabaseUrl(t, sqliteName))
  // tap runs teardowns last-registered first: the pool closes before its schema is dropped.
  t.teardown(() => db.destroy())
  await migrateToLatest(db)
  return db
}

/** The tables of the database the app uses (on PostgreSQL the introspector sees its own schema only). */
export async function tableNames(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables()
  return tables.map((t) => t.name)
}
