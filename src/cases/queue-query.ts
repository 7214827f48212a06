import { REQUEST_TYPES } from '../intake/request-types.js'
import type { QueueFilters, QueuePage } from './queue-repository.js'
import { CASE_STATUSES, OPEN_STATUSES } from './state-machine.js'

export interface ParsedQueueQuery {
  filters: Omit<QueueFilters, 'today'>
  page: QueuePage
  /** The values as given, for refilling the filter form. */
  form: Record<string, string>
  /** An assignee named by email, to be looked up by the caller. */
  assigneeEmail: string | null
  /** 'mine' (the viewer's teams, and cases assigned to them), 'all', or a team key or id: resolved by the caller. */
  team: string
}

const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '')

/**
 * The queue's filters from a query string, shared by the page and GET /api/v1/cases.
 * status: open (default) | all | a status | a comma list; assignee: me | unassigned | anyone | email | id.
 */
export function parseQueueQuery(query: Record<string, unknown>, staffId: number, defaults: { assignee?: string; team?: string } = {}): { ok: true } & ParsedQueueQuery | { ok: false; fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  const form: Record<string, string> = {}

  const statusRaw = one(query.status).trim() || 'open'
  form.status = statusRaw
  let status: readonly string[]
  if (statusRaw === 'open') status = OPEN_STATUSES
  else if (statusRaw === 'all') status = CASE_STATUSES
  else {
    status = statusRaw.split(',').map((s) => s.trim())
    if (status.some((s) => !(CASE_STATUSES as readonly string[]).includes(s))) fields.status = `must be open, all or one of ${CASE_STATUSES.join(', ')}`
  }

  const typeRaw = one(query.type).trim()
  form.type = typeRaw
  const type = typeRaw ? typeRaw.split(',').map((s) => s.trim()) : null
  if (type && type.some((s) => !(REQUEST_TYPES as readonly string[]).includes(s))) fields.type = `must be one of ${REQUEST_TYPES.join(', ')}`

  const assigneeRaw = one(query.assignee).trim() || defaults.assignee || 'anyone'
  form.assignee = assigneeRaw
  let assignee: QueueFilters['assignee'] = 'anyone'
  let assigneeEmail: string | null = null
  if (assigneeRaw === 'me' || assigneeRaw === 'unassigned' || assigneeRaw === 'anyone') assignee = assigneeRaw
  else if (/^\d{1,12}$/.test(assigneeRaw)) assignee = Number(assigneeRaw)
  else if (assigneeRaw.includes('@') && assigneeRaw.length <= 320) assigneeEmail = assigneeRaw
  else fields.assignee = 'must be me, unassigned, anyone, a staff email or id'

  const dueRaw = one(query.due).trim()
  form.due = dueRaw
  if (dueRaw && dueRaw !== 'overdue' && dueRaw !== 'week') fields.due = 'must be overdue or week'

  const sortRaw = one(query.sort).trim() || 'due'
  form.sort = sortRaw
  if (sortRaw !== 'due' && sortRaw !== 'received') fields.sort = 'must be due or received'

  const q = one(query.q).trim()
  form.q = q
  if (q.length > 200) fields.q = 'must be at most 200 characters'

  const limitRaw = one(query.limit).trim()
  if (limitRaw && !/^\d{1,3}$/.test(limitRaw)) fields.limit = 'must be a number from 1 to 200'
  const cursor = one(query.cursor).trim() || null
  if (cursor && cursor.length > 500) fields.cursor = 'is not valid'

  const team = one(query.team).trim() || defaults.team || 'all'
  form.team = team
  if (!/^[a-z0-9_-]{1,64}$/.test(team)) fields.team = 'must be mine, all, or a team key'

  const escalatedRaw = one(query.escalated).trim()
  form.escalated = escalatedRaw
  if (escalatedRaw && escalatedRaw !== 'yes') fields.escalated = 'must be yes'

  if (Object.keys(fields).length) return { ok: false, fields }
  return {
    ok: true,
    filters: {
      status,
      type,
      assignee,
      me: staffId,
      due: (dueRaw || null) as QueueFilters['due'],
      q: q || null,
      sort: sortRaw as 'due' | 'received',
      escalated: escalatedRaw === 'yes',
    },
    page: { cursor, size: limitRaw ? Math.min(200, Math.max(1, Number(limitRaw))) : null },
    form,
    assigneeEmail,
    team,
  }
}
