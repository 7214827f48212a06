import type { Executor } from '../db/connection.js'
import type { Case, CasePause, CaseUpdate, NewCase } from '../db/schema.js'

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

/** A requester's status page shows the whole conversation, oldest first. */
export async function listCaseMessages(db: Executor, caseId: number) {
  return db.selectFrom('case_messages').select(['direction', 'body', 'created_at']).where('case_id', '=', caseId).orderBy('id').execute()
}

export async function updateCase(db: Executor, id: number, values: CaseUpdate): Promise<void> {
  await db.updateTable('cases').set(values).where('id', '=', id).execute()
}

/** Ticks the representative's authority once: false when someone else ticked it first. */
export async function markAuthorityChecked(db: Executor, id: number, staffId: number, at: string): Promise<boolean> {
  const checked = await db
    .updateTable('cases')
    .set({ authority_checked_at: at, authority_checked_by: staffId, updated_at: at })
    .where('id', '=', id)
    .where('authority_checked_at', 'is', null)
    .executeTakeFirst()
  return Number(checked.numUpdatedRows) === 1
}

/** Ends the case's running pause, if one runs; true when one did. */
export async function endOpenPause(db: Executor, caseId: number, at: string): Promise<boolean> {
  const ended = await db.updateTable('case_pauses').set({ ended_at: at }).where('case_id', '=', caseId).where('ended_at', 'is', null).executeTakeFirst()
  return Number(ended.numUpdatedRows) > 0
}

export async function insertPause(db: Executor, caseId: number, reason: string, at: string, messageId: number): Promise<void> {
  await db.insertInto('case_pauses').values({ case_id: caseId, reason, started_at: at, message_id: messageId }).execute()
}

export async function insertCaseMessage(
  db: Executor,
  m: { caseId: number; direction: 'in' | 'out'; body: string; staffId: number | null; template: string | null; lang: string; at: string },
): Promise<number> {
  const row = await db
    .insertInto('case_messages')
    .values({ case_id: m.caseId, direction: m.direction, body: m.body, staff_id: m.staffId, template: m.template, lang: m.lang, created_at: m.at })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Which of these case ids exist. */
export async function existingCaseIds(db: Executor, ids: number[]): Promise<Set<number>> {
  const rows = await db.selectFrom('cases').select('id').where('id', 'in', ids).execute()
  return new Set(rows.map((r) => r.id))
}

export async function loadPauses(db: Executor, caseId: number): Promise<CasePause[]> {
  return db.selectFrom('case_pauses').selectAll().where('case_id', '=', caseId).orderBy('started_at').execute()
}

export async function openPause(db: Executor, caseId: number): Promise<CasePause | undefined> {
  return db.selectFrom('case_pauses').selectAll().where('case_id', '=', caseId).where('ended_at', 'is', null).executeTakeFirst()
}

/** Case ids among `ids` whose clock stands still now. */
export async function pausedCaseIds(db: Executor, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('case_pauses').select('case_id').where('case_id', 'in', ids).where('ended_at', 'is', null).execute()
  return new Set(rows.map((r) => r.case_id))
}

/** References and ids of the cases named, by reference or by id. */
export async function casesByReferences(db: Executor, refs: string[]) {
  return refs.length ? db.selectFrom('cases').select(['id', 'reference']).where('reference', 'in', refs).execute() : []
}

export async function caseReferencesByIds(db: Executor, ids: number[]) {
  return ids.length ? db.selectFrom('cases').select(['id', 'reference']).where('id', 'in', ids).execute() : []
}

export async function caseMessageBodies(db: Executor, caseId: number): Promise<Map<number, string>> {
  const rows = await db.selectFrom('case_messages').select(['id', 'body']).where('case_id', '=', caseId).execute()
  return new Map(rows.map((m) => [m.id, m.body]))
}
