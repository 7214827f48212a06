import { clearCaseTaskResults } from '../tasks/engine.js'
import type { Executor } from '../db/connection.js'
import { deleteCaseSubmissions } from '../intake/records.js'
import { deleteSentCaseEmails, deleteSentConfirmationsTo, deleteSentEmailsOfCases } from '../mail/outbox.js'
import { caseAddress, minimisedCaseIds, reduceAnsweredCase } from './minimise-repository.js'
import { addCaseEvent } from './repository.js'

/**
 * Reduces an answered question to its reference, dates and outcome (the privacy policy: the
 * question is deleted as soon as it has been answered). Contact details, the question, every
 * message and note, the submission (through intake's records) and the sent emails (through the
 * outbox) go, all in the caller's transaction; the answer still waiting in the outbox is kept only
 * until it is sent (purgeMinimisedMail removes it then).
 */
export async function minimiseCase(trx: Executor, caseId: number, at: string): Promise<void> {
  const c = await caseAddress(trx, caseId)
  await reduceAnsweredCase(trx, caseId, at)
  await deleteCaseSubmissions(trx, caseId)
  await clearCaseTaskResults(trx, caseId, at)
  await deleteSentCaseEmails(trx, caseId)
  if (c.email) await deleteSentConfirmationsTo(trx, [c.email, c.email_key])
  await addCaseEvent(trx, { caseId, kind: 'minimised', actor: { type: 'system' }, at })
}

/** Sent emails of minimised cases (the answer, once delivered) are deleted too: one statement, the cases' ids a subquery. */
export async function purgeMinimisedMail(db: Executor): Promise<number> {
  return deleteSentEmailsOfCases(db, minimisedCaseIds(db))
}
