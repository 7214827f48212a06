import type { Executor } from '../db/connection.js'
import type { RoutingRuleRow, Team } from '../db/schema.js'
import { OPEN_STATUSES } from '../cases/state-machine.js'
import { parseConditions, type Rule, type RuleAction } from './rules.js'

/** Database access for teams, members, rules and clients. No rules about what is allowed: see service.ts. */

export interface TeamMember {
  id: number
  email: string
  name: string
  role: string
  /** Not disabled, and a role that may work cases. */
  active: boolean
}

export interface TeamWithMembers extends Team {
  members: TeamMember[]
}

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

export async function listTeams(db: Executor): Promise<TeamWithMembers[]> {
  const teams = await db.selectFrom('teams').selectAll().orderBy('name').execute()
  const members = await db
    .selectFrom('team_members')
    .innerJoin('staff', 'staff.id', 'team_members.staff_id')
    .select(['team_members.team_id', 'staff.id', 'staff.email', 'staff.name', 'staff.role', 'staff.disabled'])
    .orderBy('staff.name')
    .execute()
  return teams.map((t) => ({
    ...t,
    members: members
      .filter((m) => m.team_id === t.id)
      .map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role, active: m.disabled === 0 && m.role !== 'viewer' })),
  }))
}

export async function teamIdsOf(db: Executor, staffId: number): Promise<number[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('staff_id', '=', staffId).execute()
  return rows.map((r) => r.team_id)
}

/** Open cases per assignee, for "fewest open cases". */
export async function openCasesByAssignee(db: Executor, staffIds: number[]): Promise<Map<number, number>> {
  if (staffIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('cases')
    .select(['assignee_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('assignee_id', 'in', staffIds)
    .where('status', 'in', [...OPEN_STATUSES])
    .groupBy('assignee_id')
    .execute()
  return new Map(rows.map((r) => [Number(r.assignee_id), Number(r.n)]))
}

/** Open cases per team (null: cases from before routing existed), and how many of them are escalated. */
export async function openCasesByTeam(db: Executor): Promise<Array<{ teamId: number | null; open: number; escalated: number; unassigned: number }>> {
  const rows = await db
    .selectFrom('cases')
    .select((eb) => [
      'team_id',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string | null>(eb.case().when('escalated_at', 'is not', null).then(1).else(0).end()).as('esc'),
      eb.fn.sum<number | string | null>(eb.case().when('assignee_id', 'is', null).then(1).else(0).end()).as('unassigned'),
    ])
    .where('status', 'in', [...OPEN_STATUSES])
    .groupBy('team_id')
    .execute()
  return rows.map((r) => ({ teamId: r.team_id === null ? null : Number(r.team_id), open: Number(r.n), escalated: Number(r.esc ?? 0), unassigned: Number(r.unassigned ?? 0) }))
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

export async function staffBrief(db: Executor, ids?: number[]) {
  if (ids && ids.length === 0) return []
  let q = db.selectFrom('staff').select(['id', 'name', 'email', 'role', 'disabled'])
  if (ids) q = q.where('id', 'in', ids)
  return q.orderBy('name').execute()
}

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

export async function findStaffIdByEmailKey(db: Executor, emailKey: string): Promise<number | null> {
  return (await db.selectFrom('staff').select('id').where('email_key', '=', emailKey).executeTakeFirst())?.id ?? null
}

export async function teamKeys(db: Executor) {
  return db.selectFrom('teams').select(['id', 'key']).execute()
}

export async function staffEmails(db: Executor) {
  return db.selectFrom('staff').select(['id', 'email']).execute()
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

/** Disabled staff who still hold open cases, and how many. */
export async function openCasesOfDisabledStaff(db: Executor) {
  return db
    .selectFrom('cases')
    .innerJoin('staff', 'staff.id', 'cases.assignee_id')
    .select(['staff.name', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('staff.disabled', '=', 1)
    .where('cases.status', 'in', [...OPEN_STATUSES])
    .groupBy('staff.name')
    .execute()
}

/** Where some cases sit (team and assignee), to check them against a member's team scope. */
export async function casesTeamAndAssignee(db: Executor, ids: number[]) {
  if (ids.length === 0) return []
  return db.selectFrom('cases').select(['id', 'team_id', 'assignee_id']).where('id', 'in', ids).execute()
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
