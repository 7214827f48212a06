/**
 * The staff case queue: filtered, sorted, keyset-paginated lists of cases, and the counts for
 * the tabs. Pure data access: "today" (the Stockholm date) and the viewer's staff id come in as
 * arguments.
 *
 * How the queries stay fast at 100k+ cases (measured in bench/queue.ts; indexes in
 * migrations/001–003):
 *  - A list runs one query per status, `status = ?` plus the other filters, ordered by the sort
 *    key and limited to a page; the pages are merged and cut to a page again. Each query reads
 *    its page straight from an index in order (status_due, status_received, assignee_status_due),
 *    so nothing sorts more than (statuses × page) rows.
 *  - All statuses together need no status condition: one walk of cases_due_idx or
 *    cases_received_idx (or an assignee index) instead of a branch per status.
 *  - A search (q) is applied one of two ways, by how many cases match (src/cases/queue-search.ts):
 *    up to SEARCH_ID_LIST_MAX matches, their ids (from the reference, email_key or name trigram
 *    index) drive the query, with the other filters' columns wrapped in no-op expressions so the
 *    planner reads by id rather than walking those indexes; with more matches, the lists above
 *    are walked as without a search, testing each entry, and the page fills after a short walk.
 *    The due-order indexes carry the searched columns (migrations/014), so the walk selects only
 *    the page's ids from the index, and the page's rows are read by id (a walk of 25,000 entries
 *    would otherwise read 25,000 table rows).
 *
 * Decisions:
 *  - `due: 'overdue' | 'week'` and the overdue count apply to open cases whose clock runs: no
 *    pause open in case_pauses. A paused case's stored due_date moves on every day it stands
 *    still, so it would show as overdue when it is not. Awaiting the requester without a pause
 *    (a plain question) leaves the clock running, and such a case can be overdue.
 *  - 'week' = due_date from today to today + 7 inclusive: the `due_today` and `due_soon` states
 *    of src/deadlines/due-date.ts (DUE_SOON_DAYS = 7).
 *  - Search: see src/cases/queue-search.ts (reference and email by prefix, names by substring).
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool, type SelectQueryBuilder } from 'kysely'
import type { Executor } from '../db/connection.js'
import type { Case, Database } from '../db/schema.js'
import { addDays, isValidDate, type IsoDate } from '../deadlines/calendar-date.js'
import { REQUEST_TYPES } from '../intake/request-types.js'
import type { QueueTeamFilter } from '../routing/queue-teams.js'
import { idIn, parseSearch, QUEUE_SEARCH_MAX, scanCondition, searchIds, SearchTooLongError, type QueueSearch } from './queue-search-repository.js'
import { CASE_STATUSES, OPEN_STATUSES, isCaseStatus, type CaseStatus } from './state-machine.js'

export const QUEUE_PAGE_DEFAULT = 50
export const QUEUE_PAGE_MAX = 200
export { NAME_SEARCH_MIN, QUEUE_SEARCH_MAX } from './queue-search-repository.js'
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

// Which teams' cases a filter or a viewer's scope covers: the teams are routing's (src/routing/queue-teams.ts).
export type { QueueTeamFilter }

export interface QueuePage {
  /** The previous page's nextCursor. */
  cursor?: string | null
  /** 1..200, default 50; larger is cut to 200. */
  size?: number | null
}

/** For tests and the benchmark: force one way of searching (0: always walk and test each row). */
export interface QueueTuning {
  searchIdListMax?: number
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
  search: QueueSearch | null
  sort: QueueSort
  team: QueueTeamFilter | null
  escalated: boolean
  scope: QueueTeamFilter | null
}

const invalid = (field: string, message: string) => new QueueQueryError('invalid_filter', field, message)

function list(v: string | readonly string[] | null | undefined): string[] | null {
  if (v === undefined || v === null) return null
  const xs = (typeof v === 'string' ? [v] : [...v]).filter((x) => x !== '')
  return xs.length ? [...new Set(xs)] : null
}

