import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import { atRule, routingError, DomainError } from './errors.js'
import { staffBrief } from '../staff/directory.js'
import * as repo from './repository.js'
import { listRuleRows, toRule } from './repository.js'
import { listTeams, openCasesOfDisabledStaff } from './teams.js'
import { findEscalationCycle, ruleProblems, shadowedRules, type Rule, type RuleAction, type RuleConditions } from './rules.js'

export interface TeamInput {
  name: string
  key?: string | null
  memberIds: number[]
  isDefault?: boolean
  isEscalation?: boolean
  escalatesTo?: number | null
}

export interface RuleInput {
  name: string
  enabled: boolean
  conditions: RuleConditions
  action: string
  teamId: number | null
  assigneeId: number | null
}

/** Advice for admins about the current set-up: problems that do not block saving but need a look. Its text: `routing.advice.<code>` with `params`. */
export interface RoutingWarning {
  code: 'team_without_members' | 'rule_shadowed' | 'rule_inactive_person' | 'cases_with_inactive_assignee'
  params: Record<string, string | number>
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'team'
  )
}

/** Teams and routing rules as admins edit them: validated, saved in one transaction, audited. */
export class RoutingAdmin {
  constructor(private readonly deps: { db: Db; now: () => Date }) {}

  private async tx<T>(fn: (trx: Executor, at: Date) => Promise<T>): Promise<T> {
    return this.deps.db.transaction().execute((trx) => fn(trx, this.deps.now()))
  }

  private async checkMembers(trx: Executor, ids: number[]): Promise<void> {
    if (ids.length === 0) return
    const rows = await staffBrief(trx, ids)
    for (const id of ids) {
      const s = rows.find((r) => r.id === id)
      if (!s) throw routingError('unknown_staff', 400, 'staffIdUnknown', { id }, 'members')
      if (s.disabled) throw routingError('inactive_member', 400, 'inactiveMember', { name: s.name }, 'members')
      if (s.role === 'viewer') throw routingError('viewer_member', 400, 'viewerMember', { name: s.name }, 'members')
    }
  }

  async saveTeam(actorId: number, id: number | null, input: TeamInput): Promise<number> {
    return this.tx(async (trx, at) => {
      const name = input.name.trim().replace(/\s+/g, ' ')
      if (!name || name.length > 200) throw routingError('invalid_name', 400, 'teamName', {}, 'name')
      const teams = await listTeams(trx)
      const current = id === null ? null : teams.find((t) => t.id === id)
      if (id !== null && !current) throw routingError('not_found', 404, 'teamNotFound')
      const key = input.key?.trim() || current?.key || slug(name)
      if (!/^[a-z0-9_-]{1,64}$/.test(key)) throw routingError('invalid_key', 400, 'invalidKey', {}, 'key')
      if (teams.some((t) => t.key === key && t.id !== id)) throw routingError('key_taken', 409, 'keyTaken', { key }, 'key')
      const memberIds = [...new Set(input.memberIds)]
      await this.checkMembers(trx, memberIds)
      if (current?.is_default === 1 && input.isDefault === false) throw routingError('default_required', 409, 'defaultRequired', {}, 'isDefault')
      if (current?.is_escalation === 1 && input.isEscalation === false) throw routingError('escalation_required', 409, 'escalationRequired', {}, 'isEscalation')
      const escalatesTo = input.escalatesTo ?? null
      if (escalatesTo !== null && !teams.some((t) => t.id === escalatesTo)) throw routingError('unknown_team', 400, 'escalatesToUnknown', {}, 'escalatesTo')
      const iso = at.toISOString()
      const values = { key, name, escalates_to: escalatesTo, updated_at: iso, ...(input.isDefault ? { is_default: 1 } : {}), ...(input.isEscalation ? { is_escalation: 1 } : {}) }
      let teamId: number
      if (current) {
        teamId = current.id
        await repo.updateTeam(trx, teamId, values)
      } else {
        teamId = await repo.insertTeam(trx, { ...values, created_at: iso })
      }
      const graph = teams.filter((t) => t.id !== teamId).map((t) => ({ id: t.id, escalatesTo: t.escalates_to }))
      graph.push({ id: teamId, escalatesTo })
      const cycle = findEscalationCycle(graph)
      if (cycle) {
        const names = cycle.map((cid) => (cid === teamId ? name : (teams.find((t) => t.id === cid)?.name ?? String(cid))))
        throw routingError('escalation_cycle', 409, 'escalationCycle', { circle: `${names.join(' → ')} → ${names[0]}` }, 'escalatesTo')
      }
      if (input.isDefault) await repo.clearOtherTeamsMark(trx, teamId, 'is_default')
      if (input.isEscalation) await repo.clearOtherTeamsMark(trx, teamId, 'is_escalation')
      await repo.replaceTeamMembers(trx, teamId, memberIds)
      await appendAudit(trx, { actorType: 'staff', actorId: actorId, action: current ? 'team.update' : 'team.create', target: `team:${teamId}`, data: { key, members: memberIds, isDefault: !!input.isDefault, isEscalation: !!input.isEscalation, escalatesTo }, at })
      return teamId
    })
  }

