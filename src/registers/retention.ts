import { appendAudit, type AuditActorType } from '../audit/log.js'
import { clearCaseTaskResults } from '../tasks/engine.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import { dropCaseProof } from '../intake/proof.js'
import { purgeUnverified } from '../intake/purge.js'
import { eraseCandidate } from './candidate-erasure.js'
import { candidatesToErase, findCandidate } from './candidates-repository.js'
import { casesToMinimise, isMinimised, markCaseMinimised, reduceCaseToMinimalRecord } from '../cases/records.js'
import { clearCaseSubmissions } from '../intake/records.js'
import { deleteCaseEmails } from '../mail/outbox.js'
import { clearRegisterParticulars } from './register-cases-repository.js'
import { suppressionHash } from './suppression-hash.js'
import { keepUnsubscribeLink, suppress } from './suppressions-repository.js'
import { deleteSubscriber, findSubscriber, subscribersToMinimise } from './subscribers-repository.js'

export interface RetentionResult {
  candidatesErased: number
  cvFilesDeleted: number
  unverifiedPurged: number
  casesMinimised: number
  subscribersDeleted: number
}

/** The cut-off for closed cases: `years` calendar years before now. */
export function caseCutoff(now: Date, years: number): string {
  const d = new Date(now.getTime())
  d.setUTCFullYear(d.getUTCFullYear() - years)
  return d.toISOString()
}

/**
 * The retention run: candidates whose consent expired or was withdrawn are erased (unless
 * restricted), unconfirmed submissions older than UNVERIFIED_RETENTION_DAYS (7) purged, unsubscribed
 * subscribers older than SUPPRESSION_MINIMISE_DAYS deleted, and cases closed more than
 * CASE_RETENTION_YEARS ago minimised. Each item is done in its own transaction (a CV file is
 * deleted with its record), so a failure leaves nothing half-done and the next run picks up what
 * is left; what was done is written to the audit log, once per run.
 */
export async function runRetention(db: Db, config: Config, now: Date, actor: { type: AuditActorType; id: number | null }): Promise<RetentionResult> {
  const at = now.toISOString()
  const result: RetentionResult = { candidatesErased: 0, cvFilesDeleted: 0, unverifiedPurged: 0, casesMinimised: 0, subscribersDeleted: 0 }
  const erasedIds: number[] = []
  for (const candidate of await candidatesToErase(db, at)) {
    const done = await db.transaction().execute(async (trx) => {
      const fresh = await findCandidate(trx, candidate.id)
      if (!fresh || fresh.status === 'erased' || fresh.restricted_at) return null
      const reason = fresh.status === 'withdrawn' ? 'withdrawn' : 'expired'
      return eraseCandidate(trx, config.dataDir, fresh, reason, at)
    })
    if (done) {
      result.candidatesErased++
      if (done.cvDeleted) result.cvFilesDeleted++
      erasedIds.push(candidate.id)
    }
  }
  result.unverifiedPurged = await purgeUnverified(db, config, now)
  const deletedSubscriberIds = await minimiseUnsubscribed(db, config, now)
  result.subscribersDeleted = deletedSubscriberIds.length

  const cutoff = caseCutoff(now, config.caseRetentionYears)
  const minimisedIds: number[] = []
  for (const id of await casesToMinimise(db, cutoff)) {
    await db.transaction().execute(async (trx) => {
      if (await isMinimised(trx, id)) return
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
    data: { ...result, candidateIds: erasedIds.slice(0, 1000), subscriberIds: deletedSubscriberIds.slice(0, 1000), caseIds: minimisedIds.slice(0, 1000), caseCutoff: cutoff },
    at: now,
  })
  return result
}

/**
 * Unsubscribed subscribers, SUPPRESSION_MINIMISE_DAYS after the unsubscribe: the row (name, phone,
 * source) is deleted and only the hashed suppression stays, holding the row's unsubscribe-link hash
 * so the old link still answers "already unsubscribed". A restricted row stays (Art. 18).
 */
async function minimiseUnsubscribed(db: Db, config: Config, now: Date): Promise<number[]> {
  const at = now.toISOString()
  const cutoff = new Date(now.getTime() - config.suppressionMinimiseDays * 86_400_000).toISOString()
  const ids: number[] = []
  for (const s of await subscribersToMinimise(db, cutoff)) {
    await db.transaction().execute(async (trx) => {
      const fresh = await findSubscriber(trx, s.id)
      if (!fresh || fresh.status !== 'unsubscribed' || fresh.restricted_at) return
      const hash = suppressionHash(config.suppressionKey, fresh.email_normalized)
      // Suppressed when it unsubscribed; made sure here, as the row is the last place the address is.
      await suppress(trx, hash, 'request', null, at)
      await keepUnsubscribeLink(trx, hash, fresh.unsubscribe_token_hash)
      await deleteSubscriber(trx, fresh.id)
      ids.push(fresh.id)
    })
  }
  return ids
}

/**
 * Reduces a closed case to its minimal record: reference, type, relationship, dates, outcome
 * (status) and who handled it (assignee, the actors of its timeline events) stay; the address,
 * name, free text, messages, status links, event particulars and queued email go. Each feature
 * clears its own tables, all in the caller's transaction; the minimisation mark comes last.
 */
async function minimiseCase(trx: Executor, caseId: number, at: string): Promise<void> {
  await reduceCaseToMinimalRecord(trx, caseId, at)
  await deleteCaseEmails(trx, caseId)
  await clearRegisterParticulars(trx, caseId)
  await clearCaseSubmissions(trx, caseId)
  await clearCaseTaskResults(trx, caseId, at)
  await markCaseMinimised(trx, caseId, at)
}
