/**
 * Routing rules, evaluated in order: pure functions, no I/O (src/routing/service.ts loads the
 * rules, teams and counts and applies the outcome).
 *
 * A rule's conditions are ANDed; within one condition any listed value matches (OR). A missing
 * condition matches anything. `words` match case-insensitively as substrings of the details.
 * The first enabled rule that matches wins; when none does, the default team takes the case.
 */
import { CHANNELS, CONSENT_KINDS, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { LANGS, t, type Lang } from '../i18n/index.js'
import type { RoutingMessage } from './errors.js'

export const RULE_ACTIONS = ['team', 'assign', 'round_robin', 'fewest_open'] as const
export type RuleAction = (typeof RULE_ACTIONS)[number]

export interface RuleConditions {
  types?: string[]
  relationships?: string[]
  consents?: string[]
  channels?: string[]
  words?: string[]
}

export interface Rule {
  id: number
  name: string
  enabled: boolean
  conditions: RuleConditions
  action: RuleAction
  teamId: number | null
  assigneeId: number | null
  lastAssigneeId?: number | null
}

export interface RequestAttributes {
  type: string
  relationship: string | null
  consent: string | null
  channel: string
  details: string | null
}

export interface Localized {
  sv: string
  en: string
}

export interface Match {
  rule: Rule
  /** Which conditions held, for the timeline ("why"). */
  because: Localized
}

const CONDITION_FIELDS = ['types', 'relationships', 'consents', 'channels', 'words'] as const
type ConditionField = (typeof CONDITION_FIELDS)[number]

const ALLOWED: Record<Exclude<ConditionField, 'words'>, readonly string[]> = {
  types: REQUEST_TYPES,
  relationships: RELATIONSHIPS,
  consents: CONSENT_KINDS,
  channels: CHANNELS,
}

/** A text of the routing catalogue in both languages, for what is stored with a case (its routing reason). */
export function localized(text: (lang: Lang) => string): Localized {
  const [sv, en] = LANGS.map(text)
  return { sv, en }
}

function valueOf(field: Exclude<ConditionField, 'words'>, a: RequestAttributes): string | null {
  return field === 'types' ? a.type : field === 'relationships' ? a.relationship : field === 'consents' ? a.consent : a.channel
}

/** Whether the rule's conditions hold for the request, and the list of what matched. */
export function matchRule(rule: Rule, a: RequestAttributes): Localized | null {
  const parts: Array<[ConditionField, string]> = []
  for (const field of CONDITION_FIELDS) {
    const wanted = rule.conditions[field]
    if (wanted === undefined) continue
    if (field === 'words') {
      const text = (a.details ?? '').toLocaleLowerCase('sv')
      const hit = wanted.find((w) => w.trim() !== '' && text.includes(w.trim().toLocaleLowerCase('sv')))
      if (hit === undefined) return null
      parts.push([field, `”${hit.trim()}”`])
      continue
    }
    const value = valueOf(field, a)
    if (value === null || !wanted.includes(value)) return null
    parts.push([field, value])
  }
  if (parts.length === 0) return localized((lang) => t(lang, 'routing.reasons.everyCase'))
  return localized((lang) => parts.map(([f, v]) => `${t(lang, `routing.reasons.conditions.${f}`)} = ${v}`).join(', '))
}

/** The first enabled rule that matches, in the given order; null: the default team's turn. */
export function evaluateRules(rules: readonly Rule[], a: RequestAttributes): Match | null {
  for (const rule of rules) {
    if (!rule.enabled) continue
    const because = matchRule(rule, a)
    if (because) return { rule, because }
  }
  return null
}

export interface Candidate {
  id: number
  /** Active (not disabled) handler or admin. */
  active: boolean
  openCases: number
}

/**
 * Who gets a case from a team rule: round-robin takes the next active member after the last
 * one given a case (by id order); fewest-open the active member with the fewest open cases
 * (lowest id on a tie). null when the team has no active member: the case waits in the queue.
 */
export function chooseAssignee(action: 'round_robin' | 'fewest_open', members: readonly Candidate[], lastAssigneeId: number | null | undefined): number | null {
  const active = members.filter((m) => m.active).sort((x, y) => x.id - y.id)
  if (active.length === 0) return null
  if (action === 'fewest_open') {
    return active.reduce((best, m) => (m.openCases < best.openCases ? m : best)).id
  }
  const next = active.find((m) => lastAssigneeId !== null && lastAssigneeId !== undefined && m.id > lastAssigneeId)
  return (next ?? active[0]).id
}

// ─── Validation ──────────────────────────────────────────────────────────────────────────────

export interface RuleProblem {
  field: string
  /** The message in the routing catalogue's `errors` section, with its values. */
  message: RoutingMessage
  params?: Record<string, string>
}

/**
 * Conditions and action as given by an admin (form or API). Rejects unknown values and
 * combinations that can never match, so a rule never silently does nothing.
 */
export function ruleProblems(input: { name: string; conditions: RuleConditions; action: string; teamId: number | null; assigneeId: number | null }): RuleProblem[] {
  const problems: RuleProblem[] = []
  const name = input.name.trim()
  if (!name || name.length > 200) problems.push({ field: 'name', message: 'ruleName' })
  const c = input.conditions
  for (const field of CONDITION_FIELDS) {
    const list = c[field]
    if (list === undefined) continue
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
      problems.push({ field, message: `notList.${field}` })
      continue
    }
    if (field === 'words') {
      if (list.every((w) => w.trim() === '')) problems.push({ field, message: 'wordsEmpty' })
      else if (list.some((w) => w.length > 100) || list.length > 50) problems.push({ field, message: 'wordsTooMany' })
      continue
    }
    if (list.length === 0) {
      problems.push({ field, message: `noValues.${field}` })
      continue
    }
    const unknown = list.filter((v) => !ALLOWED[field].includes(v))
    if (unknown.length) problems.push({ field, message: `unknownValue.${field}`, params: { values: unknown.join(', '), valid: ALLOWED[field].join(', ') } })
  }
  // Only consent withdrawals record which consent; a consent condition with other types never matches.
  if (c.consents && c.types && !c.types.includes('withdraw_consent')) problems.push({ field: 'consents', message: 'consentNeedsWithdraw' })
  if (!(RULE_ACTIONS as readonly string[]).includes(input.action)) {
    problems.push({ field: 'action', message: 'chooseAction', params: { actions: RULE_ACTIONS.join(', ') } })
  } else if (input.action === 'assign') {
    if (input.assigneeId === null) problems.push({ field: 'assignee', message: 'chooseAssignee' })
  } else if (input.teamId === null) {
    problems.push({ field: 'team', message: 'chooseTeam' })
  }
  return problems
}

