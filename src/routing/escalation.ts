import { appendAudit } from '../audit/log.js'
import { addCaseEvent, casesTeamAndAssignee, escalationCandidates, markEscalated } from '../cases/records.js'
import { pausedCaseIds } from '../cases/pauses.js'
import type { Db, Executor } from '../db/connection.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { claimPeriod, finishPeriod } from '../scheduler/job-runs.js'
import { teamEscalationTargets } from './repository.js'
import { scopeAllows, type CaseScope } from './team-scope.js'
import { escalationReason, type EscalationReason } from './rules.js'

export interface EscalationItem {
  caseId: number
  reference: string
  reason: EscalationReason
  fromTeamId: number | null
  toTeamId: number | null
}

/**
 * Which open cases escalate now, and where to: the case's team's `escalates_to`, else the
 * escalation (data-protection) team. A dry run is just this list.
 */
export async function escalationPlan(db: Executor, now: Date, unassignedHours: number): Promise<EscalationItem[]> {
  const today = stockholmDate(now)
  const cutoff = new Date(now.getTime() - unassignedHours * 3_600_000).toISOString()
  const candidates = await escalationCandidates(db, today, cutoff, unassignedHours)
  const teams = await teamEscalationTargets(db)
  const escalationTeam = teams.find((t) => t.is_escalation === 1)?.id ?? null
  // Only a recorded pause stops the clock (EDPB 01/2022 §159), not the status alone.
  const paused = await pausedCaseIds(db, candidates.map((c) => c.id))
  const out: EscalationItem[] = []
  for (const c of candidates) {
    const reason = escalationReason(c, { now, today, unassignedHours, running: !paused.has(c.id) })
    if (!reason) continue
    const own = teams.find((t) => t.id === c.team_id)
    out.push({ caseId: c.id, reference: c.reference, reason, fromTeamId: c.team_id, toTeamId: own?.escalates_to ?? escalationTeam ?? c.team_id })
  }
  return out
}

/** The plan as a member may see it: only the cases inside their team scope. */
export async function escalationPlanFor(db: Executor, now: Date, unassignedHours: number, scope: CaseScope): Promise<EscalationItem[]> {
  const planned = await escalationPlan(db, now, unassignedHours)
  if (scope.all) return planned
  const visible = await casesTeamAndAssignee(db, planned.map((i) => i.caseId))
  return planned.filter((i) => visible.some((c) => c.id === i.caseId && scopeAllows(scope, c)))
}

export interface EscalationResult {
  period: string
  ran: boolean
  escalated: number
}

/**
 * Escalates what the plan lists, in one transaction. Safe to repeat: each case is escalated once
 * (escalated_at), and the scheduler's run claims its quarter-hour in job_runs so two instances do
 * not both run it. `force` (an admin's "run now") skips the claim, not the once-per-case rule.
 */
export async function runEscalation(db: Db, now: Date, unassignedHours: number, opts: { actorId?: number | null; force?: boolean } = {}): Promise<EscalationResult> {
  const iso = now.toISOString()
  const slot = new Date(Math.floor(now.getTime() / 900_000) * 900_000).toISOString().slice(0, 16)
  return db.transaction().execute(async (trx) => {
    if (!opts.force && !(await claimPeriod(trx, 'escalation', slot, iso))) return { period: slot, ran: false, escalated: 0 }
    const plan = await escalationPlan(trx, now, unassignedHours)
    for (const item of plan) {
      await markEscalated(trx, item.caseId, item.toTeamId, item.reason, iso)
      await addCaseEvent(trx, { caseId: item.caseId, kind: 'escalated', actor: { type: 'system' }, data: { reason: item.reason, fromTeamId: item.fromTeamId, toTeamId: item.toTeamId }, at: iso })
      await appendAudit(trx, { actorType: opts.actorId ? 'staff' : 'system', actorId: opts.actorId ?? null, action: 'case.escalate', caseId: item.caseId, data: { reason: item.reason, toTeamId: item.toTeamId }, at: now })
    }
    const result = { period: slot, ran: true, escalated: plan.length }
    if (!opts.force) await finishPeriod(trx, 'escalation', slot, iso, result)
    return result
  })
}
