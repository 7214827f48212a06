import { appendAudit, type AuditActorType } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import { dropCaseProof } from '../intake/proof.js'
import { purgeUnverified } from '../intake/repository.js'
import { eraseCandidate } from './candidate-erasure.js'
import { candidatesToErase } from './candidates-repository.js'

const DAY = 86_400_000

export interface RetentionResult {
  candidatesErased: number
  cvFilesDeleted: number
  unverifiedPurged: number
  casesMinimised: number
}

/** The cut-off for closed cases: `years` calendar years before now. */
export function caseCutoff(now: Date, years: number): string {
  const d = new Date(now.getTime())
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return d.toISOString()
}

/**
 * Reduces a closed case to its minimal record: reference, type, relationship, dates, outcome
 * (status) and who handled it (assignee, the actors of its timeline events) stay; the address,
 * name, free text, messages, status links, event particulars and queued email go.
 */
async function minimiseCase(trx: Executor, caseId: number, at: string): Promise<void> {
  await trx
    .updateTable('cases')
    .set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, extension_reason: null, subject_name: null, subject_email: null, updated_at: at })
    .where('id', '=', caseId)
    .execute()
  await trx.deleteFrom('case_messages').where('case_id', '=', caseId).execute()
  await trx.deleteFrom('case_access_tokens').where('case_id', '=', caseId).execute()
  await trx.deleteFrom('outbox').where('case_id', '=', caseId).execute()
  await trx.updateTable('case_events').set({ data: null }).where('case_id', '=', caseId).where('kind', 'in', ['note', 'status_changed', 'extended', 'recipient_checked']).execute()
  await trx.updateTable('case_recipient_notifications').set({ reason: null }).where('case_id', '=', caseId).execute()
  await trx.updateTable('rectification_proposals').set({ stored_value: null, proposed_value: null }).where('case_id', '=', caseId).execute()
  await trx.updateTable('submissions').set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, subject_name: null, subject_email: null }).where('case_id', '=', caseId).execute()
  await trx.insertInto('case_minimisations').values({ case_id: caseId, minimised_at: at }).execute()
}

/**
 * The retention run: candidates whose consent expired or was withdrawn are erased, unconfirmed
 * submissions older than UNVERIFIED_RETENTION_DAYS (7) purged, and cases closed more than
 * CASE_RETENTION_YEARS ago minimised. Each item is done in its own transaction (a CV file is
 * deleted with its record), so a failure leaves nothing half-done and the next run picks up what
 * is left; what was done is written to the audit log, once per run.
 */
export async function runRetention(db: Db, config: Config, now: Date, actor: { type: AuditActorType; id: number | null }): Promise<RetentionResult> {
  const at = now.toISOString()
  const result: RetentionResult = { candidatesErased: 0, cvFilesDeleted: 0, unverifiedPurged: 0, casesMinimised: 0 }
  const erasedIds: number[] = []
  for (const candidate of await candidatesToErase(db, at)) {
    const done = await db.transaction().execute(async (trx) => {
      const fresh = await trx.selectFrom('candidates').selectAll().where('id', '=', candidate.id).executeTakeFirst()
      if (!fresh || fresh.status === 'erased') return null
      const reason = fresh.status === 'withdrawn' ? 'withdrawn' : 'expired'
      return eraseCandidate(trx, config.dataDir, fresh, reason, at)
    })
    if (done) {
      result.candidatesErased++
      if (done.cvDeleted) result.cvFilesDeleted++
      erasedIds.push(candidate.id)
    }
  }
  result.unverifiedPurged = await purgeUnverified(db, new Date(now.getTime() - config.unverifiedRetentionDays * DAY).toISOString(), config.dataDir)

  const cutoff = caseCutoff(now, config.caseRetentionYears)
  const due = await db
    .selectFrom('cases')
    .leftJoin('case_minimisations', 'case_minimisations.case_id', 'cases.id')
    .select('cases.id')
    .where('cases.closed_at', 'is not', null)
    .where('cases.closed_at', '<', cutoff)
    .where('case_minimisations.case_id', 'is', null)
    .orderBy('cases.id')
    .execute()
  const minimisedIds: number[] = []
  for (const { id } of due) {
    await db.transaction().execute(async (trx) => {
      const already = await trx.selectFrom('case_minimisations').select('case_id').where('case_id', '=', id).executeTakeFirst()
      if (already) return
      await minimiseCase(trx, id, at)
      await dropCaseProof(trx, config.dataDir, id)
      minimisedIds.push(id)
    })
  }
  result.casesMinimised = minimisedIds.length

  await appendAudit(db, {
    actorType: actor.type,
    actorId: actor.id,
    action: 'retention.run',
    data: { ...result, candidateIds: erasedIds.slice(0, 1000), caseIds: minimisedIds.slice(0, 1000), caseCutoff: cutoff },
    at: now,
  })
  return result
}
