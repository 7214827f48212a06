import { createQueryId, type Compilable, type CompiledQuery, type QueryResult } from 'kysely'
import type { Executor } from './connection.js'

/** Stands for a value while a query is compiled; each run puts the real value in its place. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled<R> {
  query: CompiledQuery<R>
  /** Per parameter: the name of the value to put there, or the constant the query was built with. */
  order: Array<Slot | { constant: unknown }>
}

/**
 * A query built and compiled by Kysely once per database (dialect) and then run with new values.
 * On the public's busiest path (a submission runs about six statements) building and compiling
 * each query cost more than SQLite took to run it. `build` receives stand-ins for the
 * parameters; any other value it uses is a constant of the query. The query's shape must not
 * depend on the values (no optional columns, no lists of varying length).
 */
export function prepared<P extends Record<string, unknown>, R>(build: (db: Executor, p: P) => Compilable<R>): (db: Executor, params: P) => Promise<QueryResult<R>> {
  const byAdapter = new WeakMap<object, Compiled<R>>()
  return async (db, params) => {
    const adapter = db.getExecutor().adapter
    let compiled = byAdapter.get(adapter)
    if (!compiled) {
      const read = new Set<string>()
      const slots = new Proxy(
        {},
        {
          get: (_target, name) => {
            read.add(String(name))
            return new Slot(String(name))
          },
        },
      ) as P
      const query = build(db, slots).compile()
      const order = query.parameters.map((value) => (value instanceof Slot ? value : { constant: value }))
      // Each stand-in must come out of Kysely as a parameter of its own: if one were copied, turned
      // into SQL text or dropped (another Kysely version), every run would reuse the first run's
      // shape or value. That fails here, loudly, instead of writing wrong rows.
      const placed = new Set(order.flatMap((o) => (o instanceof Slot ? [o.name] : [])))
      const lost = [...read].filter((name) => !placed.has(name))
      if (lost.length > 0) throw new Error(`prepared query: ${lost.join(', ')} did not become parameters of the compiled query`)
      compiled = { query, order }
      byAdapter.set(adapter, compiled)
    }
    const { query, order } = compiled
    return db.executeQuery<R>({ ...query, queryId: createQueryId(), parameters: order.map((o) => (o instanceof Slot ? (params[o.name] ?? null) : o.constant)) })
  }
}
