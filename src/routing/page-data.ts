import type { Db } from '../db/connection.js'
import { t, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { staffBrief } from '../staff/directory.js'
import type { RoutingAdmin, RuleInput } from './admin.js'
import { warningText } from './api-service.js'
import { escalationPlanFor } from './escalation.js'
import { teamQueueCounts } from './queue-teams.js'
import { dryRun } from './route-case.js'
import { ruleLabel } from './rule-names.js'
import { RULE_ACTIONS, type Rule, type RuleConditions } from './rules.js'
import { listTeams } from './teams.js'
import type { CaseScope } from './team-scope.js'

const CONDITION_SOURCES = {
  types: { values: REQUEST_TYPES, label: (lang: Lang, v: string) => t(lang, `types.${v}.short`) },
  relationships: { values: RELATIONSHIPS, label: (lang: Lang, v: string) => t(lang, `relationships.${v}`) },
  consents: { values: CONSENT_KINDS, label: (lang: Lang, v: string) => t(lang, `consents.${v}`) },
  channels: { values: CHANNELS, label: (lang: Lang, v: string) => t(lang, `cases.channels.${v}`) },
} as const
const CONDITION_FIELDS = Object.keys(CONDITION_SOURCES) as Array<keyof typeof CONDITION_SOURCES>

/** What the routing pages show (views/staff/routing-*.hbs, escalation.hbs), in the viewer's language. */
export class RoutingPageData {
  constructor(private readonly deps: { db: Db; admin: RoutingAdmin }) {}

  private async people() {
    return staffBrief(this.deps.db)
  }

  /** Staff who may be given cases or be in a team: not disabled, not viewers. */
  private async workers() {
    return (await this.people()).filter((p) => !p.disabled && p.role !== 'viewer')
  }

  private async warnings(lang: Lang) {
    return (await this.deps.admin.warnings()).map((w) => warningText(lang, w))
  }

  private conditionOptions(lang: Lang, c: RuleConditions) {
    return CONDITION_FIELDS.map((field) => ({
      field,
      legend: t(lang, `routing.rules.${field}`),
      options: CONDITION_SOURCES[field].values.map((value) => ({ value, label: CONDITION_SOURCES[field].label(lang, value), checked: (c[field] ?? []).includes(value), id: `${field}-${value}` })),
    }))
  }

  private async ruleForm(lang: Lang, rule: Partial<RuleInput> & { id?: number }) {
    const teams = await listTeams(this.deps.db)
    const staff = await this.workers()
    return {
      id: rule.id,
      name: rule.name ?? '',
      enabled: rule.enabled ?? true,
      words: (rule.conditions?.words ?? []).join(', '),
      conditionGroups: this.conditionOptions(lang, rule.conditions ?? {}),
      actionOptions: RULE_ACTIONS.map((value) => ({ value, label: t(lang, `routing.rules.actions.${value}`) })),
      action: rule.action ?? 'team',
      teamOptions: teams.map((x) => ({ value: String(x.id), label: x.name })),
      team: rule.teamId ? String(rule.teamId) : '',
      assigneeOptions: staff.map((p) => ({ value: String(p.id), label: `${p.name} (${p.email})` })),
      assignee: rule.assigneeId ? String(rule.assigneeId) : '',
    }
  }

  private describe(lang: Lang, r: Rule, teams: Map<number, string>, names: Map<number, string>) {
    const parts: string[] = []
    for (const field of CONDITION_FIELDS) {
      const v = r.conditions[field]
      if (v) parts.push(`${t(lang, `routing.rules.${field}`)}: ${v.map((x) => CONDITION_SOURCES[field].label(lang, x)).join(', ')}`)
    }
    if (r.conditions.words) parts.push(`${t(lang, 'routing.rules.words')}: ${r.conditions.words.join(', ')}`)
    const target = r.action === 'assign' ? (names.get(r.assigneeId ?? -1) ?? '?') : (teams.get(r.teamId ?? -1) ?? '?')
    return { conditions: parts.length ? parts.join('; ') : t(lang, 'routing.rules.any'), action: `${t(lang, `routing.rules.actions.${r.action}`)}: ${target}` }
  }

  /** The rule list with the form for a new rule (`form`: what was sent, shown again). */
  async rules(lang: Lang, form: Partial<RuleInput> = {}) {
    const rules = await this.deps.admin.rules()
    const teamList = await listTeams(this.deps.db)
    const teams = new Map(teamList.map((x) => [x.id, x.name]))
    const names = new Map((await this.people()).map((p) => [p.id, p.name]))
    return {
      rules: rules.map((r, i) => ({ ...r, name: ruleLabel(lang, r.name), position: i + 1, first: i === 0, last: i === rules.length - 1, ...this.describe(lang, r, teams, names) })),
      defaultTeam: teamList.find((x) => x.is_default === 1)?.name ?? '–',
      warnings: await this.warnings(lang),
      form: await this.ruleForm(lang, form),
    }
  }

  /** One rule's edit form, `form` over the saved rule; null when there is no such rule. */
  async editRule(lang: Lang, id: number, form: Partial<RuleInput> = {}) {
    const rule = (await this.deps.admin.rules()).find((r) => r.id === id)
    if (!rule) return null
    return { name: ruleLabel(lang, rule.name), form: await this.ruleForm(lang, { ...rule, ...form, id }) }
  }

  /** The teams with their members and the form for a new team; `error` goes to the team it is about (`failedId`, null: the new one). */
  async teams(lang: Lang, o: { error: string | null; failedId?: number | null; values?: { name: string; memberIds: number[] } }) {
    const { error, failedId } = o
    const teams = await listTeams(this.deps.db)
    const counts = new Map((await teamQueueCounts(this.deps.db)).map((c) => [c.id, c]))
    const staff = await this.workers()
    const options = (memberIds: number[], prefix: string) => staff.map((p) => ({ value: String(p.id), label: `${p.name} (${p.email})`, checked: memberIds.includes(p.id), id: `${prefix}-m${p.id}` }))
    const escalateOptions = (self: number | null) => teams.filter((x) => x.id !== self).map((x) => ({ value: String(x.id), label: x.name }))
    return {
      teams: teams.map((x) => ({
        id: x.id,
        key: x.key,
        name: x.name,
        isDefault: x.is_default === 1,
        isEscalation: x.is_escalation === 1,
        escalatesTo: x.escalates_to ? String(x.escalates_to) : '',
        escalateOptions: escalateOptions(x.id),
        members: x.members,
        memberOptions: options(x.members.filter((m) => m.active).map((m) => m.id), `t${x.id}`),
        open: counts.get(x.id)?.open ?? 0,
        error: failedId === x.id ? error : null,
      })),
      newTeam: { name: o.values?.name ?? '', memberOptions: options(o.values?.memberIds ?? [], 'new'), escalateOptions: escalateOptions(null), error: failedId === null && error ? error : null },
      warnings: await this.warnings(lang),
      errorList: error ? [{ id: failedId ? `team-${failedId}` : 'team-new', message: error }] : [],
    }
  }

  /** The dry run page: the result for the values given (none when no type is), or the message for values that are not choices. */
  async test(lang: Lang, values: { type: string; relationship: string; consent: string; channel: string; details: string }) {
    let result = null
    let error: string | null = null
    if (values.type) {
      const o = await dryRun(this.deps.db, values)
      if (!o) error = t(lang, 'routing.test.invalid')
      else result = { rule: o.ruleId === null ? null : ruleLabel(lang, o.ruleName), team: o.team?.name ?? '–', assignee: o.assignee ? `${o.assignee.name} (${o.assignee.email})` : null, reason: o.reason[lang] }
    }
    return {
      values,
      result,
      error,
      errorList: error ? [{ id: 'type', message: error }] : [],
      typeOptions: REQUEST_TYPES.map((value) => ({ value, label: t(lang, `types.${value}.short`) })),
      relationshipOptions: RELATIONSHIPS.map((value) => ({ value, label: t(lang, `relationships.${value}`) })),
      consentOptions: CONSENT_KINDS.map((value) => ({ value, label: t(lang, `consents.${value}`) })),
      channelOptions: CHANNELS.map((value) => ({ value, label: t(lang, `cases.channels.${value}`) })),
    }
  }

  /** What would escalate now, within the viewer's team scope. */
  async escalation(lang: Lang, o: { now: Date; hours: number; scope: CaseScope }) {
    const plan = await escalationPlanFor(this.deps.db, o.now, o.hours, o.scope)
    const teams = new Map((await listTeams(this.deps.db)).map((x) => [x.id, x.name]))
    // A case already in the team it escalates to stays there: say so rather than "Data protection → Data protection".
    const to = (i: { fromTeamId: number | null; toTeamId: number | null }) => (i.toTeamId !== null && i.toTeamId === i.fromTeamId ? t(lang, 'routing.escalation.sameTeam') : (teams.get(i.toTeamId ?? -1) ?? '–'))
    return plan.map((i) => ({ ...i, reasonLabel: t(lang, `routing.escalation.reasons.${i.reason}`), from: teams.get(i.fromTeamId ?? -1) ?? '–', to: to(i) }))
  }
}
