import type { Executor } from '../db/connection.js'
import type { Case, CasePause } from '../db/schema.js'
import type { CaseDeadline } from '../deadlines/due-date.js'
import type { AddressChangeJson } from '../intake/address-change.js'
import { emailWarning } from '../intake/email-address.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { answeredLate, evidenceIds } from './refusal.js'
import { pausesJson, type PauseJson } from './pauses.js'

/** The case as the staff API returns it: the same keys and types from SQLite and PostgreSQL. */
export interface CaseJson {
  id: number
  reference: string
  type: string
  status: string
  email: string
  /** 'mixed_scripts' when the address mixes alphabets and may imitate another (src/intake/email-address.ts). */
  emailWarning: 'mixed_scripts' | null
  name: string | null
  relationship: string | null
  consent: string | null
  details: string | null
  incorrect: string | null
  correct: string | null
  channel: string
  lang: string
  receivedAt: string
  verifiedAt: string | null
  dueDate: string
  strictDueDate: string
  extended: boolean
  extensionReason: string | null
  pausedDays: number
  daysLeft: number
  deadlineState: string
  assignee: string | null
  assigneeName: string | null
  closedAt: string | null
  createdAt: string
  updatedAt: string
  /** The key of the team whose queue holds the case. */
  team: string | null
  teamName: string | null
  /** Which routing rule put the case there and why (null for cases from before routing). */
  routedBy: { ruleId: number | null; rule: string; reason: string } | null
  escalated: boolean
  escalatedAt: string | null
  escalationReason: string | null
  onBehalfOfClient: boolean
  controller: { name: string; email: string | null } | null
  keepData: boolean
  minimisedAt: string | null
  /** The reason of a rejection or an Art. 12(5) refusal, as sent to the requester. */
  refusalReason: string | null
  /** Art. 12(5): the ids of the earlier cases the refusal relies on. */
  evidence: number[]
  /** Completed while part of the request was refused (Art. 12(4)). */
  partialRefusal: { reason: string } | null
  /** Answered (or refused) after the due date. */
  late: boolean
  /** The recorded stops of the clock (the wait before confirmation is not one: it is in pausedDays). */
  pauses: PauseJson[]
  /** Issue 15 §5: made by a representative (the requester: email, name) for the data subject named here. */
  onBehalfOf: {
    kind: string
    subjectName: string | null
    subjectEmail: string | null
    proof: { name: string | null; contentType: string | null } | null
    authorityChecked: boolean
    authorityCheckedAt: string | null
  } | null
  /** A rectification changing the email address: `confirmedAt` is null until the new address confirms. */
  addressChange: AddressChangeJson | null
}

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
    status: c.status,
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

export async function teamsByIds(db: Executor, ids: Array<number | null>): Promise<Map<number, { key: string; name: string }>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.selectFrom('teams').select(['id', 'key', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, { key: r.key, name: r.name }]))
}

export async function staffByIds(db: Executor, ids: Array<number | null>): Promise<Map<number, { email: string; name: string }>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.selectFrom('staff').select(['id', 'email', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, { email: r.email, name: r.name }]))
}
