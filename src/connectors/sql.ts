/**
 * The `sql` connector: a customer database (PostgreSQL, or a SQLite file under DATA_DIR) searched
 * and changed directly. Each table of the config says where the person's address is, what access
 * returns, how erasure treats the rows (delete, or set columns to NULL, or mask them), what
 * rectification may set and how the rows are restricted.
 *
 * Names come from the config, which only admits plain identifiers, and are checked against the
 * live schema before any statement uses them; values always go as parameters. Access runs
 * read-only; a change runs in one transaction for the whole system, so it happens in every table
 * or in none.
 */
import type { ChangePlan, ConnectionCheck, Connector, TaskOutcome, TaskRequest } from './contract.js'
import { openSession, quoteName, type Query, type SqlSession } from './sql-driver.js'

/** The config's shape (src/datamap/model.ts SqlTable), restated so connectors import nothing from the map. */
export interface SqlTableConfig {
  table: string
  emailColumn: string
  access: string[]
  erasure: { strategy: 'delete' | 'null' | 'mask'; columns?: string[] }
  rectify?: string[]
  restrict?: { column: string; value: string | number | boolean }
}

export interface SqlConnectorOptions {
  url: string
  tables: SqlTableConfig[]
  /** The SQLite file (absolute, already checked to lie under DATA_DIR), or null for PostgreSQL. */
  sqliteFile: string | null
  allowPrivate: boolean
}

/** What a masked column is set to. */
export const MASK = '***'

/** The columns a table's config names, each once. */
function namedColumns(t: SqlTableConfig): string[] {
  return [...new Set([t.emailColumn, ...t.access, ...(t.erasure.columns ?? []), ...(t.rectify ?? []), ...(t.restrict ? [t.restrict.column] : [])])]
}

