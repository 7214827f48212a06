import type { Executor } from '../db/connection.js'
import { caseProofFile, clearCaseProofColumns } from '../cases/records.js'

/**
 * The queries about a proof of authority's file (src/intake/proof.ts).
 */

/** The proof files named by a case and its submissions; the columns naming them are cleared. */
export async function clearCaseProofs(trx: Executor, caseId: number): Promise<string[]> {
  const c = await caseProofFile(trx, caseId)
  const subs = await trx.selectFrom('submissions').select('proof_file').where('case_id', '=', caseId).execute()
  const files = new Set([c?.proof_file ?? null, ...subs.map((s) => s.proof_file)].filter((f): f is string => f !== null))
  if (files.size === 0) return []
  const cleared = { proof_file: null, proof_name: null, proof_type: null }
  await clearCaseProofColumns(trx, caseId)
  await trx.updateTable('submissions').set(cleared).where('case_id', '=', caseId).execute()
  return [...files]
}
