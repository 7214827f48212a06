import { PostgresAdapter, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely'

// Frozen: teams and their members, routing rules, known clients (controllers) for processor
// cases, and the case columns for routing, escalation, forwarding and question minimisation.
// Seeds the default teams and rules from the privacy policy's areas of responsibility.

function withId(db: Kysely<any>, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()
const flag = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0)

const SEED_TEAMS = [
  { key: 'recruitment', name: 'Rekrytering / Recruitment', is_default: 0, is_escalation: 0 },
  { key: 'marketing', name: 'Marknadsföring / Marketing', is_default: 0, is_escalation: 0 },
  { key: 'customer_relations', name: 'Kundrelationer / Customer relations', is_default: 0, is_escalation: 0 },
  { key: 'data_protection', name: 'Dataskydd / Data protection', is_default: 1, is_escalation: 1 },
]

const SEED_RULES: Array<{ name: string; conditions: Record<string, string[]>; team: string }> = [
  { name: 'Jobbsökande → Rekrytering', conditions: { relationships: ['candidate'] }, team: 'recruitment' },
  { name: 'Samtycke rekrytering → Rekrytering', conditions: { consents: ['recruitment'] }, team: 'recruitment' },
  { name: 'Nyhetsbrev → Marknadsföring', conditions: { relationships: ['newsletter'] }, team: 'marketing' },
  { name: 'Avregistrering och invändning → Marknadsföring', conditions: { types: ['unsubscribe', 'objection'] }, team: 'marketing' },
  { name: 'Samtycke nyhetsbrev → Marknadsföring', conditions: { consents: ['newsletter'] }, team: 'marketing' },
  { name: 'Kundkontakter → Kundrelationer', conditions: { relationships: ['customer_contact'] }, team: 'customer_relations' },
]

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('teams'))
    .addColumn('key', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', notNull)
    .addColumn('is_default', 'integer', flag)
    .addColumn('is_escalation', 'integer', flag)
    .addColumn('escalates_to', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute()

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('staff_id', 'integer', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'staff_id'])
    .execute()
  await db.schema.createIndex('team_members_staff_idx').on('team_members').column('staff_id').execute()

  await withId(db, db.schema.createTable('routing_rules'))
    .addColumn('position', 'integer', notNull)
    .addColumn('name', 'varchar(200)', notNull)
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('conditions', 'text', notNull)
    .addColumn('action', 'varchar(16)', notNull)
    .addColumn('team_id', 'integer')
    .addColumn('assignee_id', 'integer')
    // Round-robin: who got the last case from this rule.
    .addColumn('last_assignee_id', 'integer')
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute()

  await withId(db, db.schema.createTable('clients'))
    .addColumn('name', 'varchar(200)', notNull)
    .addColumn('name_key', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(320)', notNull)
    .addColumn('created_at', 'varchar(32)', notNull)
    .addColumn('updated_at', 'varchar(32)', notNull)
    .execute()

  await db.schema.alterTable('cases').addColumn('team_id', 'integer').execute()
  await db.schema.alterTable('cases').addColumn('routed_by', 'text').execute()
  await db.schema.alterTable('cases').addColumn('escalated_at', 'varchar(32)').execute()
  await db.schema.alterTable('cases').addColumn('escalation_reason', 'varchar(32)').execute()
  await db.schema.alterTable('cases').addColumn('on_behalf_of_client', 'integer', flag).execute()
  await db.schema.alterTable('cases').addColumn('controller_name', 'varchar(200)').execute()
  await db.schema.alterTable('cases').addColumn('controller_email', 'varchar(320)').execute()
  await db.schema.alterTable('cases').addColumn('keep_data', 'integer', flag).execute()
  await db.schema.alterTable('cases').addColumn('minimised_at', 'varchar(32)').execute()
  await db.schema.alterTable('submissions').addColumn('keep_data', 'integer', flag).execute()
  await db.schema.createIndex('cases_team_status_due_idx').on('cases').columns(['team_id', 'status', 'due_date', 'id']).execute()

  const at = new Date().toISOString()
  for (const team of SEED_TEAMS) await db.insertInto('teams').values({ ...team, created_at: at, updated_at: at }).execute()
  const ids = new Map<string, number>()
  for (const row of (await db.selectFrom('teams').select(['id', 'key']).execute()) as Array<{ id: number; key: string }>) ids.set(row.key, row.id)
  let position = 1
  for (const rule of SEED_RULES) {
    await db
      .insertInto('routing_rules')
      .values({ position: position++, name: rule.name, enabled: 1, conditions: JSON.stringify(rule.conditions), action: 'team', team_id: ids.get(rule.team), created_at: at, updated_at: at })
      .execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_team_status_due_idx').execute()
  for (const col of ['keep_data']) await db.schema.alterTable('submissions').dropColumn(col).execute()
  for (const col of ['minimised_at', 'keep_data', 'controller_email', 'controller_name', 'on_behalf_of_client', 'escalation_reason', 'escalated_at', 'routed_by', 'team_id']) {
    await db.schema.alterTable('cases').dropColumn(col).execute()
  }
  for (const table of ['clients', 'routing_rules', 'team_members', 'teams']) await db.schema.dropTable(table).execute()
}
