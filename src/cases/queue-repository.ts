/**
 * The staff case queue: filtered, sorted, keyset-paginated lists of cases, and the counts for
 * the tabs. Pure data access: "today" (the Stockholm date) and the viewer's staff id come in as
 * arguments.
 *
 * How the queries stay fast at 100k+ cases (measured in bench/queue.ts; indexes in
 * migrations/001–003):
 *  - A list without a search runs one branch per status, `status = ?` plus the other filters,
 *    ordered by the sort key and limited to a page, glued with UNION ALL and cut to a page again.
 *    Each branch reads its page straight from an index in order (status_due, status_received,
 *    assignee_status_due), so no query sorts more than (statuses × page) rows.
 *  - A search (q) is driven by the matching index instead: the unique reference index or
 *    email_key (prefix ranges), and for names a trigram index (migrations/013: FTS5 on SQLite,
 *    pg_trgm on PostgreSQL) that yields the matching ids without reading the others. When the
 *    search includes closed statuses, the status/assignee/due columns are wrapped in no-op
 *    expressions so the planner cannot walk those indexes over the whole history instead.
 *    Open statuses alone are few, so then the status index drives and the search filters.
 *
 * Decisions:
 *  - `due: 'overdue' | 'week'` and the overdue count apply to open cases whose clock runs: no
 *    pause open in case_pauses. A paused case's stored due_date moves on every day it stands
 *    still, so it would show as overdue when it is not. Awaiting the requester without a pause
 *    (a plain question) leaves the clock running, and such a case can be overdue.
 *  - 'week' = due_date from today to today + 7 inclusive: the `due_today` and `due_soon` states
 *    of src/deadlines/due-date.ts (DUE_SOON_DAYS = 7).
 *  - Search: a reference (`DSR-2026-0001`, `dsr-2026`, `2026-000123`) by prefix; text with '@'
 *    by email prefix (email_key is lower-cased, so any case matches; a full address is the
 *    exact match); other text by email prefix or, from 3 characters, by a case-insensitive
 *    substring of the name, with the case of every letter folded (Å and å, Ö and ö) on both
 *    databases: the trigram tokenizer's folding on SQLite, lower() on PostgreSQL.
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool, type SelectQueryBuilder } from 'kysely'
import { isPostgres, type Executor } from '../db/connection.js'
import type { Case, Database } from '../db/schema.js'
import { addDays, isValidDate, type IsoDate } from '../deadlines/calendar-date.js'
import { REQUEST_TYPES } from '../intake/request-types.js'
import { CASE_STATUSES, OPEN_STATUSES, isCaseStatus, type CaseStatus } from './state-machine.js'

export const QUEUE_PAGE_DEFAULT = 50
export const QUEUE_PAGE_MAX = 200
export const QUEUE_SEARCH_MAX = 200
/** A name substring needs at least this many characters (shorter text searches references and emails only). */
export const NAME_SEARCH_MIN = 3
/** days after today that still count as "due this week" (inclusive). */
export const DUE_WEEK_DAYS = 7

export type QueueSort = 'due' | 'received'
export type QueueDue = 'overdue' | 'week'
/** 'me' needs `me` (the viewer's staff id); a number is a staff id. */
export type QueueAssignee = 'anyone' | 'unassigned' | 'me' | number

export interface QueueFilters {
  /** One or several; default the open statuses (new, in_progress, awaiting_requester). */
  status?: string | readonly string[] | null
  /** One or several request types; default all. */
  type?: string | readonly string[] | null
  assignee?: QueueAssignee | null
  /** The viewer's staff id, for assignee 'me'. */
  me?: number | null
  due?: QueueDue | null
  /** The Stockholm date 'YYYY-MM-DD'; required with `due`. */
  today?: IsoDate | null
  q?: string | null
  /** 'due' (default): due_date asc, id asc. 'received': received_at desc, id desc. */
  sort?: QueueSort | null
  /** Cases in these teams (and, for "my teams", also those assigned to `orAssignee`). */
  team?: QueueTeamFilter | null
  /** Only cases escalated to the data-protection team. */
  escalated?: boolean | null
  /** What the viewer may see at all (TEAM_SCOPED_ACCESS), applied on top of every other filter. */
  scope?: QueueTeamFilter | null
}

