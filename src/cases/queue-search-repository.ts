/**
 * The queue's search text: what it means, and the two ways of applying it (issue 16).
 *
 * Meaning (unchanged): a reference (`DSR-2026-0001`, `dsr-2026`, `2026-000123`) by prefix; text
 * with '@' by email prefix (email_key is lower-cased, so any case matches); other text by email
 * prefix or, from 3 characters, by a substring of the name with the case of every letter folded
 * (Å and å, Ö and ö) on both databases.
 *
 * Why two ways: the cost of a search depends on how many cases match, not on the query's length.
 *  - Few matches (up to SEARCH_ID_LIST_MAX): their ids come from the matching index (reference,
 *    email_key, or the name trigram index of migrations/013), and the page is read by primary key
 *    and sorted: at most that many rows read, whatever the filters.
 *  - Many matches ("ber", "and", "dsr", a frequent first name): reading and sorting all of them
 *    is what made such a search take half a second at 100k cases. Instead the caller walks the
 *    index of the sort order and tests each row (`scanCondition`); since at least 1 case in
 *    (cases / SEARCH_ID_LIST_MAX) matches, a page is filled after a bounded walk and LIMIT stops it.
 * The id lists are fetched with LIMIT too, so telling the two apart costs at most
 * SEARCH_ID_LIST_MAX + 1 index entries. Both ways give the same rows (test/cases/name-search).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import { isPostgres, type Executor } from '../db/connection.js'
import type { Database } from '../db/schema.js'

export const QUEUE_SEARCH_MAX = 200
/** A name substring needs at least this many characters (shorter text searches references and emails only). */
export const NAME_SEARCH_MIN = 3
/**
 * Up to this many matching cases, the search's ids drive the query; above, the sort order's index
 * does. Chosen by bench/queue.ts at 1,000,000 cases: reading this many rows by id costs about as
 * much as the longest walk it saves (page × cases / matches rows).
 */
export const SEARCH_ID_LIST_MAX = 4000

export type QueueSearch =
  | { kind: 'reference'; lo: string; hi: string }
  | { kind: 'email'; lo: string; hi: string }
  | { kind: 'text'; lo: string; hi: string; name: NameSearch | null }

interface NameSearch {
  /** FTS5 query: the text as one phrase, so its trigrams must follow each other (a substring). */
  phrase: string
  /** PostgreSQL LIKE pattern on lower(name), served by the pg_trgm index. */
  lowerLike: string
  /** The text in lower case, for strpos() on PostgreSQL. */
  lower: string
  /** SQLite GLOB pattern: each letter as a class of its cases ([lL][öÖ]...), since LIKE folds ASCII only. */
  glob: string
}

export class SearchTooLongError extends Error {}

/** The smallest string greater than every string starting with `prefix` (binary order). */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1)
  return prefix.slice(0, -1) + String.fromCharCode(last + 1)
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c)

function globClass(ch: string): string {
  if (ch === '*' || ch === '?' || ch === '[') return `[${ch}]`
  const variants = new Set([ch, ch.toLowerCase(), ch.toUpperCase()].filter((v) => [...v].length === 1))
  if (variants.size === 1) return ch
  // ']' cannot be a letter, so a class of letters needs no escaping.
  return `[${[...variants].join('')}]`
}

function nameSearch(q: string): NameSearch {
  const lower = q.toLocaleLowerCase('sv')
  return { phrase: '"' + q.replace(/"/g, '""') + '"', lowerLike: '%' + escapeLike(lower) + '%', lower, glob: '*' + [...q].map(globClass).join('') + '*' }
}

/** null for no search; throws SearchTooLongError past QUEUE_SEARCH_MAX characters. */
export function parseSearch(raw: string | null | undefined): QueueSearch | null {
  if (raw === undefined || raw === null) return null
  const q = raw.trim().replace(/\s+/g, ' ')
  if (q === '') return null
  if (q.length > QUEUE_SEARCH_MAX) throw new SearchTooLongError()
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
  return { kind: 'text', lo: lower, hi: prefixEnd(lower), name: [...q].length >= NAME_SEARCH_MIN ? nameSearch(q) : null }
}

type EB = ExpressionBuilder<Database, 'cases'>

/**
 * The ids of every matching case when there are at most SEARCH_ID_LIST_MAX of them, else null.
 * Each list is read from its own index with LIMIT, so a common text costs no more than a rare one.
 */
export async function searchIds(db: Executor, s: QueueSearch, max = SEARCH_ID_LIST_MAX): Promise<number[] | null> {
  const cap = max + 1
  const col = s.kind === 'reference' ? 'reference' : 'email_key'
  const ids = new Set((await db.selectFrom('cases').select('id').where(col, '>=', s.lo).where(col, '<', s.hi).limit(cap).execute()).map((r) => r.id))
  if (ids.size > max) return null
  if (s.kind === 'text' && s.name) {
    const byName = isPostgres(db) ? await pgNameIds(db, s.name, cap) : (await sql<{ id: number }>`select rowid as id from cases_name_fts where cases_name_fts match ${s.name.phrase} limit ${cap}`.execute(db)).rows
    if (byName === null) return null
    for (const r of byName) ids.add(Number(r.id))
    if (ids.size > max) return null
  }
  return [...ids]
}

/**
 * pg_trgm's GIN index first builds a bitmap of every candidate row, so the LIMIT saves nothing for
 * a common text ('%ber%': 200,000 rows, some 50 ms at 1M cases). The planner's estimate (from its
 * sample of names) tells a common text apart for a fraction of a millisecond; null: many matches.
 */
async function pgNameIds(db: Executor, name: NameSearch, cap: number): Promise<Array<{ id: number }> | null> {
  const query = db.selectFrom('cases').select('id').where(sql<SqlBool>`lower(${sql.ref('name')}) like ${name.lowerLike} escape '\\'`)
  const compiled = query.compile()
  const plan = await db.executeQuery<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>({ ...compiled, sql: 'explain (format json) ' + compiled.sql })
  const estimate = plan.rows[0]?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0
  if (estimate > PG_ESTIMATE_FACTOR * cap) return null
  return query.limit(cap).execute()
}

/** The estimate is a sample's: a text estimated at up to this many times the id list is still fetched. */
const PG_ESTIMATE_FACTOR = 2

/** `id` is one of `ids`, as one bound parameter (a stable statement, no limit on parameters). */
export function idIn(db: Executor, eb: EB, ids: number[]): Expression<SqlBool> {
  if (isPostgres(db)) return sql<SqlBool>`${eb.ref('id')} = any(${ids}::integer[])`
  return eb('id', 'in', sql<number>`(select value from json_each(${JSON.stringify(ids)}))`)
}

/** `col || ''`: the same text, but no index can serve it, so the walk stays on the sort order's index. */
const opaque = (col: 'reference' | 'email_key') => sql<string>`(${sql.ref(col)} || '')`

/** The search tested on each row, for walking another index: the same matches as searchIds. */
export function scanCondition(db: Executor, eb: EB, s: QueueSearch): Expression<SqlBool> {
  const col = opaque(s.kind === 'reference' ? 'reference' : 'email_key')
  const prefix = eb.and([eb(col, '>=', s.lo), eb(col, '<', s.hi)])
  if (s.kind !== 'text' || !s.name) return prefix
  const name = isPostgres(db) ? sql<SqlBool>`strpos(lower(${eb.ref('name')}), ${s.name.lower}) > 0` : sql<SqlBool>`${eb.ref('name')} glob ${s.name.glob}`
  return eb.or([prefix, name])
}
