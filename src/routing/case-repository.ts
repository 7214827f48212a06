import type { Executor } from '../db/connection.js'
import { OPEN_STATUSES } from '../cases/state-machine.js'
import type { EscalationReason } from './rules.js'

/** Database access for what routing does to cases: routing a new one, escalating, releasing a leaver's cases, team scope. */

export async function setCaseRoute(db: Executor, caseId: number, values: { team_id: number | null; assignee_id: number | null; routed_by: string }): Promise<void> {
  await db.updateTable('cases').set(values).where('id', '=', caseId).execute()
}

/** Open, never-escalated cases that are overdue or (when `unassignedHours` > 0) unassigned since before `cutoff`. */
export async function escalationCandidates(db: Executor, today: string, cutoff: string, unassignedHours: number) {
  return db
    .selectFrom('cases')
    .select(['id', 'reference', 'status', 'assignee_id', 'due_date', 'verified_at', 'created_at', 'escalated_at', 'closed_at', 'team_id'])
    .where('status', 'in', [...OPEN_STATUSES])
    .where('escalated_at', 'is', null)
    .where((eb) => eb.or([eb('due_date', '<', today), ...(unassignedHours > 0 ? [eb.and([eb('assignee_id', 'is', null), eb('created_at', '<=', cutoff)])] : [])]))
    .orderBy('due_date')
    .orderBy('id')
    .execute()
}

export async function teamEscalationTargets(db: Executor) {
  return db.selectFrom('teams').select(['id', 'is_escalation', 'escalates_to']).execute()
}

/** Marks a case escalated and moves it; a case already escalated is left alone (once per case). */
export async function markEscalated(db: Executor, caseId: number, toTeamId: number | null, reason: EscalationReason, iso: string): Promise<void> {
  await db.updateTable('cases').set({ team_id: toTeamId, escalated_at: iso, escalation_reason: reason, updated_at: iso }).where('id', '=', caseId).where('escalated_at', 'is', null).execute()
}

export async function openCasesHeldBy(db: Executor, staffId: number) {
  return db.selectFrom('cases').select(['id', 'team_id']).where('assignee_id', '=', staffId).where('status', 'in', [...OPEN_STATUSES]).execute()
}

/** The default team, else the first: where a case with no team goes back to. */
export async function fallbackTeamId(db: Executor): Promise<number | null> {
  return (await db.selectFrom('teams').select('id').orderBy('is_default', 'desc').orderBy('id').executeTakeFirst())?.id ?? null
}

export async function unassignCase(db: Executor, caseId: number, teamId: number | null, iso: string): Promise<void> {
  await db.updateTable('cases').set({ assignee_id: null, team_id: teamId, updated_at: iso }).where('id', '=', caseId).execute()
}

/** The teams a member is in, and whether one of them is the escalation team. */
export async function memberTeams(db: Executor, staffId: number) {
  return db.selectFrom('team_members').innerJoin('teams', 'teams.id', 'team_members.team_id').select(['teams.id', 'teams.is_escalation']).where('team_members.staff_id', '=', staffId).execute()
}

export async function caseTeamAndAssignee(db: Executor, caseId: number) {
  return db.selectFrom('cases').select(['team_id', 'assignee_id']).where('id', '=', caseId).executeTakeFirst()
}
