import type { Executor } from '../db/connection.js'
import type { Case, NewCase } from '../db/schema.js'

/** The next number of a named sequence; the upsert makes it safe when two instances ask at once. */
export async function nextCounter(db: Executor, name: string): Promise<number> {
  const row = await db
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return Number(row.value)
}

export function formatReference(year: number, n: number): string {
  return `DSR-${year}-${String(n).padStart(6, '0')}`
}

export async function insertCase(db: Executor, values: Omit<NewCase, 'reference'>, year: number): Promise<Case> {
  const reference = formatReference(year, await nextCounter(db, `case_reference_${year}`))
  return db.insertInto('cases').values({ ...values, reference }).returningAll().executeTakeFirstOrThrow()
}

export async function findCaseById(db: Executor, id: number): Promise<Case | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findCaseByStatusTokenHash(db: Executor, hash: string): Promise<Case | undefined> {
  return db
    .selectFrom('case_access_tokens')
    .innerJoin('cases', 'cases.id', 'case_access_tokens.case_id')
    .selectAll('cases')
    .where('case_access_tokens.token_hash', '=', hash)
    .executeTakeFirst()
}

export async function insertAccessToken(db: Executor, caseId: number, tokenHash: string, at: string): Promise<void> {
  await db.insertInto('case_access_tokens').values({ case_id: caseId, token_hash: tokenHash, created_at: at }).execute()
}

export interface EventInput {
  caseId: number
  kind: string
  actor: { type: 'requester' | 'staff' | 'system'; id?: number | null }
  data?: Record<string, unknown> | null
  at: Date | string
}

export async function addCaseEvent(db: Executor, e: EventInput): Promise<void> {
  await db
    .insertInto('case_events')
    .values({
      case_id: e.caseId,
      kind: e.kind,
      actor_type: e.actor.type,
      actor_id: e.actor.id ?? null,
      data: e.data ? JSON.stringify(e.data) : null,
      created_at: typeof e.at === 'string' ? e.at : e.at.toISOString(),
    })
    .execute()
}

export async function listCaseEvents(db: Executor, caseId: number) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute()
}
