import type { Case, CasePause } from '../db/schema.js'
import type { CaseDeadline } from '../deadlines/due-date.js'
import type { AddressChangeJson } from '../intake/address-change.js'
import { emailWarning } from '../intake/email-address.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { answeredLate, evidenceIds } from './refusal.js'
import { pausesJson } from './pauses.js'
import type { Static } from '../http/schema.js'
import type { CaseJsonSchema } from './case-json-schema.js'
import type { CaseStatus } from './state-machine.js'

/** The case as the staff API returns it: the same keys and types from SQLite and PostgreSQL (its schema: case-json-schema.ts). */
export type CaseJson = Static<typeof CaseJsonSchema>

function routedByOf(raw: string | null, lang: 'sv' | 'en'): CaseJson['routedBy'] {
  if (!raw) return null
  try {
    const v = JSON.parse(raw) as { ruleId: number | null; rule: string; reason: { sv: string; en: string } }
    return { ruleId: v.ruleId, rule: v.rule, reason: v.reason[lang] }
  } catch {
    return null
  }
}

export function toCaseJson(c: Case, deadline: CaseDeadline, assignee: { email: string; name: string } | null, team: { key: string; name: string } | null = null, lang: 'sv' | 'en' = 'en', pauses: CasePause[] = [], addressChange: AddressChangeJson | null = null): CaseJson {
  return {
    id: c.id,
    reference: c.reference,
    type: c.type,
    status: c.status as CaseStatus,
    email: c.email,
    emailWarning: emailWarning(c.email),
    name: c.name,
    relationship: c.relationship,
    consent: c.consent_kind,
    details: c.details,
    incorrect: c.incorrect_value,
    correct: c.correct_value,
    channel: c.channel,
    lang: c.lang,
    receivedAt: c.received_at,
    verifiedAt: c.verified_at,
    dueDate: deadline.dueDate,
    strictDueDate: deadline.strictDueDate,
    extended: c.extended === 1,
    extensionReason: c.extension_reason,
    pausedDays: deadline.pausedDays,
    daysLeft: deadline.daysLeft,
    deadlineState: deadline.state,
    assignee: assignee?.email ?? null,
    assigneeName: assignee?.name ?? null,
    closedAt: c.closed_at,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    team: team?.key ?? null,
    teamName: team?.name ?? null,
    routedBy: routedByOf(c.routed_by, lang),
    escalated: c.escalated_at !== null,
    escalatedAt: c.escalated_at,
    escalationReason: c.escalation_reason,
    onBehalfOfClient: c.on_behalf_of_client === 1,
    controller: c.controller_name ? { name: c.controller_name, email: c.controller_email } : null,
    keepData: c.keep_data === 1,
    minimisedAt: c.minimised_at,
    refusalReason: c.refusal_reason,
    evidence: evidenceIds(c),
    partialRefusal: c.partial_refusal_reason ? { reason: c.partial_refusal_reason } : null,
    late: answeredLate(c.status, c.closed_at ? stockholmDate(c.closed_at) : null, deadline.dueDate),
    pauses: pausesJson(pauses),
    onBehalfOf: c.on_behalf_kind
      ? {
          kind: c.on_behalf_kind,
          subjectName: c.subject_name,
          subjectEmail: c.subject_email,
          proof: c.proof_file ? { name: c.proof_name, contentType: c.proof_type } : null,
          authorityChecked: c.authority_checked_at !== null,
          authorityCheckedAt: c.authority_checked_at,
        }
      : null,
    addressChange,
  }
}

// Where the queue page (src/cases/queue-routes.ts) has always found it.
export { staffByIds } from '../staff/directory.js'
