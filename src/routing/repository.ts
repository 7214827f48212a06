import type { Executor } from '../db/connection.js'
import type { RoutingRuleRow, Team } from '../db/schema.js'
import { parseConditions, type Rule, type RuleAction } from './rules.js'

/** Database access for teams, members, rules and clients. No rules about what is allowed: see service.ts. */

export function toRule(row: RoutingRuleRow): Rule {
  let conditions = {}
  try {
    conditions = parseConditions(JSON.parse(row.conditions))
  } catch {
    // A damaged row matches nothing rather than everything.
    conditions = { types: [] }
  }
  return { id: row.id, name: row.name, enabled: row.enabled === 1, conditions, action: row.action as RuleAction, teamId: row.team_id, assigneeId: row.assignee_id, lastAssigneeId: row.last_assignee_id }
}

export async function listRuleRows(db: Executor): Promise<RoutingRuleRow[]> {
  return db.selectFrom('routing_rules').selectAll().orderBy('position').orderBy('id').execute()
}

/** Every team, by name (src/routing/teams.ts adds their members). */
export async function listTeamRows(db: Executor): Promise<Team[]> {
  return db.selectFrom('teams').selectAll().orderBy('name').execute()
}

/** Who is in which team. */
export async function teamMemberships(db: Executor) {
  return db.selectFrom('team_members').select(['team_id', 'staff_id']).execute()
}

export async function teamIdsOf(db: Executor, staffId: number): Promise<number[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('staff_id', '=', staffId).execute()
  return rows.map((r) => r.team_id)
}

export async function listClients(db: Executor) {
  return db.selectFrom('clients').select(['id', 'name', 'email']).orderBy('name').execute()
}

export async function findClientIdByKey(db: Executor, nameKey: string): Promise<number | undefined> {
  return (await db.selectFrom('clients').select('id').where('name_key', '=', nameKey).executeTakeFirst())?.id
}

export async function setClientEmail(db: Executor, id: number, email: string, at: string): Promise<void> {
  await db.updateTable('clients').set({ email, updated_at: at }).where('id', '=', id).execute()
}

export async function insertClient(db: Executor, values: { name: string; nameKey: string; email: string; at: string }): Promise<number> {
  const row = await db
    .insertInto('clients')
    .values({ name: values.name, name_key: values.nameKey, email: values.email, created_at: values.at, updated_at: values.at })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function teamNames(db: Executor) {
  return db.selectFrom('teams').select(['id', 'key', 'name']).orderBy('name').execute()
}

// ─── Writes for teams and rules (src/routing/admin.ts) ──────────────────────────────────────────

export type TeamValues = { key: string; name: string; escalates_to: number | null; updated_at: string; is_default?: number; is_escalation?: number }

export async function insertTeam(db: Executor, values: TeamValues & { created_at: string }): Promise<number> {
  return (await db.insertInto('teams').values(values).returning('id').executeTakeFirstOrThrow()).id
}

export async function updateTeam(db: Executor, id: number, values: TeamValues): Promise<void> {
  await db.updateTable('teams').set(values).where('id', '=', id).execute()
}

/** Only one team is the default, and only one the escalation team: the others lose the mark. */
export async function clearOtherTeamsMark(db: Executor, teamId: number, mark: 'is_default' | 'is_escalation'): Promise<void> {
  await db.updateTable('teams').set({ [mark]: 0 }).where('id', '!=', teamId).execute()
}

export async function replaceTeamMembers(db: Executor, teamId: number, staffIds: number[]): Promise<void> {
  await db.deleteFrom('team_members').where('team_id', '=', teamId).execute()
  for (const staffId of staffIds) await db.insertInto('team_members').values({ team_id: teamId, staff_id: staffId }).execute()
}

export async function teamExists(db: Executor, id: number): Promise<boolean> {
  return !!(await db.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst())
}

/** A team by its key, or by its id when the reference is a number (the API takes either). */
export async function findTeamIdByRef(db: Executor, ref: string): Promise<number | null> {
  const row = await db
    .selectFrom('teams')
    .select('id')
    .where((eb) => (/^\d+$/.test(ref) ? eb.or([eb('key', '=', ref), eb('id', '=', Number(ref))]) : eb('key', '=', ref)))
    .executeTakeFirst()
  return row?.id ?? null
}

export async function teamKeys(db: Executor) {
  return db.selectFrom('teams').select(['id', 'key']).execute()
}

export type RuleValues = { position: number; name: string; enabled: number; conditions: string; action: RuleAction; team_id: number | null; assignee_id: number | null; updated_at: string }

export async function lastRulePosition(db: Executor): Promise<number> {
  const last = await db.selectFrom('routing_rules').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst()
  return Number(last?.p ?? 0)
}

export async function insertRule(db: Executor, values: RuleValues & { created_at: string }): Promise<number> {
  return (await db.insertInto('routing_rules').values(values).returning('id').executeTakeFirstOrThrow()).id
}

export async function findRulePosition(db: Executor, id: number): Promise<number | null> {
  return (await db.selectFrom('routing_rules').select('position').where('id', '=', id).executeTakeFirst())?.position ?? null
}

export async function updateRule(db: Executor, id: number, values: RuleValues): Promise<void> {
  await db.updateTable('routing_rules').set(values).where('id', '=', id).execute()
}

export async function setRulePosition(db: Executor, id: number, position: number): Promise<void> {
  await db.updateTable('routing_rules').set({ position }).where('id', '=', id).execute()
}

export async function setRuleLastAssignee(db: Executor, id: number, staffId: number): Promise<void> {
  await db.updateTable('routing_rules').set({ last_assignee_id: staffId }).where('id', '=', id).execute()
}

/** Deletes one rule (`id`) or all of them; how many went. */
export async function deleteRules(db: Executor, id?: number): Promise<number> {
  let q = db.deleteFrom('routing_rules')
  if (id !== undefined) q = q.where('id', '=', id)
  return Number((await q.executeTakeFirst()).numDeletedRows)
}

export async function findTeamIdByKey(db: Executor, key: string): Promise<number | undefined> {
  return (await db.selectFrom('teams').select('id').where('key', '=', key).executeTakeFirst())?.id
}

export async function teamsByIds(db: Executor, ids: Array<number | null>): Promise<Map<number, { key: string; name: string }>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.selectFrom('teams').select(['id', 'key', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, { key: r.key, name: r.name }]))
}

export async function listTeamNames(db: Executor) {
  return db.selectFrom('teams').select(['id', 'key', 'name']).orderBy('name').execute()
}

export async function findTeamById(db: Executor, id: number) {
  return db.selectFrom('teams').select(['id', 'name']).where('id', '=', id).executeTakeFirst()
}

export async function findClientById(db: Executor, id: number) {
  return db.selectFrom('clients').select(['id', 'name', 'email']).where('id', '=', id).executeTakeFirst()
}

export async function teamEscalationTargets(db: Executor) {
  return db.selectFrom('teams').select(['id', 'is_escalation', 'escalates_to']).execute()
}

/** The default team, else the first: where a case with no team goes back to. */
export async function fallbackTeamId(db: Executor): Promise<number | null> {
  return (await db.selectFrom('teams').select('id').orderBy('is_default', 'desc').orderBy('id').executeTakeFirst())?.id ?? null
}

/** The teams a member is in, and whether one of them is the escalation team. */
export async function memberTeams(db: Executor, staffId: number) {
  return db.selectFrom('team_members').innerJoin('teams', 'teams.id', 'team_members.team_id').select(['teams.id', 'teams.is_escalation']).where('team_members.staff_id', '=', staffId).execute()
}
