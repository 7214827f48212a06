import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely'

interface ColumnRow {
  table: string
  table_type: string
  schema: string
  column: string
  not_null: boolean
  has_default: boolean
  type: string
  type_schema: string
  column_description: string | null
  auto_incrementing: boolean
}

/**
 * Kysely's own PostgreSQL introspector reads the tables of every schema in the database and looks
 * each one up again by name (`has_schema_privilege(nspname)`, `pg_get_serial_sequence`): when
 * another user of the database drops a schema meanwhile (a parallel test run, another
 * application), the query fails with `schema "…" does not exist`. The Migrator asks it on every
 * start, so a portal could fail to start because of someone else's schema. The portal's tables
 * are only ever in the connection's current schema (see migrate.ts), so this looks there alone:
 * the only lookups by name (in the select list) are of its own tables, never of a schema that
 * another session may be dropping.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(this.db)
    return rows.rows.map((r) => ({ name: r.name }))
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const internal = options.withInternalKyselyTables ? sql`` : sql`and c.relname not in (${DEFAULT_MIGRATION_TABLE}, ${DEFAULT_MIGRATION_LOCK_TABLE})`
    const { rows } = await sql<ColumnRow>`
      select c.relname as "table", c.relkind as table_type, ns.nspname as "schema", a.attname as "column",
             a.attnotnull as not_null, a.atthasdef as has_default, typ.typname as "type", dtns.nspname as type_schema,
             col_description(a.attrelid, a.attnum) as column_description,
             pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) is not null as auto_incrementing
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid
        join pg_catalog.pg_type typ on typ.oid = a.atttypid
        join pg_catalog.pg_namespace dtns on dtns.oid = typ.typnamespace
       where ns.nspname = current_schema()
         and c.relkind in ('r', 'v', 'p')
         and a.attnum >= 0 and not a.attisdropped
         ${internal}
       order by c.relname, a.attnum`.execute(this.db)
    const tables = new Map<string, { name: string; isView: boolean; schema: string; columns: TableMetadata['columns'] }>()
    for (const r of rows) {
      let table = tables.get(r.table)
      if (!table) {
        table = { name: r.table, isView: r.table_type === 'v', schema: r.schema, columns: [] }
        tables.set(r.table, table)
      }
      table.columns.push({
        name: r.column,
        dataType: r.type,
        dataTypeSchema: r.type_schema,
        isAutoIncrementing: r.auto_incrementing,
        isNullable: !r.not_null,
        hasDefaultValue: r.has_default,
        comment: r.column_description ?? undefined,
      })
    }
    return [...tables.values()]
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) }
  }
}

/** PostgresDialect whose `db.introspection` (and so the Migrator's) sees the current schema only. */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db)
  }
}