const rowsText = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`

/** One table's change: what it does (for the summary) and the statement that does it. */
interface Step {
  table: string
  description: string
  rows: number
  statement: { text: string; params: unknown[] } | null
}

export function sqlConnector(o: SqlConnectorOptions): Connector {
  async function session<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const s = await openSession(o.url, { sqliteFile: o.sqliteFile, allowPrivate: o.allowPrivate })
    try {
      return await fn(s)
    } finally {
      await s.close().catch(() => {})
    }
  }

  /** Refuses a config naming a table or column the database does not have: no statement is built from such a name. */
  async function checkSchema(s: SqlSession): Promise<ConnectionCheck[]> {
    const checks: ConnectionCheck[] = []
    for (const t of o.tables) {
      const columns = await s.columnsOf(t.table)
      if (!columns) {
        checks.push({ table: t.table, ok: false, message: 'no such table' })
        continue
      }
      const missing = namedColumns(t).filter((c) => !columns.has(c))
      checks.push({ table: t.table, ok: missing.length === 0, message: missing.length ? `no column ${missing.join(', ')}` : `found, with ${namedColumns(t).join(', ')}` })
    }
    return checks
  }

  async function verified(s: SqlSession): Promise<void> {
    const bad = (await checkSchema(s)).filter((c) => !c.ok)
    if (bad.length) throw new Error(`the database does not match the system's config: ${bad.map((c) => `${c.table}: ${c.message}`).join('; ')}`)
  }

  const match = (t: SqlTableConfig) => `lower(${quoteName(t.emailColumn)}) = lower(?)`

  /**
   * The rows an action still has to change: for null and mask, only rows where a column still
   * holds a value, so a second erasure finds nothing left rather than "changing" the same rows.
   */
  function pending(t: SqlTableConfig, action: TaskRequest['action']): { text: string; params: unknown[] } {
    const cols = (t.erasure.columns ?? []).map(quoteName)
    if (action !== 'erasure' || t.erasure.strategy === 'delete' || cols.length === 0) return { text: '', params: [] }
    if (t.erasure.strategy === 'null') return { text: ` and (${cols.map((c) => `${c} is not null`).join(' or ')})`, params: [] }
    return { text: ` and (${cols.map((c) => `(${c} is not null and ${c} <> ?)`).join(' or ')})`, params: cols.map(() => MASK) }
  }

  async function count(q: Query, t: SqlTableConfig, req: TaskRequest): Promise<number> {
    const extra = pending(t, req.action)
    const { rows } = await q.run(`select count(*) as n from ${quoteName(t.table)} where ${match(t)}${extra.text}`, [req.subject.email, ...extra.params])
    return Number(rows[0]?.n ?? 0)
  }

  function setList(columns: string[]): string {
    return columns.map((c) => `${quoteName(c)} = ?`).join(', ')
  }

  /** The steps of a change, counted; `possible` false when the system cannot do it. */
  async function steps(q: Query, req: TaskRequest): Promise<{ steps: Step[]; possible: boolean; why?: string }> {
    const email = req.subject.email
    const out: Step[] = []
    let possible = true
    let why: string | undefined
    const corrections = req.corrections ?? {}
    if (req.action === 'rectification') {
      const settable = new Set(o.tables.flatMap((t) => t.rectify ?? []))
      const unknown = Object.keys(corrections).filter((c) => !settable.has(c))
      if (Object.keys(corrections).length === 0 || unknown.length) {
        possible = false
        why = unknown.length ? `cannot set ${unknown.join(', ')}` : 'no corrections given'
      }
    }
    for (const t of o.tables) {
      const rows = await count(q, t, req)
      if (rows === 0) continue
      const extra = pending(t, req.action)
      const where = `where ${match(t)}${extra.text}`
      const table = quoteName(t.table)
      switch (req.action) {
        case 'erasure': {
          const cols = t.erasure.columns ?? []
          if (t.erasure.strategy === 'delete') out.push({ table: t.table, rows, description: `delete ${rowsText(rows)} from ${t.table}`, statement: { text: `delete from ${table} ${where}`, params: [email] } })
          else {
            const value = t.erasure.strategy === 'null' ? null : MASK
            out.push({ table: t.table, rows, description: `${t.erasure.strategy} ${cols.join(', ')} in ${t.table} (${rowsText(rows)})`, statement: { text: `update ${table} set ${setList(cols)} ${where}`, params: [...cols.map(() => value), email, ...extra.params] } })
          }
          break
        }
        case 'rectification': {
          const cols = (t.rectify ?? []).filter((c) => Object.hasOwn(corrections, c))
          if (cols.length) out.push({ table: t.table, rows, description: `set ${cols.join(', ')} in ${t.table} (${rowsText(rows)})`, statement: { text: `update ${table} set ${setList(cols)} ${where}`, params: [...cols.map((c) => corrections[c]), email] } })
          break
        }
        case 'restriction': {
          if (!t.restrict) {
            possible = false
            why = `${t.table} has no way to restrict`
            out.push({ table: t.table, rows, description: `cannot restrict ${rowsText(rows)} in ${t.table}`, statement: null })
          } else {
            const value = typeof t.restrict.value === 'boolean' && o.sqliteFile !== null ? Number(t.restrict.value) : t.restrict.value
            out.push({ table: t.table, rows, description: `set ${t.restrict.column} = ${JSON.stringify(t.restrict.value)} in ${t.table} (${rowsText(rows)})`, statement: { text: `update ${table} set ${quoteName(t.restrict.column)} = ? ${where}`, params: [value, email] } })
          }
          break
        }
        case 'access':
          break
      }
    }
    return { steps: out, possible, why }
  }

  /** The order changes run in: updates first, then deletes from the last table listed to the first, so rows others refer to go last (list parent tables first). */
  function runOrder(list: Step[]): Step[] {
    const isDelete = (s: Step) => s.description.startsWith('delete')
    return [...list.filter((s) => !isDelete(s)), ...list.filter(isDelete).reverse()]
  }

  function summary(list: Step[], why?: string): string {
    if (why) return why
    return list.length ? list.map((s) => s.description).join('; ') : 'nothing found'
  }

  return {
    test: () => session(checkSchema),

    async plan(req) {
      if (req.action === 'access') return { summary: 'read only', steps: [], possible: true }
      return session(async (s) => {
        await verified(s)
        const planned = await s.read((q) => steps(q, req))
        return { summary: summary(planned.steps, planned.why), steps: planned.steps.map(({ table, description, rows }) => ({ table, description, rows })), possible: planned.possible } satisfies ChangePlan
      })
    },

    async run(req): Promise<TaskOutcome> {
      return session(async (s) => {
        await verified(s)
        if (req.action === 'access') {
          const records = await s.read(async (q) => {
            const found: Record<string, unknown[]> = {}
            for (const t of o.tables) {
              const { rows } = await q.run(`select ${t.access.map(quoteName).join(', ')} from ${quoteName(t.table)} where ${match(t)}`, [req.subject.email])
              if (rows.length) found[t.table] = rows
            }
            return found
          })
          return { kind: 'done', status: Object.keys(records).length ? 'completed' : 'not_found', records }
        }
        return s.write(async (q) => {
          const planned = await steps(q, req)
          if (!planned.possible) return { kind: 'done', status: 'failed', message: summary(planned.steps, planned.why) } satisfies TaskOutcome
          const rows: Record<string, number> = {}
          for (const step of runOrder(planned.steps)) {
            if (step.statement) rows[step.table] = (rows[step.table] ?? 0) + (await q.run(step.statement.text, step.statement.params)).count
          }
          const total = Object.values(rows).reduce((a, b) => a + b, 0)
          return { kind: 'done', status: total ? 'completed' : 'not_found', rows, message: summary(planned.steps) } satisfies TaskOutcome
        })
      })
    },
  }
}
