import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import type { MultipartForm } from '../http/multipart-form.js'
import { findCandidate, updateCandidate } from './candidates-repository.js'
import { cleanFilename, cvFile, deleteCv, sniffCv, storeCv } from './cv-storage.js'
import { uploadFail } from './errors.js'

const byId = (db: Db, rawId: string) => (/^\d{1,12}$/.test(rawId) ? findCandidate(db, Number(rawId)) : Promise.resolve(undefined))

/**
 * A candidate's CV from the staff form: only for a candidate with valid consent, only the
 * accepted document types (by content, not by name); a replaced CV is deleted, not kept.
 */
export async function uploadCv(db: Db, config: Config, rawId: string, file: MultipartForm['file'], staffId: number, now: Date): Promise<void> {
  const candidate = await byId(db, rawId)
  if (!candidate) throw uploadFail('no_candidate')
  if (candidate.status !== 'active') throw uploadFail('not_active')
  // Art. 18: a restricted record is only stored; a new CV would be a use of it.
  if (candidate.restricted_at) throw uploadFail('restricted')
  if (!file || file.bytes.length === 0) throw uploadFail('choose_cv')
  if (file.truncated) throw uploadFail('cv_too_large', { mb: Math.round((config.cvMaxBytes / 1024 / 1024) * 10) / 10 })
  const type = sniffCv(file.bytes, file.filename)
  if (!type) throw uploadFail('bad_type')
  const path = await storeCv(config.dataDir, file.bytes, type)
  const old = candidate.cv_path
  await db.transaction().execute(async (trx) => {
    await updateCandidate(trx, candidate.id, { cv_path: path, cv_filename: cleanFilename(file.filename), cv_content_type: type.contentType, cv_size: file.bytes.length, updated_at: now.toISOString() })
    await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'register.cv_upload', target: `candidate:${candidate.id}`, data: { size: file.bytes.length, type: type.ext }, at: now })
  })
  if (old) await deleteCv(config.dataDir, old)
}

/** The stored CV to send, its download written to the audit log; null when there is none. */
export async function cvForDownload(db: Db, config: Config, rawId: string, staffId: number, now: Date) {
  const candidate = await byId(db, rawId)
  if (!candidate?.cv_path) return null
  await appendAudit(db, { actorType: 'staff', actorId: staffId, action: 'register.cv_download', target: `candidate:${candidate.id}`, at: now })
  return { path: cvFile(config.dataDir, candidate.cv_path), contentType: candidate.cv_content_type, name: candidate.cv_filename }
}
