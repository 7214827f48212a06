/**
 * A customer app's database for the connector tests: customers and their orders, in a SQLite file
 * or a PostgreSQL schema of its own (dropped at teardown). Anna has one customer row and two
 * orders (her address written in another case in one); Bo has one of each.
 */
import Database from 'better-sqlite3'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Test } from 'tap'
import type { SqlTableConfig } from '../../src/connectors/sql.js'

export const PG_BASE = 'postgres://postgres@127.0.0.1:5432/test'

const ROWS = [
  `insert into customers (name, email) values ('Anna Andersson', 'anna@example.se'), ('Bo Berg', 'bo@example.se')`,
  `insert into orders (customer_email, address, total) values ('anna@example.se', 'Storgatan 1', 100), ('ANNA@Example.se', 'Storgatan 1', 250), ('bo@example.se', 'Lillgatan 2', 50)`,
]

export function tables(prefix = ''): SqlTableConfig[] {
  return [
    { table: `${prefix}customers`, emailColumn: 'email', access: ['name', 'email'], erasure: { strategy: 'delete' }, rectify: ['name'], restrict: { column: 'restricted', value: true } },
    { table: `${prefix}orders`, emailColumn: 'customer_email', access: ['address', 'total'], erasure: { strategy: 'null', columns: ['address'] } },
  ]
}

export function sqliteApp(dir: string, name = 'shop.db'): { file: string; query: (text: string) => unknown[] } {
  const file = join(dir, name)
  const db = new Database(file)
  db.exec(`create table customers (id integer primary key, name text, email text not null, restricted integer not null default 0);
           create table orders (id integer primary key, customer_email text, address text, total integer)`)
  for (const r of ROWS) db.exec(r)
  db.close()
  return {
    file,
    query: (text) => {
      const c = new Database(file, { readonly: true })
      try {
        return c.prepare(text).all()
      } finally {
        c.close()
      }
    },
  }
}

export async function postgresApp(t: Test): Promise<{ schema: string; query: (text: string) => Promise<unknown[]> }> {
  const schema = `shop_${randomBytes(4).toString('hex')}`
  const client = new pg.Client({ connectionString: PG_BASE })
  await client.connect()
  t.teardown(async () => {
    await client.query(`drop schema if exists ${schema} cascade`)
    await client.end()
  })
  await client.query(`create schema ${schema}; set search_path = ${schema};
    create table customers (id serial primary key, name text, email text not null, restricted boolean not null default false);
    create table orders (id serial primary key, customer_email text, address text, total integer)`)
  for (const r of ROWS) await client.query(r)
  return { schema, query: async (text) => (await client.query(text.replace(/\b(customers|orders)\b/g, `${schema}.$1`))).rows }
}