function search(raw: string | null | undefined): QueueSearch | null {
  try {
    return parseSearch(raw)
  } catch (error) {
    if (error instanceof SearchTooLongError) throw invalid('q', `The search text may be at most ${QUEUE_SEARCH_MAX} characters`)
    throw error
  }
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
  return { statuses, types, assignee, dueRange, search: search(filters.q), sort, team: filters.team ?? null, escalated: filters.escalated === true, scope: filters.scope ?? null }
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

/** How the search applies: by the matching ids (few), or tested on each row of an ordered walk. */
type SearchPlan = { ids: number[] } | { scan: QueueSearch } | null

/** No pause of the clock is open for the case (EDPB 01/2022 §159: only recorded pauses stop it). */
function clockRunning(eb: EB): Expression<SqlBool> {
  return eb.not(eb.exists(eb.selectFrom('case_pauses').select('case_pauses.id').whereRef('case_pauses.case_id', '=', 'cases.id').where('case_pauses.ended_at', 'is', null)))
}

/**
 * The WHERE for the given statuses (every status: no condition); `opaque` stops index use on the
 * filter columns, for reading by id.
 */
function applyFilters(db: Executor, q: Q, n: Normalized, statuses: CaseStatus[], opaque: boolean, search: SearchPlan = null): Q {
  if (statuses.length === 1 && !opaque) q = q.where('status', '=', statuses[0])
  else if (statuses.length < CASE_STATUSES.length) q = q.where(opaque ? opaqueText('status') : sql.ref('status'), 'in', statuses)
  if (n.types) q = n.types.length === 1 ? q.where('type', '=', n.types[0]) : q.where('type', 'in', n.types)
  if (n.assignee.kind === 'none') q = q.where(opaque ? opaqueInt('assignee_id') : sql.ref('assignee_id'), 'is', null)
  if (n.assignee.kind === 'id') q = q.where(opaque ? opaqueInt('assignee_id') : sql.ref('assignee_id'), '=', n.assignee.id)
  if (n.dueRange?.from) q = q.where(opaque ? opaqueText('due_date') : sql.ref('due_date'), '>=', n.dueRange.from)
  if (n.dueRange?.before) q = q.where(opaque ? opaqueText('due_date') : sql.ref('due_date'), '<', n.dueRange.before)
  // A paused case is neither overdue nor due soon.
  if (n.dueRange) q = q.where((eb) => clockRunning(eb as EB))
  if (search && 'ids' in search) q = q.where((eb) => idIn(db, eb as EB, search.ids))
  if (search && 'scan' in search) q = q.where((eb) => scanCondition(db, eb as EB, search.scan))
  for (const f of [n.team, n.scope]) {
    if (!f) continue
    const ids = f.ids.length ? f.ids : [-1]
    const or = f.orAssignee ?? null
    q = q.where((eb) => (or !== null ? eb.or([eb('team_id', 'in', ids), eb('assignee_id', '=', or)]) : eb('team_id', 'in', ids)))
  }
  if (n.escalated) q = q.where('escalated_at', 'is not', null)
  return q
}

/** `after`: rows past the cursor; `before`: rows ahead of a row already on the page (a later branch's bound). */
function applyKeyset(q: Q, sort: QueueSort, after: CursorKey | null, limit: number, before: CursorKey | null = null): Q {
  if (sort === 'due') {
    if (after) q = q.where((eb) => eb(eb.refTuple('due_date', 'id'), '>', eb.tuple(after.key, after.id)))
    if (before) q = q.where((eb) => eb(eb.refTuple('due_date', 'id'), '<', eb.tuple(before.key, before.id)))
    return q.orderBy('due_date', 'asc').orderBy('id', 'asc').limit(limit)
  }
  if (after) q = q.where((eb) => eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(after.key, after.id)))
  if (before) q = q.where((eb) => eb(eb.refTuple('received_at', 'id'), '>', eb.tuple(before.key, before.id)))
  return q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit)
}

/**
 * How listQueue reads a page: one query per group of statuses, each built for a bound (exported,
 * as `queries`, for EXPLAIN in tests and the benchmark); no groups when nothing can match.
 */
export async function planQueue(db: Executor, filters: QueueFilters, page: QueuePage = {}, tuning: QueueTuning = {}) {
  const n = normalize(filters)
  const size = pageSize(page)
  const after = page.cursor ? decodeCursor(page.cursor, n.sort) : null
  const limit = size + 1
  let search: SearchPlan = null
  if (n.search && n.statuses.length) {
    const ids = await searchIds(db, n.search, tuning.searchIdListMax)
    search = ids ? { ids } : { scan: n.search }
  }
  const byIds = search !== null && 'ids' in search
  const nothing = n.statuses.length === 0 || (search !== null && 'ids' in search && search.ids.length === 0)
  // One query per status, each read in index order and stopped by its LIMIT, merged in listQueue:
  // plain statements whose plan neither database's planner can turn into a sort of a whole status.
  const groups = nothing ? [] : byIds || n.statuses.length === 1 || n.statuses.length === CASE_STATUSES.length ? [n.statuses] : n.statuses.map((s) => [s])
  const walk = (statuses: CaseStatus[], before: CursorKey | null) =>
    applyKeyset(applyFilters(db, db.selectFrom('cases').selectAll(), n, statuses, byIds, search), n.sort, after, limit, before)
  // A walk that tests a search finds the page's ids first, from the sort order's index alone (it
  // carries the searched columns, migrations/014), then reads just those rows; listQueue sorts them.
  const query = (statuses: CaseStatus[], before: CursorKey | null = null): Q =>
    search !== null && 'scan' in search ? db.selectFrom('cases').selectAll().where('id', 'in', walk(statuses, before).clearSelect().select('id')) : walk(statuses, before)
  return { n, size, limit, groups, search, query, queries: groups.map((g) => query(g)) }
}

const byDue = (a: Case, b: Case) => (a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : a.id - b.id)
const byReceived = (a: Case, b: Case) => (a.received_at > b.received_at ? -1 : a.received_at < b.received_at ? 1 : b.id - a.id)

/**
 * One page of the queue. Throws QueueQueryError (InvalidCursorError for a bad cursor) on bad
 * input; every row is a full `cases` row.
 */
export async function listQueue(db: Executor, filters: QueueFilters, page: QueuePage = {}, tuning: QueueTuning = {}): Promise<QueueResult> {
  const { n, size, limit, groups, query, search } = await planQueue(db, filters, page, tuning)
  const byWalk = search !== null && 'scan' in search
  const order = n.sort === 'due' ? byDue : byReceived
  const keyOf = (c: Case): CursorKey => ({ sort: n.sort, key: n.sort === 'due' ? c.due_date : c.received_at, id: c.id })
  let rows: Case[] = []
  for (const g of groups) {
    // Once a page is full, a later status only needs rows ahead of its last one: a shorter walk.
    const before = rows.length >= limit ? keyOf(rows[limit - 1]) : null
    rows.push(...((await query(g, before).execute()) as Case[]))
    // Keys are ASCII (ISO dates and timestamps): JavaScript's order is both databases' order.
    if (groups.length > 1 || byWalk) rows = rows.sort(order).slice(0, limit)
  }
  const items = rows.slice(0, size)
  let nextCursor: string | null = null
  if (rows.length > size) nextCursor = encodeCursor(keyOf(items[items.length - 1]))
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
