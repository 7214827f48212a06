import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import type { CaseDeadline } from '../deadlines/due-date.js'

/** The case as the staff API returns it: the same keys and types from SQLite and PostgreSQL. */
export interface CaseJson {
  id: number
  reference: string
  type: string
  status: string
  email: string
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
}

export function toCaseJson(c: Case, deadline: CaseDeadline, assignee: { email: string; name: string } | null): CaseJson {
  return {
    id: c.id,
    reference: c.reference,
    type: c.type,
    status: c.status,
    email: c.email,
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
  }
}

export async function staffByIds(db: Executor, ids: Array<number | null>): Promise<Map<number, { email: string; name: string }>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.selectFrom('staff').select(['id', 'email', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, { email: r.email, name: r.name }]))
}
