import type { Executor } from '../db/connection.js'
import type { Candidate, CandidateUpdate } from '../db/schema.js'
import { keyedHash } from '../security/tokens.js'

/** The recruitment consent lasts three years (the privacy policy's retention for CVs). */
export const CONSENT_YEARS = 3

export function consentExpiry(givenAt: string): string {
  const d = new Date(givenAt)
  d.setUTCFullYear(d.getUTCFullYear() + CONSENT_YEARS)
  return d.toISOString()
}

/** Kept after erasure: proves a withdrawal for an address without holding the address. */
export function candidateEmailHash(secret: string, emailNormalized: string): string {
  return keyedHash(secret, 'candidate:' + emailNormalized)
}

export interface CandidateInput {
  email: string
  emailNormalized: string
  name: string | null
  phone: string | null
  consentGivenAt: string
}

function candidateRow(secret: string, input: CandidateInput, at: string) {
  return {
    email: input.email,
    email_normalized: input.emailNormalized,
    email_hash: candidateEmailHash(secret, input.emailNormalized),
    name: input.name,
    phone: input.phone,
    cv_path: null,
    cv_filename: null,
    cv_content_type: null,
    cv_size: null,
    consent_given_at: input.consentGivenAt,
    consent_expires_at: consentExpiry(input.consentGivenAt),
    status: 'active' as const,
    withdrawn_at: null,
    erased_at: null,
    erasure_reason: null,
    created_at: at,
    updated_at: at,
  }
}

/** Many candidates at once (CSV import), in multi-row inserts. */
export async function insertCandidates(db: Executor, secret: string, inputs: CandidateInput[], at: string, batch = 200): Promise<void> {
  for (let i = 0; i < inputs.length; i += batch) {
    await db.insertInto('candidates').values(inputs.slice(i, i + batch).map((input) => candidateRow(secret, input, at))).execute()
  }
}

export async function findCandidate(db: Executor, id: number): Promise<Candidate | undefined> {
  return db.selectFrom('candidates').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findCandidateByEmail(db: Executor, emailNormalized: string): Promise<Candidate | undefined> {
  return db.selectFrom('candidates').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst()
}

export async function updateCandidate(db: Executor, id: number, values: CandidateUpdate): Promise<void> {
  await db.updateTable('candidates').set(values).where('id', '=', id).execute()
}

export async function listCandidates(db: Executor, opts: { q?: string; limit: number; offset: number }) {
  let q = db.selectFrom('candidates').selectAll()
  if (opts.q) q = q.where('email_normalized', 'like', `%${opts.q.toLowerCase().replace(/[%_\\]/g, '')}%`)
  return q.orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).execute()
}

/** Candidates due for erasure: consent expired, or withdrawn but not yet erased; never a restricted one (Art. 18). */
export async function candidatesToErase(db: Executor, nowIso: string): Promise<Candidate[]> {
  return db
    .selectFrom('candidates')
    .selectAll()
    .where('restricted_at', 'is', null)
    .where((eb) => eb.or([eb.and([eb('status', '=', 'active'), eb('consent_expires_at', '<=', nowIso)]), eb('status', 'in', ['withdrawn', 'expired'])]))
    .orderBy('id')
    .execute()
}

/** Every candidate's normalised address (erased ones have none), for an import that checks many rows at once. */
export async function allCandidateEmails(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('candidates').select('email_normalized').where('email_normalized', 'is not', null).execute()
  return new Set(rows.map((r) => r.email_normalized!))
}

/** The address hashes erased candidates leave behind, so an import does not bring one back. */
export async function erasedCandidateHashes(db: Executor): Promise<Set<string>> {
  return new Set((await db.selectFrom('candidates').select('email_hash').where('status', '=', 'erased').execute()).map((r) => r.email_hash))
}

export async function countCandidates(db: Executor): Promise<number> {
  return Number((await db.selectFrom('candidates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

/** Every candidate entry of an address, oldest first (the access package, Art. 15). */
export async function candidatesByEmail(db: Executor, emailNormalized: string): Promise<Candidate[]> {
  return db.selectFrom('candidates').selectAll().where('email_normalized', '=', emailNormalized).orderBy('id').execute()
}

/** Their CVs, in the same order, for the access package's ZIP. */
export async function candidateCvs(db: Executor, emailNormalized: string) {
  return db.selectFrom('candidates').select(['id', 'cv_path', 'cv_filename', 'cv_content_type']).where('email_normalized', '=', emailNormalized).orderBy('id').execute()
}
