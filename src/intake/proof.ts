import { rm } from 'node:fs/promises'
import type { Executor } from '../db/connection.js'
import { privateFilePath, storePrivateFile } from '../registers/cv-storage.js'
import { caseProofFile, clearCaseProofColumns } from '../cases/records.js'
import { clearSubmissionProofs, submissionProofFiles } from './proof-repository.js'

/**
 * A representative's proof of authority (a power of attorney, a birth certificate, ...): PDF, JPEG
 * or PNG, recognised by its first bytes (the name and the browser's Content-Type are not trusted),
 * stored under DATA_DIR/proofs like the CVs (random name, mode 0600, never served), and deleted
 * with the submission or the case it belongs to.
 */
export const PROOF_FOLDER = 'proofs'

export interface ProofType {
  contentType: string
  ext: string
}

const SIGNATURES: Array<{ bytes: number[]; type: ProofType }> = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: { contentType: 'application/pdf', ext: 'pdf' } },
  { bytes: [0xff, 0xd8, 0xff], type: { contentType: 'image/jpeg', ext: 'jpg' } },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: { contentType: 'image/png', ext: 'png' } },
]

export function sniffProof(bytes: Buffer): ProofType | null {
  const hit = SIGNATURES.find((s) => bytes.length >= s.bytes.length && s.bytes.every((b, i) => bytes[i] === b))
  return hit?.type ?? null
}

export async function storeProof(dataDir: string, bytes: Buffer, type: ProofType): Promise<string> {
  return storePrivateFile(dataDir, PROOF_FOLDER, bytes, type.ext)
}

export function proofPath(dataDir: string, relative: string): string {
  return privateFilePath(dataDir, PROOF_FOLDER, relative)
}

/** One already gone counts as deleted: a retried purge must not fail. */
export async function deleteProof(dataDir: string, relative: string | null): Promise<void> {
  if (relative) await rm(proofPath(dataDir, relative), { force: true })
}

/**
 * Removes the proof of a case (and of its submission) when the case is reduced to its minimal
 * record: the file goes, and so do the columns naming it.
 */
export async function dropCaseProof(trx: Executor, dataDir: string, caseId: number): Promise<void> {
  const files = await clearCaseProofs(trx, caseId)
  for (const f of files) await deleteProof(dataDir, f)
}

/** The proof files named by a case and its submissions; the columns naming them are cleared. */
async function clearCaseProofs(trx: Executor, caseId: number): Promise<string[]> {
  const c = await caseProofFile(trx, caseId)
  const subs = await submissionProofFiles(trx, caseId)
  const files = new Set([c?.proof_file ?? null, ...subs.map((s) => s.proof_file)].filter((f): f is string => f !== null))
  if (files.size === 0) return []
  await clearCaseProofColumns(trx, caseId)
  await clearSubmissionProofs(trx, caseId)
  return [...files]
}
