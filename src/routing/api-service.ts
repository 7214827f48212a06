import { openCasesByTeam } from '../cases/records.js'
import type { Db } from '../db/connection.js'
import { t, type Lang } from '../i18n/index.js'
import { emailKey } from '../intake/validate.js'
import { findStaffIdByEmailKey, staffEmails } from '../staff/directory.js'
import type { RoutingAdmin, RoutingWarning, RuleInput, TeamInput } from './admin.js'
import type { RuleBody, RuleList, TeamBody, TestBody } from './api-schemas.js'
import { atRule, DomainError, routingError } from './errors.js'
import { findTeamIdByRef, teamKeys } from './repository.js'
import { decideRoute } from './route-case.js'
import { ruleLabel } from './rule-names.js'
import { parseConditions, type Rule } from './rules.js'
import { listTeams } from './teams.js'

/** A warning in words; the rules it names are named as the reader sees them (seeded ones in the reader's language). */
export function warningText(lang: Lang, w: RoutingWarning): string {
  const params: Record<string, unknown> = { ...w.params }
  for (const name of ['rule', 'by'] as const) if (typeof params[name] === 'string') params[name] = ruleLabel(lang, params[name])
  return t(lang, `routing.advice.${w.code}`, params)
}

/**
 * Teams and rules as the API shows and takes them: team keys and staff emails where the
 * database has ids. Saving goes through RoutingAdmin, which holds the rules.
 */
export class RoutingApi {
  constructor(private readonly deps: { db: Db; admin: RoutingAdmin }) {}

  async teams() {
    const { db } = this.deps
    const teams = await listTeams(db)
    const counts = new Map((await openCasesByTeam(db)).map((c) => [c.teamId, c]))
    const keyOf = new Map(teams.map((x) => [x.id, x.key]))
    return teams.map((x) => ({
      id: x.id,
      key: x.key,
      name: x.name,
      default: x.is_default === 1,
      escalation: x.is_escalation === 1,
      escalatesTo: x.escalates_to === null ? null : (keyOf.get(x.escalates_to) ?? null),
      members: x.members.map((m) => ({ email: m.email, name: m.name, active: m.active })),
      openCases: counts.get(x.id)?.open ?? 0,
      escalatedCases: counts.get(x.id)?.escalated ?? 0,
    }))
  }

  private async team(id: number) {
    const found = (await this.teams()).find((x) => x.id === id)
    if (!found) throw routingError('not_found', 404, 'teamNotFound')
    return found
  }

  /** The teams with the advice about the set-up (in English, as this answer always has been). */
  async teamList() {
    return { items: await this.teams(), warnings: (await this.deps.admin.warnings()).map((w) => ({ code: w.code, message: warningText('en', w) })) }
  }

  async createTeam(actorId: number, body: TeamBody) {
    return this.team(await this.deps.admin.saveTeam(actorId, null, await this.teamInput(body)))
  }

  /** `ref`: the team's key or id; one that names no team is a 404. */
  async updateTeam(actorId: number, ref: string, body: TeamBody) {
    const id = await findTeamIdByRef(this.deps.db, ref)
    if (id === null) throw routingError('not_found', 404, 'noTeamWithKey', { ref })
    await this.deps.admin.saveTeam(actorId, id, await this.teamInput(body))
    return this.team(id)
  }

  private async rulesOut(rules: Rule[]) {
    const teams = await teamKeys(this.deps.db)
    const staff = await staffEmails(this.deps.db)
    return rules.map((r, i) => ({
      id: r.id,
      position: i + 1,
      name: r.name,
      enabled: r.enabled,
      conditions: r.conditions,
      action: r.action,
      team: teams.find((x) => x.id === r.teamId)?.key ?? null,
      assignee: staff.find((s) => s.id === r.assigneeId)?.email ?? null,
    }))
  }

  private async rule(id: number) {
    const found = (await this.rulesOut(await this.deps.admin.rules())).find((r) => r.id === id)
    if (!found) throw routingError('not_found', 404, 'ruleNotFound')
    return found
  }

