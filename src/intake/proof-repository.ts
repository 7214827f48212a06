import type { Executor } from '../db/connection.js'

/**
 * The queries about a proof of authority's file (src/intake/proof.ts); the case's own column is
 * read and cleared through src/cases/records.ts.
 */

export async function submissionProofFiles(trx: Executor, caseId: number) {
  return trx.selectFrom('submissions').select('proof_file').where('case_id', '=', caseId).execute()
}

export async function clearSubmissionProofs(trx: Executor, caseId: number): Promise<void> {
  const cleared = { proof_file: null, proof_name: null, proof_type: null }
  await trx.updateTable('submissions').set(cleared).where('case_id', '=', caseId).execute()
}
