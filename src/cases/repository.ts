import type { Executor } from '../db/connection.js'
import type { Case, CasePause, CaseUpdate, NewCase } from '../db/schema.js'
import { OPEN_STATUSES } from './state-machine.js'

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

/** What routing does to cases: routing a new one, escalating, releasing a leaver's cases, team scope. */
export async function setCaseRoute(db: Executor, caseId: number, values: { team_id: number | null; assignee_id: number | null; routed_by: string }): Promise<void> {
  await db.updateTable('cases').set(values).where('id', '=', caseId).execute()
}

/** Open, never-escalated cases that are overdue or (when `unassignedHours` > 0) unassigned since before `cutoff`. */
export async function escalationCandidates(db: Executor, today: string, cutoff: string, unassignedHours: number) {
  return db
    .selectFrom('cases')
    .select(['id', 'reference', 'status', 'assignee_id', 'due_date', 'verified_at', 'created_at', 'escalated_at', 'closed_at', 'team_id'])
    .where('status', 'in', [...OPEN_STATUSES])
    .where('escalated_at', 'is', null)
    .where((eb) => eb.or([eb('due_date', '<', today), ...(unassignedHours > 0 ? [eb.and([eb('assignee_id', 'is', null), eb('created_at', '<=', cutoff)])] : [])]))
    .orderBy('due_date')
    .orderBy('id')
    .execute()
}

/** Marks a case escalated and moves it; a case already escalated is left alone (once per case). */
export async function markEscalated(db: Executor, caseId: number, toTeamId: number | null, reason: 'unassigned' | 'overdue', iso: string): Promise<void> {
  await db.updateTable('cases').set({ team_id: toTeamId, escalated_at: iso, escalation_reason: reason, updated_at: iso }).where('id', '=', caseId).where('escalated_at', 'is', null).execute()
}

export async function openCasesHeldBy(db: Executor, staffId: number) {
  return db.selectFrom('cases').select(['id', 'team_id']).where('assignee_id', '=', staffId).where('status', 'in', [...OPEN_STATUSES]).execute()
}

export async function unassignCase(db: Executor, caseId: number, teamId: number | null, iso: string): Promise<void> {
  await db.updateTable('cases').set({ assignee_id: null, team_id: teamId, updated_at: iso }).where('id', '=', caseId).execute()
}

export async function caseTeamAndAssignee(db: Executor, caseId: number) {
  return db.selectFrom('cases').select(['team_id', 'assignee_id']).where('id', '=', caseId).executeTakeFirst()
}

/** What the registers write to cases themselves: completing one without staff, and retention's minimisation. */
export async function markCaseCompleted(db: Executor, caseId: number, at: string): Promise<void> {
  await db.updateTable('cases').set({ status: 'completed', closed_at: at, updated_at: at }).where('id', '=', caseId).execute()
}

/** Closed before the cut-off and not yet minimised, oldest id first. */
export async function casesToMinimise(db: Executor, cutoff: string): Promise<number[]> {
  const rows = await db
    .selectFrom('cases')
    .leftJoin('case_minimisations', 'case_minimisations.case_id', 'cases.id')
    .select('cases.id')
    .where('cases.closed_at', 'is not', null)
    .where('cases.closed_at', '<', cutoff)
    .where('case_minimisations.case_id', 'is', null)
    .orderBy('cases.id')
    .execute()
  return rows.map((r) => r.id)
}

export async function isMinimised(db: Executor, caseId: number): Promise<boolean> {
  return (await db.selectFrom('case_minimisations').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined
}

/**
 * Retention's part on the case's own tables (src/registers/retention.ts): the address, name, free
 * text, messages, status links and event particulars go; reference, type, dates, outcome and who
 * handled it stay.
 */
export async function reduceCaseToMinimalRecord(trx: Executor, caseId: number, at: string): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, extension_reason: null, subject_name: null, subject_email: null, updated_at: at })
    .where('id', '=', caseId)
    .execute()
  await trx.deleteFrom('case_messages').where('case_id', '=', caseId).execute()
  await trx.deleteFrom('case_access_tokens').where('case_id', '=', caseId).execute()
  await trx.updateTable('case_events').set({ data: null }).where('case_id', '=', caseId).where('kind', 'in', ['note', 'status_changed', 'extended', 'recipient_checked']).execute()
}

export async function markCaseMinimised(trx: Executor, caseId: number, at: string): Promise<void> {
  await trx.insertInto('case_minimisations').values({ case_id: caseId, minimised_at: at }).execute()
}

/** The proof of authority a case names (src/intake/proof.ts deletes the file). */
export async function caseProofFile(trx: Executor, caseId: number) {
  return trx.selectFrom('cases').select('proof_file').where('id', '=', caseId).executeTakeFirst()
}