export interface QueueTeamFilter {
  ids: number[]
  orAssignee?: number | null
}

export interface QueuePage {
  /** The previous page's nextCursor. */
  cursor?: string | null
  /** 1..200, default 50; larger is cut to 200. */
  size?: number | null
}

export interface QueueResult {
  items: Case[]
  /** null on the last page. */
  nextCursor: string | null
}

export type QueueErrorCode = 'invalid_cursor' | 'invalid_filter'

/** A bad filter or cursor from the caller (a 400), never a database failure. */
export class QueueQueryError extends Error {
  constructor(
    readonly code: QueueErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'QueueQueryError'
  }
}

export class InvalidCursorError extends QueueQueryError {
  constructor(message = 'The cursor is not valid') {
    super('invalid_cursor', 'cursor', message)
    this.name = 'InvalidCursorError'
  }
}

// ─── Cursor ──────────────────────────────────────────────────────────────────────────────────

interface CursorKey {
  sort: QueueSort
  key: string
  id: number
}

const CURSOR_KEY = { due: /^\d{4}-\d{2}-\d{2}$/, received: /^[0-9T:.+Z-]{10,40}$/ } as const

/** base64url of JSON [sort, key, id]: opaque to clients, but carrying the sort it belongs to. */
export function encodeCursor(c: CursorKey): string {
  return Buffer.from(JSON.stringify([c.sort === 'due' ? 'd' : 'r', c.key, c.id]), 'utf8').toString('base64url')
}

export function decodeCursor(raw: string, sort: QueueSort): CursorKey {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw new InvalidCursorError()
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError()
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new InvalidCursorError()
  const [s, key, id] = parsed as unknown[]
  if (s !== (sort === 'due' ? 'd' : 'r')) throw new InvalidCursorError('The cursor belongs to another sort order')
  if (typeof key !== 'string' || !CURSOR_KEY[sort].test(key)) throw new InvalidCursorError()
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new InvalidCursorError()
  return { sort, key, id }
}

// ─── Filters ─────────────────────────────────────────────────────────────────────────────────

interface Normalized {
  statuses: CaseStatus[]
  types: string[] | null
  assignee: { kind: 'any' } | { kind: 'none' } | { kind: 'id'; id: number }
  dueRange: { from?: IsoDate; before?: IsoDate } | null
  search: Search | null
  sort: QueueSort
  team: QueueTeamFilter | null
  escalated: boolean
  scope: QueueTeamFilter | null
}

type Search =
  | { kind: 'reference'; lo: string; hi: string }
  | { kind: 'email'; lo: string; hi: string }
  | { kind: 'text'; lo: string; hi: string; name: { phrase: string; lowerLike: string } | null }

const invalid = (field: string, message: string) => new QueueQueryError('invalid_filter', field, message)

function list(v: string | readonly string[] | null | undefined): string[] | null {
  if (v === undefined || v === null) return null
  const xs = (typeof v === 'string' ? [v] : [...v]).filter((x) => x !== '')
  return xs.length ? [...new Set(xs)] : null
}

/** The smallest string greater than every string starting with `prefix` (binary order). */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1)
  return prefix.slice(0, -1) + String.fromCharCode(last + 1)
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c)

