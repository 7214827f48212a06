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

export async function upsertClient(db: Executor, name: string, email: string, at: string): Promise<number> {
  const key = name.trim().toLocaleLowerCase('sv')
  const existing = await db.selectFrom('clients').select('id').where('name_key', '=', key).executeTakeFirst()
  if (existing) {
    await db.updateTable('clients').set({ email, updated_at: at }).where('id', '=', existing.id).execute()
    return existing.id
  }
  const row = await db.insertInto('clients').values({ name, name_key: key, email, created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** Every team with its open, unassigned and escalated case counts, for the queue's team tabs. */
export async function teamQueueCounts(db: Executor) {
  const teams = await db.selectFrom('teams').select(['id', 'key', 'name']).orderBy('name').execute()
  const counts = new Map((await openCasesByTeam(db)).map((c) => [c.teamId, c]))
  return teams.map((t) => ({ id: t.id, key: t.key, name: t.name, open: counts.get(t.id)?.open ?? 0, unassigned: counts.get(t.id)?.unassigned ?? 0, escalated: counts.get(t.id)?.escalated ?? 0 }))
}
