import { appendAudit } from '../audit/log.js'
import { addCaseEvent, openCasesByAssignee, setCaseRoute } from '../cases/records.js'
import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { CHANNELS, CONSENT_KINDS, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { staffBrief } from '../staff/directory.js'
import { listRuleRows, setRuleLastAssignee, toRule } from './repository.js'
import { listTeams, type TeamWithMembers } from './teams.js'
import { t } from '../i18n/index.js'
import { ruleLabel } from './rule-names.js'
import { chooseAssignee, evaluateRules, localized, type Localized, type RequestAttributes } from './rules.js'

export interface RouteOutcome {
  ruleId: number | null
  ruleName: string
  team: { id: number; key: string; name: string } | null
  assignee: { id: number; email: string; name: string } | null
  reason: Localized
}

const join = (parts: Localized[]): Localized => ({ sv: parts.map((p) => p.sv).join('. '), en: parts.map((p) => p.en).join('. ') })

/**
 * Decides where a request goes, without changing anything (the dry run uses this as it is).
 * Never leaves a case without a queue: whatever goes wrong with a rule's team or person, the
 * case lands in the default team's queue and the reason says what happened.
 */
export async function decideRoute(db: Executor, a: RequestAttributes): Promise<RouteOutcome> {
  const rules = (await listRuleRows(db)).map(toRule)
  const teams = await listTeams(db)
  const byId = new Map(teams.map((t) => [t.id, t]))
  const fallback = teams.find((t) => t.is_default === 1) ?? teams.find((t) => t.is_escalation === 1) ?? teams[0] ?? null
  const teamOf = (t: TeamWithMembers | null | undefined) => (t ? { id: t.id, key: t.key, name: t.name } : null)
  const match = evaluateRules(rules, a)
  if (!match) {
    return { ruleId: null, ruleName: 'default', team: teamOf(fallback), assignee: null, reason: localized((lang) => t(lang, 'routing.reasons.noRule')) }
  }
  const { rule, because } = match
  const why = localized((lang) => t(lang, 'routing.reasons.ruleMatched', { rule: ruleLabel(lang, rule.name), because: because[lang] }))
  let team = rule.teamId !== null ? byId.get(rule.teamId) : undefined
  const notes: Localized[] = []
  if (rule.teamId !== null && !team) notes.push(localized((lang) => t(lang, 'routing.reasons.teamGone')))
  let assignee: RouteOutcome['assignee'] = null

  if (rule.action === 'assign') {
    const [person] = rule.assigneeId === null ? [] : await staffBrief(db, [rule.assigneeId])
    if (person && person.disabled === 0 && person.role !== 'viewer') assignee = { id: person.id, email: person.email, name: person.name }
    else notes.push(localized((lang) => t(lang, 'routing.reasons.personGone')))
    // A person-only rule puts the case in one of that person's teams, else the default.
    if (!team && assignee) team = teams.find((t) => t.members.some((m) => m.id === assignee!.id))
  } else if (rule.action === 'round_robin' || rule.action === 'fewest_open') {
    if (team) {
      const counts = await openCasesByAssignee(db, team.members.map((m) => m.id))
      const chosen = chooseAssignee(rule.action, team.members.map((m) => ({ id: m.id, active: m.active, openCases: counts.get(m.id) ?? 0 })), rule.lastAssigneeId)
      const member = team.members.find((m) => m.id === chosen)
      if (member) assignee = { id: member.id, email: member.email, name: member.name }
      else {
        const name = team.name
        notes.push(localized((lang) => t(lang, 'routing.reasons.teamEmpty', { team: name })))
      }
    }
  }
  const finalTeam = team ?? fallback
  return { ruleId: rule.id, ruleName: rule.name, team: teamOf(finalTeam), assignee, reason: join([why, ...notes]) }
}

/**
 * The dry run from a form's text values: null when a value is not one of the known choices
 * (blank relationship, consent and details mean none).
 */
export async function dryRun(db: Executor, v: { type: string; relationship: string; consent: string; channel: string; details: string }): Promise<RouteOutcome | null> {
  const known = (list: readonly string[], x: string) => list.includes(x)
  if (!known(REQUEST_TYPES, v.type) || (v.relationship && !known(RELATIONSHIPS, v.relationship)) || (v.consent && !known(CONSENT_KINDS, v.consent)) || !known(CHANNELS, v.channel)) return null
  return decideRoute(db, { type: v.type, relationship: v.relationship || null, consent: v.type === 'withdraw_consent' ? v.consent || null : null, channel: v.channel, details: v.details || null })
}

export function attributesOf(c: Pick<Case, 'type' | 'relationship' | 'consent_kind' | 'channel' | 'details'>): RequestAttributes {
  return { type: c.type, relationship: c.relationship, consent: c.consent_kind, channel: c.channel, details: c.details }
}

/**
 * Routes a newly opened case inside the caller's transaction: sets its team (and assignee, if
 * the rule gives one), notes the rule and the reason on the timeline, and audits it.
 */
export async function routeNewCase(trx: Executor, c: Case, at: Date): Promise<Case> {
  const outcome = await decideRoute(trx, attributesOf(c))
  const iso = at.toISOString()
  const routedBy = JSON.stringify({ ruleId: outcome.ruleId, rule: outcome.ruleName, reason: outcome.reason })
  const assigneeId = outcome.assignee?.id ?? c.assignee_id
  await setCaseRoute(trx, c.id, { team_id: outcome.team?.id ?? null, assignee_id: assigneeId, routed_by: routedBy })
  if (outcome.ruleId !== null && outcome.assignee) await setRuleLastAssignee(trx, outcome.ruleId, outcome.assignee.id)
  await addCaseEvent(trx, {
    caseId: c.id,
    kind: 'routed',
    actor: { type: 'system' },
    data: { ruleId: outcome.ruleId, rule: outcome.ruleName, teamId: outcome.team?.id ?? null, team: outcome.team?.name ?? null, to: outcome.assignee?.id ?? null, reason: outcome.reason },
    at: iso,
  })
  await appendAudit(trx, { actorType: 'system', actorId: null, action: 'case.route', caseId: c.id, data: { ruleId: outcome.ruleId, teamId: outcome.team?.id ?? null, assigneeId: outcome.assignee?.id ?? null }, at })
  return { ...c, team_id: outcome.team?.id ?? null, assignee_id: assigneeId, routed_by: routedBy }
}