/** An FTS5 string: the text as one phrase, so its trigrams must follow each other (a substring). */
const ftsPhrase = (text: string) => '"' + text.replace(/"/g, '""') + '"'

function parseSearch(raw: string | null | undefined): Search | null {
  if (raw === undefined || raw === null) return null
  const q = raw.trim().replace(/\s+/g, ' ')
  if (q === '') return null
  if (q.length > QUEUE_SEARCH_MAX) throw invalid('q', `The search text may be at most ${QUEUE_SEARCH_MAX} characters`)
  if (/^dsr(-\d{0,4}(-\d{0,6})?)?$/i.test(q)) {
    const lo = q.toUpperCase()
    return { kind: 'reference', lo, hi: prefixEnd(lo) }
  }
  if (/^\d{4}-\d{1,6}$/.test(q)) {
    const lo = 'DSR-' + q
    return { kind: 'reference', lo, hi: prefixEnd(lo) }
  }
  const lower = q.toLowerCase()
  if (q.includes('@')) return { kind: 'email', lo: lower, hi: prefixEnd(lower) }
  const nameOk = [...q].length >= NAME_SEARCH_MIN
  return { kind: 'text', lo: lower, hi: prefixEnd(lower), name: nameOk ? { phrase: ftsPhrase(q), lowerLike: '%' + escapeLike(q.toLocaleLowerCase('sv')) + '%' } : null }
}

function normalize(filters: QueueFilters): Normalized {
  const statusList = list(filters.status)
  for (const s of statusList ?? []) if (!isCaseStatus(s)) throw invalid('status', `Unknown status: ${JSON.stringify(s)}`)
  let statuses = (statusList as CaseStatus[] | null) ?? [...OPEN_STATUSES]
  statuses = CASE_STATUSES.filter((s) => statuses.includes(s)) // stable order

  const types = list(filters.type)
  for (const t of types ?? []) if (!(REQUEST_TYPES as readonly string[]).includes(t)) throw invalid('type', `Unknown request type: ${JSON.stringify(t)}`)

  let assignee: Normalized['assignee'] = { kind: 'any' }
  const a = filters.assignee ?? 'anyone'
  if (a === 'unassigned') assignee = { kind: 'none' }
  else if (a === 'me') {
    if (typeof filters.me !== 'number' || !Number.isSafeInteger(filters.me) || filters.me < 1) throw invalid('assignee', "assignee 'me' needs the viewer's staff id in `me`")
    assignee = { kind: 'id', id: filters.me }
  } else if (typeof a === 'number') {
    if (!Number.isSafeInteger(a) || a < 1) throw invalid('assignee', 'assignee must be a staff id')
    assignee = { kind: 'id', id: a }
  } else if (a !== 'anyone') throw invalid('assignee', `Unknown assignee filter: ${JSON.stringify(a)}`)

  let dueRange: Normalized['dueRange'] = null
  if (filters.due) {
    if (filters.due !== 'overdue' && filters.due !== 'week') throw invalid('due', `Unknown due filter: ${JSON.stringify(filters.due)}`)
    if (!filters.today || !isValidDate(filters.today)) throw invalid('today', 'A due filter needs today’s date (YYYY-MM-DD)')
    dueRange = filters.due === 'overdue' ? { before: filters.today } : { from: filters.today, before: addDays(filters.today, DUE_WEEK_DAYS + 1) }
  }

  const sort = filters.sort ?? 'due'
  if (sort !== 'due' && sort !== 'received') throw invalid('sort', `Unknown sort: ${JSON.stringify(sort)}`)
  return { statuses, types, assignee, dueRange, search: parseSearch(filters.q), sort, team: filters.team ?? null, escalated: filters.escalated === true, scope: filters.scope ?? null }
}

function pageSize(page: QueuePage): number {
  const size = page.size ?? QUEUE_PAGE_DEFAULT
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw invalid('size', 'The page size must be a whole number from 1')
  return Math.min(size, QUEUE_PAGE_MAX)
}

// ─── Query building ──────────────────────────────────────────────────────────────────────────

type EB = ExpressionBuilder<Database, 'cases'>
type Q = SelectQueryBuilder<Database, 'cases', Case>

/** `col || ''` / `col + 0`: the same value, but no index can be used for it. */
const opaqueText = (col: 'status' | 'due_date') => sql<string>`(${sql.ref(col)} || '')`
const opaqueInt = (col: 'assignee_id') => sql<number | null>`(${sql.ref(col)} + 0)`

function searchCondition(db: Executor, eb: EB, s: Search, driveBySearch: boolean): Expression<SqlBool> {
  if (s.kind === 'reference') return eb.and([eb('reference', '>=', s.lo), eb('reference', '<', s.hi)])
  const email = eb.and([eb('email_key', '>=', s.lo), eb('email_key', '<', s.hi)])
  if (s.kind === 'email' || !s.name) return email
  const name = s.name
  // SQLite: the ids from the FTS5 trigram index (migrations/013), a few matches or none read.
  if (!isPostgres(db)) return eb.or([email, eb('id', 'in', sql<number>`(select rowid from cases_name_fts where cases_name_fts match ${name.phrase})`)])
  // PostgreSQL: lower() folds all of Unicode; the pg_trgm index on lower(name) serves the LIKE.
  const nameMatch = (inner: EB) => sql<SqlBool>`lower(${inner.ref('name')}) like ${name.lowerLike} escape '\\'`
  if (!driveBySearch) return eb.or([email, nameMatch(eb)])
  return eb.or([email, eb('id', 'in', db.selectFrom('cases').select('id').where((inner) => nameMatch(inner as EB)))])
}

/** No pause of the clock is open for the case (EDPB 01/2022 §159: only recorded pauses stop it). */
function clockRunning(eb: EB): Expression<SqlBool> {
  return eb.not(eb.exists(eb.selectFrom('case_pauses').select('case_pauses.id').whereRef('case_pauses.case_id', '=', 'cases.id').where('case_pauses.ended_at', 'is', null)))
}

/** The WHERE for the given statuses; `opaque` stops index use on the filter columns. */
function applyFilters(db: Executor, q: Q, n: Normalized, statuses: CaseStatus[], opaque: boolean): Q {
  if (statuses.length === 1 && !opaque) q = q.where('status', '=', statuses[0])
  else q = q.where(opaque ? opaqueText('status') : sql.ref('status'), 'in', statuses)
  if (n.types) q = n.types.length === 1 ? q.where('type', '=', n.types[0]) : q.where('type', 'in', n.types)
  if (n.assignee.kind === 'none') q = q.where(opaque ? opaqueInt('assignee_id') : sql.ref('assignee_id'), 'is', null)
  if (n.assignee.kind === 'id') q = q.where(opaque ? opaqueInt('assignee_id') : sql.ref('assignee_id'), '=', n.assignee.id)
  if (n.dueRange?.from) q = q.where(opaque ? opaqueText('due_date') : sql.ref('due_date'), '>=', n.dueRange.from)
  if (n.dueRange?.before) q = q.where(opaque ? opaqueText('due_date') : sql.ref('due_date'), '<', n.dueRange.before)
  // A paused case is neither overdue nor due soon.
  if (n.dueRange) q = q.where((eb) => clockRunning(eb as EB))
  if (n.search) {
    const s = n.search
    q = q.where((eb) => searchCondition(db, eb as EB, s, opaque))
  }
  for (const f of [n.team, n.scope]) {
    if (!f) continue
    const ids = f.ids.length ? f.ids : [-1]
    const or = f.orAssignee ?? null
    q = q.where((eb) => (or !== null ? eb.or([eb('team_id', 'in', ids), eb('assignee_id', '=', or)]) : eb('team_id', 'in', ids)))
  }
  if (n.escalated) q = q.where('escalated_at', 'is not', null)
  return q
}

function applyKeyset(q: Q, sort: QueueSort, after: CursorKey | null, limit: number): Q {
  if (sort === 'due') {
    if (after) q = q.where((eb) => eb(eb.refTuple('due_date', 'id'), '>', eb.tuple(after.key, after.id)))
    return q.orderBy('due_date', 'asc').orderBy('id', 'asc').limit(limit)
  }
  if (after) q = q.where((eb) => eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(after.key, after.id)))
  return q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit)
}

