import type { Kysely } from 'kysely'

/**
 * Connected systems (sql, webhook, email, manual): each system's connection config, JSON in one
 * text column, null for the kinds without one (register, other). Secrets in it (a database
 * password, a webhook's signing secret) are sealed under SECRETS_KEY (src/connectors/seal.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('systems').addColumn('config', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('systems').dropColumn('config').execute()
}
