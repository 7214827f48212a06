import type { Static } from '../http/schema.js'
import type { RuleInput, TeamInput } from './admin.js'
import type { RuleForm, TeamForm, TestQuery } from './page-schemas.js'
import type { RuleConditions } from './rules.js'

/** What the routing pages' forms send, as the services take it. */

const CONDITION_FIELDS = ['types', 'relationships', 'consents', 'channels'] as const
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : [])

/** An id from a form or the URL: digits only, else none. */
export const idOf = (v: string | undefined): number | null => (v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : null)

/** A rule from the form: ticked boxes are conditions (none ticked: any value), words are comma-separated. */
export function ruleFromForm(body: Static<typeof RuleForm>): RuleInput {
  const conditions: RuleConditions = {}
  for (const field of CONDITION_FIELDS) {
    const ticked = many(body[field])
    if (ticked.length) conditions[field] = ticked
  }
  const words = (body.words ?? '').split(/[,\n]/).map((w) => w.trim()).filter(Boolean)
  if (words.length) conditions.words = words
  return { name: body.name ?? '', enabled: body.enabled === 'on', conditions, action: body.action ?? '', teamId: idOf(body.team), assigneeId: idOf(body.assignee) }
}

export function teamFromForm(b: Static<typeof TeamForm>): TeamInput {
  return {
    name: b.name ?? '',
    memberIds: many(b.members).map(Number).filter((n) => Number.isSafeInteger(n)),
    isDefault: b.isDefault === 'on' ? true : undefined,
    isEscalation: b.isEscalation === 'on' ? true : undefined,
    escalatesTo: idOf(b.escalatesTo),
  }
}

/** The form's values for showing it again: the ticked members as ids. */
export function teamFormValues(b: Static<typeof TeamForm>): { name: string; memberIds: number[] } {
  return { name: b.name ?? '', memberIds: many(b.members).map(Number) }
}

export function testValues(q: Static<typeof TestQuery>) {
  return { type: q.type ?? '', relationship: q.relationship ?? '', consent: q.consent ?? '', channel: q.channel || 'web', details: (q.details ?? '').slice(0, 5000) }
}
