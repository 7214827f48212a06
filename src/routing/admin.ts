import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import { OPEN_STATUSES } from '../cases/state-machine.js'
import { RoutingError } from './errors.js'
import { listRuleRows, listTeams, toRule } from './repository.js'
import { findEscalationCycle, ruleProblems, shadowedRules, type Localized, type Rule, type RuleAction, type RuleConditions } from './rules.js'

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

/** Advice for admins about the current set-up: problems that do not block saving but need a look. */
export interface RoutingWarning {
  code: 'team_without_members' | 'rule_shadowed' | 'rule_inactive_person' | 'cases_with_inactive_assignee'
  message: Localized
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

const ERR = (code: string, field: string | null, sv: string, en: string, status = 400) => new RoutingError(code, status, { sv, en }, field)

/** Teams and routing rules as admins edit them: validated, saved in one transaction, audited. */
export class RoutingAdmin {
  constructor(private readonly deps: { db: Db; now: () => Date }) {}

  private async tx<T>(fn: (trx: Executor, at: Date) => Promise<T>): Promise<T> {
    return this.deps.db.transaction().execute((trx) => fn(trx, this.deps.now()))
  }

  private async checkMembers(trx: Executor, ids: number[]): Promise<void> {
    if (ids.length === 0) return
    const rows = await trx.selectFrom('staff').select(['id', 'name', 'role', 'disabled']).where('id', 'in', ids).execute()
    for (const id of ids) {
      const s = rows.find((r) => r.id === id)
      if (!s) throw ERR('unknown_staff', 'members', `Det finns ingen personal med id ${id}.`, `There is no staff member with id ${id}.`)
      if (s.disabled) throw ERR('inactive_member', 'members', `${s.name} är inaktiverad och kan inte vara med i ett team.`, `${s.name} is disabled and cannot be in a team.`)
      if (s.role === 'viewer') throw ERR('viewer_member', 'members', `${s.name} är läsare och kan inte handlägga ärenden; ge hen rollen handläggare först.`, `${s.name} is a viewer and cannot handle cases; make them a handler first.`)
    }
  }

