import { sql } from 'kysely'
import t from 'tap'
import {
  planQueue,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  listQueue,
  queueCounts,
  QueueQueryError,
  type QueueFilters,
  type QueueTuning,
} from '../../src/cases/queue-repository.js'
import type { Db } from '../../src/db/connection.js'
import type { Case } from '../../src/db/schema.js'
import { seedDatabase } from '../../scripts/seed.js'
import { skipOnPostgres, testDb } from '../helpers/db.js'

const NOW = new Date('2026-11-25T10:00:00.000Z')
const TODAY = '2026-11-25'
const ALL = ['new', 'in_progress', 'awaiting_requester', 'completed', 'rejected', 'withdrawn', 'forwarded', 'refused_excessive']
const OPEN = ['new', 'in_progress', 'awaiting_requester']
const TYPES = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'withdraw_consent', 'unsubscribe']

let db: Db
let all: Case[]
let staffIds: number[]
/** Cases with a pause of the clock running (the seed pauses its awaiting_requester cases). */
let paused: Set<number>

function plusDays(date: string, n: number): string {
  const d = new Date(date + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** Hand-made cases at the edges the generator may not hit. */
async function addEdgeCases(db: Db, handler: number): Promise<void> {
  const base = {
    type: 'erasure', email: 'Edge@Example.test', email_key: 'edge@example.test', relationship: null, consent_kind: null, details: null,
    incorrect_value: null, correct_value: null, lang: 'sv', channel: 'web', received_at: '2026-10-01T08:00:00.000Z', verified_at: null,
    extended: 0, extension_reason: null, closed_at: null, created_at: '2026-10-01T08:00:00.000Z', updated_at: '2026-10-01T08:00:00.000Z',
  }
  const rows = [
    { reference: 'DSR-2026-900001', status: 'in_progress', due_date: plusDays(TODAY, -1), name: 'ÅSA ÖBERG', assignee_id: handler },
    { reference: 'DSR-2026-900002', status: 'awaiting_requester', due_date: plusDays(TODAY, -10), name: 'Åsa Öberg', assignee_id: null },
    { reference: 'DSR-2026-900003', status: 'new', due_date: TODAY, name: '100% Test_Person', assignee_id: null },
    { reference: 'DSR-2026-900004', status: 'in_progress', due_date: plusDays(TODAY, 7), name: 'Zoë Ångström', assignee_id: handler },
    { reference: 'DSR-2026-900005', status: 'in_progress', due_date: plusDays(TODAY, 8), name: 'Ebba Ek', assignee_id: handler },
    { reference: 'DSR-2026-900006', status: 'new', due_date: plusDays(TODAY, 3), name: null, assignee_id: null },
    { reference: 'DSR-2026-900007', status: 'completed', due_date: plusDays(TODAY, -40), name: 'Märta Öberg', assignee_id: handler },
    { reference: 'DSR-2026-900008', status: 'forwarded', due_date: plusDays(TODAY, -20), name: 'Fia Forward', assignee_id: handler },
    { reference: 'DSR-2026-900010', status: 'refused_excessive', due_date: plusDays(TODAY, -15), name: 'Ulf Upprepad', assignee_id: handler },
    { reference: 'DSR-2026-900009', status: 'awaiting_requester', due_date: plusDays(TODAY, -2), name: 'Paul Paus', assignee_id: null },
    { reference: 'DSR-2026-900011', status: 'new', due_date: plusDays(TODAY, 30), name: 'NILS LÖVGREN', assignee_id: null },
  ]
  // Ties on the sort keys, to check that the id breaks them.
  for (let i = 0; i < 5; i++) rows.push({ reference: `DSR-2026-9001${i}0`, status: 'new', due_date: plusDays(TODAY, 5), name: 'Tie Case', assignee_id: null })
  await db.insertInto('cases').values(rows.map((r) => ({ ...base, ...r }))).execute()
  // 900002 waits for an answer with the clock running (a plain question); 900009 with it stopped.
  const stopped = await db.selectFrom('cases').select('id').where('reference', '=', 'DSR-2026-900009').executeTakeFirstOrThrow()
  await db.insertInto('case_pauses').values({ case_id: stopped.id, reason: 'identity', started_at: '2026-11-01T08:00:00.000Z', ended_at: null, message_id: null }).execute()
}

t.before(async () => {
  db = await testDb(t)
  const seeded = await seedDatabase(db, { cases: 400, staff: 3, now: NOW, seed: 7 })
  staffIds = seeded.staffIds
  await addEdgeCases(db, staffIds[1])
  all = await db.selectFrom('cases').selectAll().execute()
  paused = new Set((await db.selectFrom('case_pauses').select('case_id').where('ended_at', 'is', null).execute()).map((r) => r.case_id))
})

// ─── An independent oracle ──────────────────────────────────────────────────────────────────

function expected(f: QueueFilters & { me?: number }): Case[] {
  const statuses = f.status ? ([] as string[]).concat(f.status as string | string[]) : OPEN
  let rows = all.filter((c) => statuses.includes(c.status))
  // EDPB 01/2022 §159: only a recorded pause stops the clock.
  if (f.due) rows = rows.filter((c) => !paused.has(c.id))
  if (f.type) {
    const types = ([] as string[]).concat(f.type as string | string[])
    rows = rows.filter((c) => types.includes(c.type))
  }
  if (f.assignee === 'unassigned') rows = rows.filter((c) => c.assignee_id === null)
  else if (f.assignee === 'me') rows = rows.filter((c) => c.assignee_id === f.me)
  else if (typeof f.assignee === 'number') rows = rows.filter((c) => c.assignee_id === f.assignee)
  if (f.due === 'overdue') rows = rows.filter((c) => c.due_date < TODAY)
  if (f.due === 'week') rows = rows.filter((c) => c.due_date >= TODAY && c.due_date <= plusDays(TODAY, 7))
  if (f.q) {
    const q = f.q.trim()
    if (/^dsr/i.test(q)) rows = rows.filter((c) => c.reference.startsWith(q.toUpperCase()))
    else if (/^\d{4}-\d+$/.test(q)) rows = rows.filter((c) => c.reference.startsWith('DSR-' + q))
    else if (q.includes('@')) rows = rows.filter((c) => c.email_key.startsWith(q.toLowerCase()))
    else {
      const lower = q.toLocaleLowerCase('sv')
      rows = rows.filter((c) => c.email_key.startsWith(q.toLowerCase()) || (q.length >= 3 && (c.name ?? '').toLocaleLowerCase('sv').includes(lower)))
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return f.sort === 'received'
    ? rows.sort((a, b) => cmp(b.received_at, a.received_at) || b.id - a.id)
    : rows.sort((a, b) => cmp(a.due_date, b.due_date) || a.id - b.id)
}

/** Searches read by id when few cases match, else walk the sort order testing each row: both ways are checked. */
const SEARCH_WAYS = [
  ['by id', {}],
  ['by walk', { searchIdListMax: 0 }],
] as const
let tuning: QueueTuning = {}

async function walk(f: QueueFilters, size: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page = await listQueue(db, f, { cursor, size }, tuning)
    pages++
    t.ok(page.items.length <= size)
    if (page.nextCursor) t.equal(page.items.length, size, 'only the last page is short')
    ids.push(...page.items.map((c) => c.id))
    cursor = page.nextCursor
    if (pages > 1000) throw new Error('cursor loop')
  } while (cursor)
  return { ids, pages }
}

// ─── Lists ──────────────────────────────────────────────────────────────────────────────────

t.test('the data covers what the filters need', async (t) => {
  for (const s of ALL) t.ok(all.some((c) => c.status === s), `some ${s}`)
  for (const ty of TYPES) t.ok(all.some((c) => c.type === ty), `some ${ty}`)
  t.ok(expected({ due: 'overdue' }).length >= 2, 'overdue cases')
  t.ok(expected({ due: 'week' }).length >= 3, 'cases due this week')
  t.ok(all.filter((c) => c.assignee_id === null && OPEN.includes(c.status)).length > 5, 'unassigned open cases')
})

const FILTERS: Array<[string, QueueFilters]> = [
  ['default (open)', {}],
  ...ALL.map((s): [string, QueueFilters] => [`status ${s}`, { status: s }]),
  ['all statuses', { status: ALL }],
  ['closed', { status: ['completed', 'rejected', 'withdrawn'] }],
  ...TYPES.map((ty): [string, QueueFilters] => [`type ${ty}`, { type: ty }]),
  ['types unsubscribe+withdraw_consent, all statuses', { type: ['unsubscribe', 'withdraw_consent'], status: ALL }],
  ['unassigned', { assignee: 'unassigned' }],
  ['anyone', { assignee: 'anyone' }],
  ['a staff id', { assignee: 0 }],
  ['me', { assignee: 'me', me: 0 }],
  ['me, all statuses', { assignee: 'me', me: 0, status: ALL }],
  ['overdue', { due: 'overdue', today: TODAY }],
  ['overdue, all statuses', { due: 'overdue', today: TODAY, status: ALL }],
  ['due this week', { due: 'week', today: TODAY }],
  ['in_progress + erasure + week', { status: 'in_progress', type: 'erasure', due: 'week', today: TODAY }],
  ['q full reference', { q: 'DSR-2026-900003', status: ALL }],
  ['q reference prefix', { q: 'DSR-2026-00001', status: ALL }],
  ['q reference lower case', { q: 'dsr-2025', status: ALL }],
  ['q year-number', { q: '2026-9000', status: ALL }],
  ['q email exact, typed in capitals', { q: 'EDGE@example.TEST', status: ALL }],
  ['q email prefix with @', { q: 'edge@', status: ALL }],
  ['q text: email prefix or name', { q: 'anna', status: ALL }],
  ['q name substring', { q: 'berg', status: ALL }],
  ['q name substring, open only', { q: 'berg' }],
  ['q name, Swedish letter lower case', { q: 'åsa', status: ALL }],
  ['q name, Swedish letters in capitals', { q: 'ÖBERG', status: ALL }],
  ['q name mid-word', { q: 'ström', status: ALL }],
  ['q two characters: email only', { q: 'ek', status: ALL }],
  ['q with % is literal', { q: '100%', status: ALL }],
  ['q with _ is literal', { q: 't_p', status: ALL }],
  ['q + assignee + type', { q: 'son', assignee: 0, type: ['erasure', 'access'], status: ALL }],
  ['q + due', { q: 'edge@example.test', due: 'week', today: TODAY, status: ALL }],
]

for (const [way, ways] of SEARCH_WAYS) for (const sort of ['due', 'received'] as const) {
  t.test(`every filter, sorted by ${sort}, searching ${way}: walking all pages gives each match once, in order`, async (t) => {
    tuning = ways
    t.teardown(() => void (tuning = {}))
    for (const [name, raw] of FILTERS) {
      const f: QueueFilters = { ...raw, sort }
      if (f.assignee === 0) f.assignee = staffIds[1]
      if (f.me === 0) f.me = staffIds[1]
      const want = expected(f as QueueFilters & { me?: number }).map((c) => c.id)
      const got = await walk(f, 7)
      t.same(got.ids, want, `${name}: ${want.length} cases`)
      t.equal(new Set(got.ids).size, got.ids.length, `${name}: no duplicates`)
      t.equal(got.pages, Math.max(1, Math.ceil(want.length / 7)), `${name}: page count`)
    }
  })
}

for (const [way, ways] of SEARCH_WAYS) t.test(`the edges of the due and search filters, searching ${way}`, async (t) => {
  tuning = ways
  t.teardown(() => void (tuning = {}))
  const refs = async (f: QueueFilters) => {
    const ids = new Set((await walk({ status: ALL, ...f }, 200)).ids)
    return all.filter((c) => ids.has(c.id) && c.reference.startsWith('DSR-2026-9')).map((c) => c.reference).sort()
  }
  const overdue = await refs({ due: 'overdue', today: TODAY })
  t.ok(overdue.includes('DSR-2026-900001'), 'due yesterday is overdue')
  t.ok(overdue.includes('DSR-2026-900002'), 'EDPB 01/2022 §159: awaiting the requester without a recorded pause is overdue: the clock runs')
  t.notOk(overdue.includes('DSR-2026-900009'), 'EDPB 01/2022 §159: awaiting the requester with a pause running is not overdue')
  t.ok(overdue.includes('DSR-2026-900007'), 'a closed case is listed only when closed statuses are asked for')
  t.notOk((await walk({ due: 'overdue', today: TODAY }, 200)).ids.includes(all.find((c) => c.reference === 'DSR-2026-900007')!.id))
  const week = await refs({ due: 'week', today: TODAY })
  t.ok(week.includes('DSR-2026-900003'), 'due today is in the week')
  t.ok(week.includes('DSR-2026-900004'), 'due today + 7 is in the week')
  t.notOk(week.includes('DSR-2026-900005'), 'due today + 8 is not')
  t.same(await refs({ q: 'åsa' }), ['DSR-2026-900001', 'DSR-2026-900002'], 'åsa finds Åsa and ÅSA')
  t.same(await refs({ q: 'ÖBERG' }), ['DSR-2026-900001', 'DSR-2026-900002', 'DSR-2026-900007'])
  t.same(await refs({ q: 'ström' }), ['DSR-2026-900004'], 'mid-word, in Ångström')
  t.same(await refs({ q: '100%' }), ['DSR-2026-900003'])
  t.same(await refs({ q: '  DSR-2026-900003  ' }), ['DSR-2026-900003'], 'spaces around the search are ignored')
  const awaitingOverdue = await listQueue(db, { status: 'awaiting_requester', due: 'overdue', today: TODAY })
  t.same(awaitingOverdue.items.map((c) => c.reference), ['DSR-2026-900002'], 'only the waiting case whose clock runs')
  t.same(await refs({ q: 'lövgren' }), ['DSR-2026-900011'], 'every letter folds, not only ASCII and the first of a word (ö in LÖVGREN)')
  t.same(await refs({ q: 'xqz' }), [], 'no match')
  t.same(await refs({ q: 'a "b' }), [], 'a quote in the text is text')
})

t.test('page sizes', async (t) => {
  const first = await listQueue(db, {})
  t.equal(first.items.length, Math.min(50, expected({}).length), 'default 50')
  const big = await listQueue(db, { status: ALL }, { size: 1000 })
  t.equal(big.items.length, 200, 'at most 200')
  t.ok(big.nextCursor)
  for (const size of [0, -1, 2.5, Number.NaN]) {
    await t.rejects(listQueue(db, {}, { size }), { name: 'QueueQueryError', code: 'invalid_filter', field: 'size' }, `size ${size}`)
  }
})

t.test('a bad cursor is a typed error, not a crash', async (t) => {
  const { nextCursor } = await listQueue(db, { status: ALL }, { size: 5 })
  t.ok(nextCursor)
  const bad = [
    'not a cursor!',
    '',
    'x'.repeat(300),
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('["d","2026-01-01"]').toString('base64url'),
    Buffer.from('["d","2026-01-01",-4]').toString('base64url'),
    Buffer.from('["d","2026-01-01",1.5]').toString('base64url'),
    Buffer.from("[\"d\",\"2026-01-01' or 1=1 --\",4]").toString('base64url'),
    Buffer.from('["r","2026-01-01T00:00:00.000Z",4]').toString('base64url'),
    nextCursor!.slice(0, -3),
  ]
  for (const cursor of bad) {
    const error = await listQueue(db, { status: ALL }, { cursor, size: 5 }).then(
      () => null,
      (e: unknown) => e,
    )
    if (cursor === '') {
      t.equal(error, null, 'an empty cursor means the first page')
      continue
    }
    t.ok(error instanceof InvalidCursorError, `rejected: ${cursor.slice(0, 30)}`)
    t.ok(error instanceof QueueQueryError)
    t.match(error, { code: 'invalid_cursor', field: 'cursor' })
  }
  await t.rejects(listQueue(db, { status: ALL, sort: 'received' }, { cursor: nextCursor, size: 5 }), InvalidCursorError, 'a due cursor on the received sort')
  t.same(decodeCursor(encodeCursor({ sort: 'received', key: '2026-01-01T00:00:00.000Z', id: 9 }), 'received'), { sort: 'received', key: '2026-01-01T00:00:00.000Z', id: 9 })
})

t.test('bad filters are typed errors', async (t) => {
  const cases: Array<[QueueFilters, string]> = [
    [{ status: 'open' }, 'status'],
    [{ status: ['new', 'closed'] }, 'status'],
    [{ type: 'delete_everything' }, 'type'],
    [{ assignee: 'me' }, 'assignee'],
    [{ assignee: -3 }, 'assignee'],
    [{ assignee: 'someone' as never }, 'assignee'],
    [{ due: 'overdue' }, 'today'],
    [{ due: 'week', today: '2026-02-30' }, 'today'],
    [{ due: 'soon' as never, today: TODAY }, 'due'],
    [{ sort: 'name' as never }, 'sort'],
    [{ q: 'x'.repeat(201) }, 'q'],
  ]
  for (const [f, field] of cases) await t.rejects(listQueue(db, f), { name: 'QueueQueryError', code: 'invalid_filter', field }, JSON.stringify(f).slice(0, 60))
})

t.test('counts', async (t) => {
  const check = async (name: string, filters: Parameters<typeof queueCounts>[2], pick: (c: Case) => boolean) => {
    const rows = all.filter(pick)
    const got = await queueCounts(db, TODAY, filters)
    const statuses = filters?.includeClosed ? ALL : OPEN
    const byStatus: Record<string, number> = {}
    for (const s of statuses) byStatus[s] = rows.filter((c) => c.status === s).length
    t.same(got.byStatus, byStatus, `${name}: per status`)
    t.equal(got.open, rows.filter((c) => OPEN.includes(c.status)).length, `${name}: open`)
    const running = rows.filter((c) => OPEN.includes(c.status) && !paused.has(c.id))
    t.equal(got.overdue, running.filter((c) => c.due_date < TODAY).length, `${name}: overdue`)
    t.equal(got.dueThisWeek, running.filter((c) => c.due_date >= TODAY && c.due_date <= plusDays(TODAY, 7)).length, `${name}: due this week`)
    return got
  }
  const plain = await check('no filters', {}, () => true)
  t.ok(plain.overdue > 0 && plain.dueThisWeek > 0, 'the data has overdue and soon-due cases')
  await check('with closed', { includeClosed: true }, () => true)
  await check('type', { type: 'erasure', includeClosed: true }, (c) => c.type === 'erasure')
  await check('assignee', { assignee: staffIds[1] }, (c) => c.assignee_id === staffIds[1])
  await check('me', { assignee: 'me', me: staffIds[0] }, (c) => c.assignee_id === staffIds[0])
  await check('unassigned', { assignee: 'unassigned', includeClosed: true }, (c) => c.assignee_id === null)
  await t.rejects(queueCounts(db, 'yesterday'), QueueQueryError)
})

t.test('typical pages read an index in order instead of sorting the table', skipOnPostgres('reads SQLite\'s EXPLAIN QUERY PLAN'), async (t) => {
  const plans: Array<[string, QueueFilters & QueueTuning, RegExp[]]> = [
    ['first page by due', {}, [/cases_status_due_idx \(status=\?\)/]],
    ['filtered page', { status: 'in_progress', type: 'erasure', due: 'week', today: TODAY }, [/cases_status_due_idx \(status=\? AND due_date>\? AND due_date<\?\)/]],
    ['my cases', { assignee: 'me', me: 1 }, [/cases_assignee_status_due_idx \(assignee_id=\? AND status=\?\)/]],
    ['unassigned', { assignee: 'unassigned' }, [/cases_assignee_status_due_idx \(assignee_id=\? AND status=\?\)/]],
    ['newest first', { sort: 'received' }, [/cases_status_received_idx \(status=\?\)/]],
    ['a closed tab newest first', { sort: 'received', status: 'completed' }, [/cases_status_received_idx \(status=\?\)/]],
    // Few matches: read by id, whatever the other filters.
    ['email search over everything', { q: 'edge@example', status: ALL }, [/INTEGER PRIMARY KEY \(rowid=\?\)/, /json_each/]],
    ['reference search over everything', { q: 'DSR-2026-0001', status: ALL }, [/INTEGER PRIMARY KEY \(rowid=\?\)/]],
    ['name search over everything', { q: 'berg', status: ALL }, [/INTEGER PRIMARY KEY \(rowid=\?\)/]],
    ['name search in the open tabs', { q: 'berg' }, [/INTEGER PRIMARY KEY \(rowid=\?\)/]],
    // Many matches: the sort order's index, each entry tested without reading the table (it
    // carries the searched columns, migrations/014); then only the page's rows, by id.
    ['a common text over everything', { q: 'son', status: ALL, searchIdListMax: 0 }, [/SCAN cases USING COVERING INDEX cases_due_idx/, /INTEGER PRIMARY KEY \(rowid=\?\)/]],
    ['a common text in the open tabs', { q: 'son', searchIdListMax: 0 }, [/COVERING INDEX cases_status_due_idx \(status=\?\)/, /INTEGER PRIMARY KEY \(rowid=\?\)/]],
  ]
  for (const [name, { searchIdListMax, ...f }, patterns] of plans) {
    const { queries } = await planQueue(db, f, { cursor: null }, { searchIdListMax })
    const lines: string[] = []
    for (const q of queries) {
      const c = q.compile()
      const rows = (await db.executeQuery({ ...c, sql: 'explain query plan ' + c.sql })).rows as Array<{ detail: string }>
      lines.push(...rows.map((r) => r.detail))
    }
    const plan = lines.join(' | ')
    for (const p of patterns) t.match(plan, p, `${name}: ${plan}`)
    t.notMatch(plan, /SCAN cases\b(?! USING)/, `${name}: no full table scan`)
  }
  // And the cursor's row-value comparison narrows the index range.
  const { nextCursor } = await listQueue(db, { status: 'in_progress' }, { size: 3 })
  const c = (await planQueue(db, { status: 'in_progress' }, { cursor: nextCursor })).queries[0].compile()
  const plan = ((await db.executeQuery({ ...c, sql: 'explain query plan ' + c.sql })).rows as Array<{ detail: string }>).map((r) => r.detail).join(' | ')
  t.match(plan, /cases_status_due_idx \(status=\? AND due_date>\?\)/)
  t.notMatch(plan, /TEMP B-TREE/, 'a single status page is not sorted at all')
  void sql
})
