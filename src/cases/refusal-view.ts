import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { answeredLate, evidenceIds, MAX_EVIDENCE, unknownCases } from './refusal.js'
import { ANSWERED_STATUSES } from './state-machine.js'
import { caseReferencesByIds, casesByReferences } from './repository.js'

/**
 * The case page's refuse form takes earlier cases as references (DSR-2026-000012) or ids, the way
 * handlers see them; unknown ones are refused by name. Existence is checked again by the service.
 */
export async function evidenceFromForm(db: Executor, raw: string): Promise<number[] | null> {
  const tokens = raw.split(/[\s,;]+/).map((x) => x.trim().toUpperCase()).filter(Boolean)
  if (tokens.length === 0) return null
  if (tokens.length > MAX_EVIDENCE) return tokens.map(() => 0)
  const ids = tokens.filter((x) => /^\d{1,12}$/.test(x)).map(Number)
  const refs = tokens.filter((x) => !/^\d{1,12}$/.test(x))
  const found = await casesByReferences(db, refs)
  const byRef = new Map(found.map((r) => [r.reference, r.id]))
  const unknown = refs.filter((r) => !byRef.has(r))
  if (unknown.length) throw unknownCases(unknown.map((r) => r.slice(0, 40)))
  return [...ids, ...refs.map((r) => byRef.get(r)!)]
}

/** What the case page shows about a refusal: the reason, the linked cases and whether it came late. */
export async function refusalView(db: Executor, c: Case, dueDate: string) {
  const ids = evidenceIds(c)
  const linked = await caseReferencesByIds(db, ids)
  const closedDate = c.closed_at ? stockholmDate(c.closed_at) : null
  return {
    refusalReason: c.refusal_reason,
    partialRefusalReason: c.partial_refusal_reason,
    evidence: ids.map((id) => ({ id, reference: linked.find((l) => l.id === id)?.reference ?? `#${id}` })),
    answeredDate: closedDate,
    late: answeredLate(c.status, closedDate, dueDate),
    answered: closedDate !== null && (ANSWERED_STATUSES as readonly string[]).includes(c.status),
  }
}