  async ruleList(lang: Lang) {
    const { admin } = this.deps
    return { items: await this.rulesOut(await admin.rules()), warnings: (await admin.warnings()).map((w) => ({ code: w.code, message: warningText(lang, w) })) }
  }

  async createRule(actorId: number, body: RuleBody) {
    return this.rule(await this.deps.admin.createRule(actorId, await this.ruleInput(body)))
  }

  /** `ref`: the rule's id as text; anything else names no rule. */
  async updateRule(actorId: number, ref: string, body: RuleBody) {
    const id = ruleId(ref)
    await this.deps.admin.updateRule(actorId, id, await this.ruleInput(body))
    return this.rule(id)
  }

  async deleteRule(actorId: number, ref: string): Promise<void> {
    await this.deps.admin.deleteRule(actorId, ruleId(ref))
  }

  /** The whole ordered list at once: `{rules: [...]}` or a bare array; the order given is the order used. */
  async replaceRules(actorId: number, body: RuleList) {
    const items = Array.isArray(body) ? body : body.rules
    const inputs: RuleInput[] = []
    for (const [i, b] of items.entries()) {
      try {
        inputs.push(await this.ruleInput(b))
      } catch (error) {
        throw error instanceof DomainError ? atRule(error, i) : error
      }
    }
    await this.deps.admin.replaceRules(actorId, inputs)
    return { items: await this.rulesOut(await this.deps.admin.rules()) }
  }

  /** The dry run: where a request with these attributes would go, changing nothing. */
  async test(b: TestBody, lang: Lang) {
    const outcome = await decideRoute(this.deps.db, { type: b.type, relationship: b.relationship ?? null, consent: b.type === 'withdraw_consent' ? (b.consent ?? null) : null, channel: b.channel ?? 'web', details: b.details ?? null })
    return {
      rule: outcome.ruleId === null ? null : { id: outcome.ruleId, name: outcome.ruleName },
      team: outcome.team ? { key: outcome.team.key, name: outcome.team.name } : null,
      assignee: outcome.assignee ? { email: outcome.assignee.email, name: outcome.assignee.name } : null,
      reason: outcome.reason[lang],
    }
  }

  /** A team key (or id) in a body, as an id; an unknown one is a 400 naming the field. */
  private async teamId(ref: string | null | undefined, field: string): Promise<number | null> {
    if (ref === null || ref === undefined || ref === '') return null
    const id = await findTeamIdByRef(this.deps.db, ref)
    if (id === null) throw routingError('unknown_team', 400, 'noTeamWithKey', { ref }, field)
    return id
  }

  private async staffId(email: string, field: string): Promise<number> {
    const id = await findStaffIdByEmailKey(this.deps.db, emailKey(email))
    if (id === undefined) throw routingError('unknown_staff', 400, 'noStaffWithEmail', { email }, field)
    return id
  }

  private async ruleInput(b: RuleBody): Promise<RuleInput> {
    return {
      name: b.name,
      enabled: b.enabled !== false,
      conditions: parseConditions(b.conditions ?? {}),
      action: b.action,
      teamId: await this.teamId(b.team, 'team'),
      assigneeId: b.assignee ? await this.staffId(b.assignee, 'assignee') : null,
    }
  }

  private async teamInput(b: TeamBody): Promise<TeamInput> {
    const memberIds: number[] = []
    for (const email of b.members ?? []) memberIds.push(await this.staffId(email, 'members'))
    return { name: b.name, key: b.key ?? null, memberIds, isDefault: b.default, isEscalation: b.escalation, escalatesTo: await this.teamId(b.escalatesTo, 'escalatesTo') }
  }
}

/** A rule's id from the URL; one that is not a number names no rule. */
function ruleId(ref: string): number {
  if (!/^\d{1,12}$/.test(ref)) throw routingError('not_found', 404, 'ruleNotFound')
  return Number(ref)
}