export async function clearCaseProofColumns(trx: Executor, caseId: number): Promise<void> {
  await trx.updateTable('cases').set({ proof_file: null, proof_name: null, proof_type: null }).where('id', '=', caseId).execute()
}

/** Routing's load counts: open cases per assignee, for "fewest open cases" (and held by staff who left). */
export async function openCasesByAssignee(db: Executor, staffIds: number[]): Promise<Map<number, number>> {
  if (staffIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('cases')
    .select(['assignee_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('assignee_id', 'in', staffIds)
    .where('status', 'in', [...OPEN_STATUSES])
    .groupBy('assignee_id')
    .execute()
  return new Map(rows.map((r) => [Number(r.assignee_id), Number(r.n)]))
}

/** Open cases per team (null: cases from before routing existed), and how many of them are escalated. */
export async function openCasesByTeam(db: Executor): Promise<Array<{ teamId: number | null; open: number; escalated: number; unassigned: number }>> {
  const rows = await db
    .selectFrom('cases')
    .select((eb) => [
      'team_id',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string | null>(eb.case().when('escalated_at', 'is not', null).then(1).else(0).end()).as('esc'),
      eb.fn.sum<number | string | null>(eb.case().when('assignee_id', 'is', null).then(1).else(0).end()).as('unassigned'),
    ])
    .where('status', 'in', [...OPEN_STATUSES])
    .groupBy('team_id')
    .execute()
  return rows.map((r) => ({ teamId: r.team_id === null ? null : Number(r.team_id), open: Number(r.n), escalated: Number(r.esc ?? 0), unassigned: Number(r.unassigned ?? 0) }))
}

/** Where some cases sit (team and assignee), to check them against a member's team scope. */
export async function casesTeamAndAssignee(db: Executor, ids: number[]) {
  if (ids.length === 0) return []
  return db.selectFrom('cases').select(['id', 'team_id', 'assignee_id']).where('id', 'in', ids).execute()
}

// ─── The deadlines' reminders (src/deadlines/reminders.ts) and the deadline report (src/reports) ───

/** Every open case with its pauses, read in two queries (open cases are few). */
export async function openCasesWithPauses(trx: Executor): Promise<{ open: Case[]; pauses: CasePause[] }> {
  const open = await trx.selectFrom('cases').selectAll().where('status', 'in', [...OPEN_STATUSES]).execute()
  if (open.length === 0) return { open, pauses: [] }
  const pauses = await trx
    .selectFrom('case_pauses')
    .selectAll()
    .where('case_id', 'in', (eb) => eb.selectFrom('cases').select('id').where('status', 'in', [...OPEN_STATUSES]))
    .orderBy('started_at')
    .execute()
  return { open, pauses }
}

export async function setDueDate(trx: Executor, caseId: number, dueDate: string): Promise<void> {
  await trx.updateTable('cases').set({ due_date: dueDate }).where('id', '=', caseId).execute()
}

/** Open cases due on or before `horizon` (overdue ones too), soonest first. */
export async function openCasesDueBy(trx: Executor, horizon: string): Promise<Case[]> {
  return trx.selectFrom('cases').selectAll().where('status', 'in', [...OPEN_STATUSES]).where('due_date', '<=', horizon).orderBy('due_date').orderBy('id').execute()
}

/** What the deadline report counts of each case received in [from, to) (UTC instants). */
export async function casesReceivedBetween(db: Executor, from: string, to: string) {
  return db
    .selectFrom('cases')
    .select(['type', 'status', 'received_at', 'closed_at', 'due_date', 'extended', 'partial_refusal_reason'])
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .execute()
}

// ─── The access package (src/access): the Art. 15 gather's cases, and what a sent package writes ───

const CHUNK = 500

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

/**
 * Every case of one address (emailKey: trimmed, lower-case) with its messages and events, oldest
 * first: one query for the cases, then one each for messages and events per 500 cases.
 */
export async function casesHeldFor(db: Executor, key: string) {
  const cases = await db.selectFrom('cases').selectAll().where('email_key', '=', key).orderBy('received_at').orderBy('id').execute()
  const ids = cases.map((c) => c.id)
  const messages = []
  const events = []
  for (const part of chunks(ids)) {
    messages.push(...(await db.selectFrom('case_messages').select(['id', 'case_id', 'direction', 'body', 'lang', 'created_at']).where('case_id', 'in', part).orderBy('id').execute()))
    events.push(...(await db.selectFrom('case_events').select(['id', 'case_id', 'kind', 'actor_type', 'data', 'created_at']).where('case_id', 'in', part).orderBy('id').execute()))
  }
  return { cases, messages, events }
}

/** A sent package closes the case: what was left out is its partial refusal, and nothing is refused in whole. */
export async function setPackageRefusal(db: Executor, caseId: number, partial: string | null): Promise<void> {
  await db.updateTable('cases').set({ partial_refusal_reason: partial, refusal_reason: null, refusal_evidence: null }).where('id', '=', caseId).execute()
}