  async saveTeam(actorId: number, id: number | null, input: TeamInput): Promise<number> {
    return this.tx(async (trx, at) => {
      const name = input.name.trim().replace(/\s+/g, ' ')
      if (!name || name.length > 200) throw ERR('invalid_name', 'name', 'Ge teamet ett namn (högst 200 tecken).', 'Give the team a name (at most 200 characters).')
      const teams = await listTeams(trx)
      const current = id === null ? null : teams.find((t) => t.id === id)
      if (id !== null && !current) throw ERR('not_found', null, 'Teamet finns inte.', 'The team does not exist.', 404)
      const key = input.key?.trim() || current?.key || slug(name)
      if (!/^[a-z0-9_-]{1,64}$/.test(key)) throw ERR('invalid_key', 'key', 'Nyckeln får bara innehålla a–z, 0–9, _ och - (högst 64 tecken).', 'The key may only contain a–z, 0–9, _ and - (at most 64 characters).')
      if (teams.some((t) => t.key === key && t.id !== id)) throw ERR('key_taken', 'key', `Det finns redan ett team med nyckeln ”${key}”.`, `A team with the key “${key}” already exists.`, 409)
      const memberIds = [...new Set(input.memberIds)]
      await this.checkMembers(trx, memberIds)
      if (current?.is_default === 1 && input.isDefault === false) throw ERR('default_required', 'isDefault', 'Det måste finnas ett standardteam som tar ärenden ingen regel gäller för. Gör ett annat team till standard i stället.', 'There must be a default team for cases no rule matches. Make another team the default instead.', 409)
      if (current?.is_escalation === 1 && input.isEscalation === false) throw ERR('escalation_required', 'isEscalation', 'Det måste finnas ett eskaleringsteam (dataskydd). Gör ett annat team till eskaleringsteam i stället.', 'There must be an escalation (data protection) team. Make another team the escalation team instead.', 409)
      const escalatesTo = input.escalatesTo ?? null
      if (escalatesTo !== null && !teams.some((t) => t.id === escalatesTo)) throw ERR('unknown_team', 'escalatesTo', 'Teamet att eskalera till finns inte.', 'The team to escalate to does not exist.')
      const iso = at.toISOString()
      const values = { key, name, escalates_to: escalatesTo, updated_at: iso, ...(input.isDefault ? { is_default: 1 } : {}), ...(input.isEscalation ? { is_escalation: 1 } : {}) }
      let teamId: number
      if (current) {
        teamId = current.id
        await trx.updateTable('teams').set(values).where('id', '=', teamId).execute()
      } else {
        teamId = (await trx.insertInto('teams').values({ ...values, created_at: iso }).returning('id').executeTakeFirstOrThrow()).id
      }
      const graph = teams.filter((t) => t.id !== teamId).map((t) => ({ id: t.id, escalatesTo: t.escalates_to }))
      graph.push({ id: teamId, escalatesTo })
      const cycle = findEscalationCycle(graph)
      if (cycle) {
        const names = cycle.map((cid) => (cid === teamId ? name : (teams.find((t) => t.id === cid)?.name ?? String(cid))))
        throw ERR('escalation_cycle', 'escalatesTo', `Eskaleringen skulle gå runt i en cirkel: ${names.join(' → ')} → ${names[0]}. Låt ett av teamen eskalera till dataskyddsteamet i stället.`, `Escalation would go round in a circle: ${names.join(' → ')} → ${names[0]}. Let one of the teams escalate to the data protection team instead.`, 409)
      }
      if (input.isDefault) await trx.updateTable('teams').set({ is_default: 0 }).where('id', '!=', teamId).execute()
      if (input.isEscalation) await trx.updateTable('teams').set({ is_escalation: 0 }).where('id', '!=', teamId).execute()
      await trx.deleteFrom('team_members').where('team_id', '=', teamId).execute()
      for (const staffId of memberIds) await trx.insertInto('team_members').values({ team_id: teamId, staff_id: staffId }).execute()
      await appendAudit(trx, { actorType: 'staff', actorId: actorId, action: current ? 'team.update' : 'team.create', target: `team:${teamId}`, data: { key, members: memberIds, isDefault: !!input.isDefault, isEscalation: !!input.isEscalation, escalatesTo }, at })
      return teamId
    })
  }

  private async checkRule(trx: Executor, input: RuleInput): Promise<void> {
    const problems = ruleProblems(input)
    if (problems.length) throw new RoutingError('invalid_rule', 400, problems[0].message, problems[0].field)
    if (input.teamId !== null && !(await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst())) {
      throw ERR('unknown_team', 'team', 'Teamet finns inte.', 'The team does not exist.')
    }
    if (input.action === 'assign' && input.assigneeId !== null) {
      const s = await trx.selectFrom('staff').select(['name', 'role', 'disabled']).where('id', '=', input.assigneeId).executeTakeFirst()
      if (!s) throw ERR('unknown_staff', 'assignee', 'Det finns ingen sådan person bland personalen.', 'There is no such staff member.')
      if (s.disabled || s.role === 'viewer') throw ERR('inactive_assignee', 'assignee', `${s.name} kan inte få ärenden (inaktiverad eller läsare).`, `${s.name} cannot be given cases (disabled or a viewer).`)
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
      const last = await trx.selectFrom('routing_rules').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst()
      const iso = at.toISOString()
      const id = (await trx.insertInto('routing_rules').values({ ...this.row(input, Number(last?.p ?? 0) + 1, iso), created_at: iso }).returning('id').executeTakeFirstOrThrow()).id
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rule.create', target: `rule:${id}`, data: { action: input.action, teamId: input.teamId, assigneeId: input.assigneeId }, at })
      return id
    })
  }

