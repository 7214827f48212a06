import type { OperandExpression } from 'kysely'
import { isPostgres, serializeOn, type Executor } from '../db/connection.js'
import { prepared } from '../db/prepared.js'
import type { OutboxRow } from '../db/schema.js'

export type OutboxValues = Pick<OutboxRow, 'message_id' | 'kind' | 'to_address' | 'to_name' | 'subject' | 'text_body' | 'html_body' | 'headers' | 'case_id' | 'verify_token_hash' | 'next_attempt_at' | 'created_at'>

// Nearly every write that tells someone something queues an email: prepared once (src/db/prepared.ts).
const insertOutboxQuery = prepared<OutboxValues, { id: number }>((db, p) =>
  db
    .insertInto('outbox')
    .values({
      message_id: p.message_id,
      kind: p.kind,
      to_address: p.to_address,
      to_name: p.to_name,
      subject: p.subject,
      text_body: p.text_body,
      html_body: p.html_body,
      headers: p.headers,
      case_id: p.case_id,
      verify_token_hash: p.verify_token_hash,
      status: 'pending',
      next_attempt_at: p.next_attempt_at,
      created_at: p.created_at,
    })
    .returning('id'),
)

/** One row into the outbox; the caller's executor decides which transaction it joins (src/mail/outbox.ts). */
export async function insertOutbox(db: Executor, values: OutboxValues): Promise<number> {
  const { rows } = await insertOutboxQuery(db, values)
  return rows[0].id
}

/**
 * Takes up to `limit` due rows and leases them; a row whose lease ran out (a crash mid-send)
 * is due again and goes out with the same Message-ID, so receivers can tell it is the same email.
 *
 * Several instances on one PostgreSQL database: FOR UPDATE SKIP LOCKED makes each instance take
 * rows no other claim is holding, so two never lease the same row and neither waits for the other.
 * SQLite has one writer at a time (BEGIN IMMEDIATE), which serialises claims by itself.
 */
export async function claimDue(db: Executor, now: Date, leaseMs: number, limit: number, ceiling?: EmailCeiling): Promise<OutboxRow[]> {
  const nowIso = now.toISOString()
  const until = new Date(now.getTime() + leaseMs).toISOString()
  const postgres = isPostgres(db)
  return db.transaction().execute(async (trx) => {
    const allowance = ceiling ? await ceilingAllowance(trx, ceiling, now, leaseMs) : null
    // Past the ceiling the kind's due rows wait, all in one write, until the hour frees a place.
    if (allowance && allowance.left <= 0) await holdDue(trx, ceiling!.kind, nowIso, allowance.freeAt)
    // Two index-ordered lookups rather than one OR: with an OR, SQLite gathered every pending row
    // and sorted them all by id, so each claim got slower as a backlog grew (0.9 ms at 10,000).
    // Rows whose lease ran out (a crashed sender's) go first; then the due ones, oldest first.
    let expired = trx.selectFrom('outbox').select('id').where('status', '=', 'sending').where('locked_until', '<', nowIso).orderBy('id').limit(limit)
    let pending = trx
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at')
      .orderBy('id')
    if (postgres) {
      expired = expired.forUpdate().skipLocked()
      pending = pending.forUpdate().skipLocked()
    }
    const due = await expired.execute()
    if (due.length < limit) due.push(...(await pending.limit(limit - due.length).execute()))
    if (due.length === 0) return []
    let ids = due.map((r) => r.id)
    if (allowance && allowance.left > 0) {
      // Within the ceiling's last places: the kind's rows past them wait like the others.
      const ofKind = (await trx.selectFrom('outbox').select('id').where('id', 'in', ids).where('kind', '=', ceiling!.kind).orderBy('id').execute()).map((r) => r.id)
      const over = ofKind.slice(allowance.left)
      if (over.length > 0) {
        await trx.updateTable('outbox').set({ status: 'pending', next_attempt_at: allowance.freeAt, locked_until: null }).where('id', 'in', over).execute()
        ids = ids.filter((id) => !over.includes(id))
        if (ids.length === 0) return []
      }
    }
    await trx.updateTable('outbox').set({ status: 'sending', locked_until: until }).where('id', 'in', ids).execute()
    return trx.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute()
  })
}

/**
 * Just before claimed rows are sent: renews their lease, where it is still ours, and returns the
 * ids renewed. A batch is sent a few at a time, and when sending is slow a later row's lease can
 * run out and another instance take it over; such a row is not returned, so it is left to that
 * instance, not sent twice.
 */
export async function renewLeases(db: Executor, ids: number[], heldUntil: string, now: Date, leaseMs: number): Promise<{ until: string; ids: Set<number> }> {
  const until = new Date(Math.max(now.getTime() + leaseMs, Date.parse(heldUntil) || 0)).toISOString()
  if (ids.length === 0) return { until, ids: new Set() }
  const renewed = await db
    .updateTable('outbox')
    .set({ locked_until: until })
    .where('id', 'in', ids)
    .where('status', '=', 'sending')
    .where('locked_until', '=', heldUntil)
    .where('locked_until', '>', now.toISOString())
    .returning('id')
    .execute()
  return { until, ids: new Set(renewed.map((r) => r.id)) }
}