/** The query listQueue runs (exported for EXPLAIN in tests and the benchmark). */
export function buildQueueQuery(db: Executor, filters: QueueFilters, page: QueuePage = {}) {
  const n = normalize(filters)
  const size = pageSize(page)
  const after = page.cursor ? decodeCursor(page.cursor, n.sort) : null
  const limit = size + 1
  if (n.statuses.length === 0) return { n, size, query: null }

  const searchDriven = n.search !== null && n.statuses.some((s) => !OPEN_STATUSES.includes(s))
  if (searchDriven || n.statuses.length === 1) {
    const q = applyFilters(db, db.selectFrom('cases').selectAll(), n, n.statuses, searchDriven)
    return { n, size, query: applyKeyset(q, n.sort, after, limit) }
  }
  // One branch per status, each read in index order, then merged.
  const branches = n.statuses.map((s, i) =>
    db.selectFrom(applyKeyset(applyFilters(db, db.selectFrom('cases').selectAll(), n, [s], false), n.sort, after, limit).as(`b${i}`)).selectAll(),
  )
  let union = branches[0]
  for (const b of branches.slice(1)) union = union.unionAll(b)
  const ordered =
    n.sort === 'due'
      ? union.orderBy('due_date', 'asc').orderBy('id', 'asc')
      : union.orderBy('received_at', 'desc').orderBy('id', 'desc')
  return { n, size, query: ordered.limit(limit) }
}