/**
 * Advice on a whole ordered list: rules that can never win because an earlier enabled rule
 * without conditions catches everything first.
 */
export function shadowedRules(rules: readonly Rule[]): Array<{ rule: Rule; by: Rule }> {
  const out: Array<{ rule: Rule; by: Rule }> = []
  let catchAll: Rule | null = null
  for (const rule of rules) {
    if (catchAll && rule.enabled) out.push({ rule, by: catchAll })
    if (!catchAll && rule.enabled && CONDITION_FIELDS.every((f) => rule.conditions[f] === undefined)) catchAll = rule
  }
  return out
}

/** Normalises conditions from JSON: drops unknown keys, keeps lists of strings as given. */
export function parseConditions(raw: unknown): RuleConditions {
  const out: RuleConditions = {}
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out
  for (const field of CONDITION_FIELDS) {
    const v = (raw as Record<string, unknown>)[field]
    if (v === undefined || v === null) continue
    out[field] = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x))) : ([String(v)] as string[])
  }
  return out
}

/**
 * Escalation targets must not go round in a circle: following `escalatesTo` from any team must
 * reach a team that escalates nowhere further. Returns the first cycle found (team ids), or null.
 */
export function findEscalationCycle(teams: ReadonlyArray<{ id: number; escalatesTo: number | null }>): number[] | null {
  const next = new Map(teams.map((t) => [t.id, t.escalatesTo]))
  for (const start of teams) {
    const seen: number[] = []
    let at: number | null | undefined = start.id
    while (at !== null && at !== undefined) {
      if (seen.includes(at)) return seen.slice(seen.indexOf(at))
      seen.push(at)
      at = next.get(at)
    }
  }
  return null
}

// ─── Escalation ──────────────────────────────────────────────────────────────────────────────

export type EscalationReason = 'unassigned' | 'overdue'

/**
 * Why an open case should be escalated now, or null. Escalation happens once per case (the
 * escalated_at mark), so a case neglected again in the escalation team never bounces around.
 */
export function escalationReason(
  c: { status: string; assignee_id: number | null; due_date: string; verified_at: string | null; created_at: string; escalated_at: string | null; closed_at: string | null },
  o: { now: Date; today: string; unassignedHours: number; running: boolean },
): EscalationReason | null {
  if (c.escalated_at || c.closed_at) return null
  if (o.running && c.due_date < o.today) return 'overdue'
  if (o.unassignedHours > 0 && c.assignee_id === null) {
    const since = Date.parse(c.verified_at ?? c.created_at)
    if (o.now.getTime() - since >= o.unassignedHours * 3_600_000) return 'unassigned'
  }
  return null
}