export async function markSent(db: Executor, id: number, now: Date): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sent', sent_at: now.toISOString(), locked_until: null, last_error: null, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

/** A global hourly ceiling on one kind of email (confirmation links: LIMIT_EMAILS_PER_HOUR). */
export interface EmailCeiling {
  kind: string
  perHour: number
}

const HOUR = 3_600_000

/** How many more of the kind may go out now, and when the next place frees once none may. */
async function ceilingAllowance(trx: Executor, ceiling: EmailCeiling, now: Date, leaseMs: number): Promise<{ left: number; freeAt: string }> {
  // Two instances claiming at once must not both take the last places.
  await serializeOn(trx, 'outbox-ceiling', ceiling.kind)
  // Counted and dated in SQL (on the (kind, sent_at) index): fetching up to a full hour's rows
  // to count them cost a third of a millisecond per claim at the default ceiling.
  const hourAgo = new Date(now.getTime() - HOUR).toISOString()
  const sentOfKind = trx.selectFrom('outbox').where('kind', '=', ceiling.kind).where('sent_at', '>', hourAgo)
  const sent = await trx
    .selectNoFrom((eb) => [
      eb.selectFrom(sentOfKind.select('id').limit(ceiling.perHour).as('recent')).select((inner) => inner.fn.countAll<number>().as('n')).as('n'),
      sentOfKind.select((inner) => inner.fn.min('sent_at').as('oldest')).as('oldest'),
    ])
    .executeTakeFirstOrThrow()
  // The rows being sent are a claim's batch or two, found by status (outbox_due_idx); filtered by
  // kind in the query, SQLite took the (kind, sent_at) index instead and went through every unsent
  // row of the kind: the whole backlog held by this ceiling, 10 ms a claim at 15,000.
  const nowIso = now.toISOString()
  const sending = await trx.selectFrom('outbox').select(['kind', 'sent_at', 'locked_until']).where('status', '=', 'sending').execute()
  const inFlight = sending.filter((r) => r.kind === ceiling.kind && r.sent_at === null && r.locked_until !== null && r.locked_until >= nowIso).length
  const used = Number(sent.n) + inFlight
  const oldest = sent.oldest as string | null
  const freeAt = oldest ? new Date(Date.parse(oldest) + HOUR + 1) : new Date(now.getTime() + leaseMs)
  return { left: ceiling.perHour - used, freeAt: freeAt.toISOString() }
}

async function holdDue(trx: Executor, kind: string, nowIso: string, until: string): Promise<void> {
  await trx.updateTable('outbox').set({ next_attempt_at: until }).where('status', '=', 'pending').where('kind', '=', kind).where('next_attempt_at', '<=', nowIso).execute()
}

export async function markRetry(db: Executor, id: number, nextAttempt: Date, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'pending',
      next_attempt_at: nextAttempt.toISOString(),
      locked_until: null,
      last_error: error.slice(0, 500),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute()
}

export async function markFailed(db: Executor, id: number, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'failed', locked_until: null, last_error: error.slice(0, 500), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

/** Confirmation emails older than the cutoff already sent or given up (src/intake/purge.ts). */
export async function deleteOldConfirmationEmails(db: Executor, cutoff: string): Promise<void> {
  await db.deleteFrom('outbox').where('kind', '=', 'verify').where('status', 'in', ['sent', 'failed']).where('created_at', '<', cutoff).execute()
}

/** Every queued or sent email of a case (retention's minimisation, src/registers/retention.ts). */
export async function deleteCaseOutbox(db: Executor, caseId: number): Promise<void> {
  await db.deleteFrom('outbox').where('case_id', '=', caseId).execute()
}

/** A case's sent and failed emails; one still waiting stays until it is sent (an answered question's minimisation). */
export async function deleteSentCaseOutbox(db: Executor, caseId: number): Promise<void> {
  await db.deleteFrom('outbox').where('case_id', '=', caseId).where('status', 'in', ['sent', 'failed']).execute()
}

/** Sent and failed confirmation emails to any of these addresses (the same minimisation). */
export async function deleteSentConfirmationsTo(db: Executor, addresses: string[]): Promise<void> {
  await db.deleteFrom('outbox').where('kind', '=', 'verify').where('to_address', 'in', addresses).where('status', 'in', ['sent', 'failed']).execute()
}

/** Sent and failed emails of the cases a subquery names, in one statement; how many went. */
export async function deleteSentOutboxOfCases(db: Executor, caseIds: OperandExpression<number>): Promise<number> {
  const result = await db.deleteFrom('outbox').where('status', 'in', ['sent', 'failed']).where('case_id', 'in', caseIds).executeTakeFirst()
  return Number(result.numDeletedRows)
}