  async updateRule(actorId: number, id: number, input: RuleInput): Promise<void> {
    await this.tx(async (trx, at) => {
      const current = await trx.selectFrom('routing_rules').select(['id', 'position']).where('id', '=', id).executeTakeFirst()
      if (!current) throw ERR('not_found', null, 'Regeln finns inte.', 'The rule does not exist.', 404)
      await this.checkRule(trx, input)
      await trx.updateTable('routing_rules').set(this.row(input, current.position, at.toISOString())).where('id', '=', id).execute()
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
          if (error instanceof RoutingError) throw new RoutingError(error.code, error.status, { sv: `Regel ${i + 1}: ${error.messages.sv}`, en: `Rule ${i + 1}: ${error.messages.en}` }, `${i}.${error.field ?? ''}`)
          throw error
        }
      }
      const iso = at.toISOString()
      await trx.deleteFrom('routing_rules').execute()
      for (const [i, input] of inputs.entries()) await trx.insertInto('routing_rules').values({ ...this.row(input, i + 1, iso), created_at: iso }).execute()
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rules.replace', data: { count: inputs.length }, at })
    })
  }

  async deleteRule(actorId: number, id: number): Promise<void> {
    await this.tx(async (trx, at) => {
      const result = await trx.deleteFrom('routing_rules').where('id', '=', id).executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) throw ERR('not_found', null, 'Regeln finns inte.', 'The rule does not exist.', 404)
      await appendAudit(trx, { actorType: 'staff', actorId, action: 'routing.rule.delete', target: `rule:${id}`, at })
    })
  }

  /** Moves a rule one step earlier (-1) or later (+1) in the order. */
  async moveRule(actorId: number, id: number, step: -1 | 1): Promise<void> {
    await this.tx(async (trx, at) => {
      const rows = await listRuleRows(trx)
      const i = rows.findIndex((r) => r.id === id)
      if (i < 0) throw ERR('not_found', null, 'Regeln finns inte.', 'The rule does not exist.', 404)
      const j = i + step
      if (j < 0 || j >= rows.length) return
      ;[rows[i], rows[j]] = [rows[j], rows[i]]
      for (const [k, r] of rows.entries()) await trx.updateTable('routing_rules').set({ position: k + 1 }).where('id', '=', r.id).execute()
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
      if (!t.members.some((m) => m.active)) out.push({ code: 'team_without_members', message: { sv: `Teamet ${t.name} har inga aktiva medlemmar: dess ärenden väntar otilldelade i kön, och tilldelning i tur och ordning eller efter minst antal ärenden fungerar inte.`, en: `The team ${t.name} has no active members: its cases wait unassigned in the queue, and round-robin or fewest-open assignment cannot work.` } })
    }
    const rules = await this.rules(db)
    for (const { rule, by } of shadowedRules(rules)) {
      out.push({ code: 'rule_shadowed', message: { sv: `Regeln ”${rule.name}” används aldrig: regeln ”${by.name}” före den gäller alla ärenden.`, en: `The rule “${rule.name}” is never used: the rule “${by.name}” before it matches every case.` } })
    }
    const people = await db.selectFrom('staff').select(['id', 'name', 'role', 'disabled']).execute()
    for (const rule of rules) {
      if (rule.action !== 'assign' || !rule.enabled) continue
      const p = people.find((s) => s.id === rule.assigneeId)
      if (!p || p.disabled || p.role === 'viewer') out.push({ code: 'rule_inactive_person', message: { sv: `Regeln ”${rule.name}” tilldelar en person som inte längre kan ta ärenden; ärendena hamnar otilldelade i teamets kö tills regeln ändras.`, en: `The rule “${rule.name}” assigns a person who can no longer take cases; the cases land unassigned in the team's queue until the rule is changed.` } })
    }
    const held = await db
      .selectFrom('cases')
      .innerJoin('staff', 'staff.id', 'cases.assignee_id')
      .select(['staff.name', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('staff.disabled', '=', 1)
      .where('cases.status', 'in', [...OPEN_STATUSES])
      .groupBy('staff.name')
      .execute()
    for (const h of held) out.push({ code: 'cases_with_inactive_assignee', message: { sv: `${h.name} är inaktiverad men har ${h.n} öppna ärenden; tilldela dem någon annan.`, en: `${h.name} is disabled but holds ${h.n} open cases; assign them to someone else.` } })
    return out
  }
}
