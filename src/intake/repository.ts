import type { Executor } from '../db/connection.js'
import { prepared } from '../db/prepared.js'
import type { Insertable } from 'kysely'
import type { AddressChange, AddressChangeTable, NewSubmission, Submission, SubmissionUpdate, VerificationToken } from '../db/schema.js'

/** The address's other requests of one type still waiting for confirmation. */
export async function findOtherPending(db: Executor, emailKey: string, type: string, exceptId: number): Promise<Submission[]> {
  return db.selectFrom('submissions').selectAll().where('email_key', '=', emailKey).where('type', '=', type).where('status', '=', 'pending').where('id', '!=', exceptId).orderBy('id').execute()
}

type SubmissionFields = Required<Omit<NewSubmission, 'id' | 'verified_at' | 'case_id'>>
type SubmissionSlots = { [K in keyof SubmissionFields]: SubmissionFields[K] | null | undefined }

const insertSubmissionQuery = prepared<SubmissionSlots, { id: number }>((db, p) =>
  db
    .insertInto('submissions')
    .values({
      type: p.type!,
      email: p.email!,
      email_key: p.email_key!,
      name: p.name,
      relationship: p.relationship,
      consent_kind: p.consent_kind,
      details: p.details,
      incorrect_value: p.incorrect_value,
      correct_value: p.correct_value,
      keep_data: p.keep_data!,
      on_behalf_kind: p.on_behalf_kind,
      subject_name: p.subject_name,
      subject_email: p.subject_email,
      proof_file: p.proof_file,
      proof_name: p.proof_name,
      proof_type: p.proof_type,
      lang: p.lang!,
      channel: p.channel!,
      status: p.status!,
      created_at: p.created_at!,
      updated_at: p.updated_at!,
    })
    .returning('id'),
)

export async function insertSubmission(db: Executor, values: SubmissionSlots): Promise<number> {
  const { rows } = await insertSubmissionQuery(db, values)
  return rows[0].id
}

export async function updateSubmission(db: Executor, id: number, values: SubmissionUpdate): Promise<void> {
  await db.updateTable('submissions').set(values).where('id', '=', id).execute()
}

export async function findSubmission(db: Executor, id: number): Promise<Submission | undefined> {
  return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst()
}

type TokenValues = { submissionId: number; tokenHash: string; expiresAt: string; createdAt: string }

const insertTokenQuery = prepared<TokenValues, unknown>((db, p) =>
  db.insertInto('verification_tokens').values({ submission_id: p.submissionId, token_hash: p.tokenHash, expires_at: p.expiresAt, created_at: p.createdAt }),
)

export async function insertVerificationToken(db: Executor, values: TokenValues): Promise<void> {
  await insertTokenQuery(db, values)
}

export async function findVerificationToken(db: Executor, tokenHash: string): Promise<VerificationToken | undefined> {
  return db.selectFrom('verification_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/**
 * Uses up every link of the submission at once. The condition on used_at makes this the
 * single point where two simultaneous confirmations are told apart: only one updates rows.
 */
export async function consumeTokens(db: Executor, submissionId: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('verification_tokens')
    .set({ used_at: at })
    .where('submission_id', '=', submissionId)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** "This wasn't me": the submission keeps only its id and status, so its link answers like a used one. */
export async function discardSubmission(db: Executor, id: number, at: string): Promise<void> {
  await db
    .updateTable('submissions')
    .set({ status: 'discarded', email: '', email_key: '', name: null, relationship: null, consent_kind: null, details: null, incorrect_value: null, correct_value: null, keep_data: 0, updated_at: at })
    .where('id', '=', id)
    .execute()
}

/** The proof files of unconfirmed submissions older than the cutoff (src/intake/purge.ts deletes them). */
export async function pendingProofFilesBefore(db: Executor, cutoff: string): Promise<Array<string | null>> {
  const rows = await db.selectFrom('submissions').select('proof_file').where('status', '=', 'pending').where('created_at', '<', cutoff).where('proof_file', 'is not', null).execute()
  return rows.map((r) => r.proof_file)
}

/** Unverified submissions older than the cutoff, with their tokens (cascade). */
export async function deleteUnverifiedBefore(db: Executor, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('submissions').where('status', 'in', ['pending', 'discarded', 'duplicate']).where('created_at', '<', cutoff).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function findAddressChange(db: Executor, caseId: number): Promise<AddressChange | undefined> {
  return db.selectFrom('address_changes').selectAll().where('case_id', '=', caseId).executeTakeFirst()
}

export async function findAddressChanges(db: Executor, caseIds: number[]): Promise<AddressChange[]> {
  return db.selectFrom('address_changes').selectAll().where('case_id', 'in', caseIds).execute()
}

export async function findAddressChangeByTokenHash(db: Executor, tokenHash: string): Promise<AddressChange | undefined> {
  return db.selectFrom('address_changes').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

export async function insertAddressChange(db: Executor, values: Insertable<AddressChangeTable>): Promise<void> {
  await db.insertInto('address_changes').values(values).execute()
}

/**
 * Confirms or declines the change once: the conditions on the update are the single point where
 * two posts at once are told apart (only one changes the row). False: it was decided already.
 */
export async function decideAddressChangeRow(db: Executor, id: number, decision: 'confirm' | 'decline', at: string): Promise<boolean> {
  const result = await db
    .updateTable('address_changes')
    .set(decision === 'confirm' ? { confirmed_at: at } : { declined_at: at })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('declined_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** The submissions behind a minimised case keep no address, name or free text (src/registers/retention.ts). */
export async function clearCaseSubmissions(db: Executor, caseId: number): Promise<void> {
  await db.updateTable('submissions').set({ email: '', email_key: '', name: null, details: null, incorrect_value: null, correct_value: null, subject_name: null, subject_email: null }).where('case_id', '=', caseId).execute()
}

/** An answered question's minimisation deletes the submission behind the case (src/cases/minimise.ts). */
export async function deleteCaseSubmissions(db: Executor, caseId: number): Promise<void> {
  await db.deleteFrom('submissions').where('case_id', '=', caseId).execute()
}

/** An unused confirmation link's dates, by its token hash (src/intake/links.ts). */
export async function findUnusedTokenDates(db: Executor, tokenHash: string) {
  return db.selectFrom('verification_tokens').select(['id', 'created_at', 'expires_at']).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst()
}

export async function setTokenExpiry(db: Executor, id: number, expiresAt: string): Promise<void> {
  await db.updateTable('verification_tokens').set({ expires_at: expiresAt }).where('id', '=', id).execute()
}

/** An undecided address change's link dates, by its token hash (src/intake/links.ts). */
export async function findUndecidedAddressChangeDates(db: Executor, tokenHash: string) {
  return db.selectFrom('address_changes').select(['id', 'created_at', 'expires_at']).where('token_hash', '=', tokenHash).where('confirmed_at', 'is', null).where('declined_at', 'is', null).executeTakeFirst()
}

export async function setAddressChangeExpiry(db: Executor, id: number, expiresAt: string): Promise<void> {
  await db.updateTable('address_changes').set({ expires_at: expiresAt }).where('id', '=', id).execute()
}