  private async checkRule(trx: Executor, input: RuleInput): Promise<void> {
    const problems = ruleProblems(input)
    if (problems.length) throw routingError('invalid_rule', 400, problems[0].message, problems[0].params, problems[0].field)
    if (input.teamId !== null && !(await repo.teamExists(trx, input.teamId))) throw routingError('unknown_team', 400, 'teamNotFound', {}, 'team')
    if (input.action === 'assign' && input.assigneeId !== null) {
      const [s] = await staffBrief(trx, [input.assigneeId])
      if (!s) throw routingError('unknown_staff', 400, 'assigneeUnknown', {}, 'assignee')
      if (s.disabled || s.role === 'viewer') throw routingError('inactive_assignee', 400, 'inactiveAssignee', { name: s.name }, 'assignee')
    }
  }

  private row(input: RuleInput, position: number, iso: string) {
    return {
      position,
      name: input.name.trim(),
      enabled: input.enabled ? 1 : 0,
      conditions: JSON.stringify(input.conditions),
      action: input.action as RuleAction,
      team_id: input.teamId,
      assignee_id: input.action === 'assign' ? input.assigneeId : null,
      updated_at: iso,
    }
  }

  async createRule(actorId: number, input: RuleInput): Promise<number> {
    return this.tx(async (trx, at) => {
      await this.checkRule(trx, input)
      const iso = at.toISOString()
      const id = await repo.insertRule(trx, { ...this.row(input, (await repo.lastRulePosition(trx)) + 1, iso), created_at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rule.create', target: `rule:${id}`, data: { action: input.action, teamId: input.teamId, assigneeId: input.assigneeId }, at })
      return id
    })
  }

  async updateRule(actorId: number, id: number, input: RuleInput): Promise<void> {
    await this.tx(async (trx, at) => {
      const position = await repo.findRulePosition(trx, id)
      if (position === null) throw routingError('not_found', 404, 'ruleNotFound')
      await this.checkRule(trx, input)
      await repo.updateRule(trx, id, this.row(input, position, at.toISOString()))
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rule.update', target: `rule:${id}`, data: { action: input.action, teamId: input.teamId, assigneeId: input.assigneeId, enabled: input.enabled }, at })
    })
  }

  /** Replaces the whole ordered list in one go (PUT /api/v1/routing-rules). */
  async replaceRules(actorId: number, inputs: RuleInput[]): Promise<void> {
    await this.tx(async (trx, at) => {
      for (const [i, input] of inputs.entries()) {
        try {
          await this.checkRule(trx, input)
        } catch (error) {
          throw error instanceof DomainError ? atRule(error, i) : error
        }
      }
      const iso = at.toISOString()
      await repo.deleteRules(trx)
      for (const [i, input] of inputs.entries()) await repo.insertRule(trx, { ...this.row(input, i + 1, iso), created_at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rules.replace', data: { count: inputs.length }, at })
    })
  }

  async deleteRule(actorId: number, id: number): Promise<void> {
    await this.tx(async (trx, at) => {
      if ((await repo.deleteRules(trx, id)) === 0) throw routingError('not_found', 404, 'ruleNotFound')
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rule.delete', target: `rule:${id}`, at })
    })
  }

  /** Moves a rule one step earlier (-1) or later (+1) in the order. */
  async moveRule(actorId: number, id: number, step: -1 | 1): Promise<void> {
    await this.tx(async (trx, at) => {
      const rows = await listRuleRows(trx)
      const i = rows.findIndex((r) => r.id === id)
      if (i < 0) throw routingError('not_found', 404, 'ruleNotFound')
      const j = i + step
      if (j < 0 || j >= rows.length) return
      ;[rows[i], rows[j]] = [rows[j], rows[i]]
      for (const [k, r] of rows.entries()) await repo.setRulePosition(trx, r.id, k + 1)
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rule.move', target: `rule:${id}`, data: { step }, at })
    })
  }

  async rules(db: Executor = this.deps.db): Promise<Rule[]> {
    return (await listRuleRows(db)).map(toRule)
  }

  /** What needs an admin's attention: empty teams, rules that never win or name someone inactive, cases held by inactive staff. */
  async warnings(db: Executor = this.deps.db): Promise<RoutingWarning[]> {
    const out: RoutingWarning[] = []
    const teams = await listTeams(db)
    for (const t of teams) {
      if (!t.members.some((m) => m.active)) out.push({ code: 'team_without_members', params: { team: t.name } })
    }
    const rules = await this.rules(db)
    for (const { rule, by } of shadowedRules(rules)) {
      out.push({ code: 'rule_shadowed', params: { rule: rule.name, by: by.name } })
    }
    const people = await staffBrief(db)
    for (const rule of rules) {
      if (rule.action !== 'assign' || !rule.enabled) continue
      const p = people.find((s) => s.id === rule.assigneeId)
      if (!p || p.disabled || p.role === 'viewer') out.push({ code: 'rule_inactive_person', params: { rule: rule.name } })
    }
    for (const h of await openCasesOfDisabledStaff(db)) out.push({ code: 'cases_with_inactive_assignee', params: { name: h.name, count: Number(h.n) } })
    return out
  }
}