/**
 * One page of the queue. Throws QueueQueryError (InvalidCursorError for a bad cursor) on bad
 * input; every row is a full `cases` row.
 */
export async function listQueue(db: Executor, filters: QueueFilters, page: QueuePage = {}): Promise<QueueResult> {
  const { n, size, query } = buildQueueQuery(db, filters, page)
  if (!query) return { items: [], nextCursor: null }
  const rows = (await query.execute()) as Case[]
  const items = rows.slice(0, size)
  let nextCursor: string | null = null
  if (rows.length > size) {
    const last = items[items.length - 1]
    nextCursor = encodeCursor({ sort: n.sort, key: n.sort === 'due' ? last.due_date : last.received_at, id: last.id })
  }
  return { items, nextCursor }
}

// ─── Counts ──────────────────────────────────────────────────────────────────────────────────

export interface QueueCounts {
  /** Cases per status under the filters; closed statuses only when asked for (they are most of the table). */
  byStatus: Partial<Record<CaseStatus, number>>
  /** new + in_progress + awaiting_requester. */
  open: number
  /** Open cases with no pause running and due_date before today. */
  overdue: number
  /** Open cases with no pause running, due from today to today + 7. */
  dueThisWeek: number
}

export interface QueueCountFilters {
  team?: QueueTeamFilter | null
  scope?: QueueTeamFilter | null
  type?: string | readonly string[] | null
  assignee?: QueueAssignee | null
  me?: number | null
  /** Also count completed, rejected and withdrawn (scans their index range: a few ms per 100k). */
  includeClosed?: boolean
}

export async function queueCounts(db: Executor, today: IsoDate, filters: QueueCountFilters = {}): Promise<QueueCounts> {
  if (!isValidDate(today)) throw invalid('today', 'today must be a date (YYYY-MM-DD)')
  const statuses = filters.includeClosed ? [...CASE_STATUSES] : [...OPEN_STATUSES]
  const n = normalize({ type: filters.type, assignee: filters.assignee, me: filters.me, status: statuses, team: filters.team, scope: filters.scope })
  const weekEnd = addDays(today, DUE_WEEK_DAYS + 1)

  const perStatus = await applyFilters(db, db.selectFrom('cases') as unknown as Q, n, statuses, false)
    .clearSelect()
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute()
  const due = await applyFilters(db, db.selectFrom('cases') as unknown as Q, n, [...OPEN_STATUSES], false)
    .clearSelect()
    .select((eb) => [
      eb.fn.sum<number | string | null>(eb.case().when('due_date', '<', today).then(1).else(0).end()).as('overdue'),
      eb.fn.sum<number | string | null>(eb.case().when(eb.and([eb('due_date', '>=', today), eb('due_date', '<', weekEnd)])).then(1).else(0).end()).as('week'),
    ])
    .where('due_date', '<', weekEnd)
    .where((eb) => clockRunning(eb as unknown as EB))
    .executeTakeFirst()

  const byStatus: Partial<Record<CaseStatus, number>> = {}
  for (const s of statuses) byStatus[s] = 0
  for (const r of perStatus as unknown as Array<{ status: CaseStatus; n: number | string }>) byStatus[r.status] = Number(r.n)
  return {
    byStatus,
    open: OPEN_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0),
    overdue: Number(due?.overdue ?? 0),
    dueThisWeek: Number(due?.week ?? 0),
  }
}
