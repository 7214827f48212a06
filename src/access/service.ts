import { createHash, randomUUID } from 'node:crypto'
import { clearCaseTaskResults } from '../tasks/engine.js'
import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { appendAudit } from '../audit/log.js'
import { addCaseEvent, insertAccessToken, insertCaseMessage, setPackageRefusal } from '../cases/records.js'
import type { CaseService } from '../cases/service.js'
import { isClosed, transition } from '../cases/state-machine.js'
import { fillPlaceholders, loadTemplate } from '../cases/templates.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import type { AccessPackage, AccessPackageFile, Case } from '../db/schema.js'
import { DomainError } from '../domain/errors.js'
import { isLang, t, type Lang } from '../i18n/index.js'
import { emailKey } from '../intake/validate.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { RenderEmail } from '../mail/render.js'
import { seal, sealKey, unseal } from '../mail/seal.js'
import { countRecent, recordEvent } from '../security/rate-limit.js'
import { hashToken, keyedHash, newToken } from '../security/tokens.js'
import { CODE_TRIES, CODE_TTL_MS, codeHash, codeMatches, newCode } from './codes.js'
import { buildDocument, recordCount, type PackageDocument } from './document.js'
import { packageError, formatBytes } from './errors.js'
import { ALLOWED_EXTENSIONS, cleanFilename, registerFilePath, removeStored, storeUpload, storedPath, type StoreResult } from './files.js'
import { emptyGathered, foundSystems, gatherFor } from './gather.js'
import { mapForSystems } from '../datamap/service.js'
import * as repo from './repository.js'
import { candidateCvs } from '../registers/records.js'
import { registerKey } from '../cases/authority.js'
import type { RenderReport } from './report.js'
import { makeZip, type ZipEntry } from './zip.js'
import { parseWithheld, withheldText, type WithheldItem } from './withheld.js'
import { withRefusalNotice } from '../cases/refusal-notice.js'

export const PACKAGE_TYPES = ['access', 'portability'] as const
const MAX_FILES = 50
const MAX_LETTER = 20_000
const DAY = 86_400_000

/** An upload on disk, checked, not yet part of the package. */
export interface StagedFile {
  caseId: number
  name: string
  stored: Extract<StoreResult, { ok: true }>
}

export interface Actor {
  id: number
  role: string
}

export interface AccessPackageDeps {
  db: Db
  config: Config
  now: () => Date
  cases: CaseService
  renderEmail: RenderEmail
  renderReport: RenderReport
  mailQueued: () => void
}

export type CodeRequest = { ok: true } | { ok: false; problem: 'gone' | 'rate_limited' }
export type DownloadResult = { ok: true; zip: Buffer; filename: string } | { ok: false; problem: 'gone' | 'no_code' | 'expired' | 'used_up' | 'wrong'; triesLeft?: number }

export function isPackageCase(c: Pick<Case, 'type'>): boolean {
  return (PACKAGE_TYPES as readonly string[]).includes(c.type)
}

/**
 * Compile → (add files, cover letter) → review → send → the requester downloads with a code →
 * deleted after PACKAGE_RETENTION_DAYS. Each step commits with its timeline event and audit entry;
 * any change after review needs a new review.
 */
export class AccessPackageService {
  private readonly key: Buffer

  constructor(private readonly deps: AccessPackageDeps) {
    this.key = sealKey(deps.config.sessionSecret)
  }

  private get db() {
    return this.deps.db
  }

  async find(caseId: number, db: Executor = this.db): Promise<AccessPackage | undefined> {
    return repo.findPackage(db, caseId)
  }

  async files(packageId: number, db: Executor = this.db): Promise<AccessPackageFile[]> {
    return repo.listFiles(db, packageId)
  }

  document(p: AccessPackage): PackageDocument | null {
    return p.data ? (JSON.parse(unseal(this.key, p.data)) as PackageDocument) : null
  }

  /** What was left out of the copy and why (Art. 15(4)); sealed at rest like the data. */
  withheld(p: AccessPackage): WithheldItem[] {
    return p.withheld ? (JSON.parse(unseal(this.key, p.withheld)) as WithheldItem[]) : []
  }

  /** Replaces the list of what is left out; like any change after review, it needs a new review. */
  async setWithheld(actor: Actor, caseId: number, raw: unknown): Promise<void> {
    const items = parseWithheld(raw)
    await this.act(async (trx, at) => {
      const { p } = await this.editable(trx, caseId)
      const iso = at.toISOString()
      await this.changed(trx, p, iso, { withheld: items.length ? seal(this.key, JSON.stringify(items)) : null })
      await addCaseEvent(trx, { caseId, kind: 'package_withheld', actor: { type: 'staff', id: actor.id }, data: { count: items.length, summary: String(items.length) }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.withheld', caseId, data: { count: items.length }, at })
    })
  }

  /** Sent packages past their date count as deleted at once, even before the job has run. */
  isGone(p: AccessPackage, now = this.deps.now()): boolean {
    return p.status === 'deleted' || (p.status === 'sent' && p.delete_after !== null && p.delete_after <= now.toISOString())
  }

  private async act<T>(fn: (trx: Executor, at: Date) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(trx, this.deps.now()))
  }

  private async openCase(trx: Executor, caseId: number): Promise<Case> {
    const c = await this.deps.cases.get(caseId, trx)
    if (!isPackageCase(c)) throw packageError('not_eligible')
    if (isClosed(c.status)) throw packageError('case_closed')
    return c
  }

  private async editable(trx: Executor, caseId: number): Promise<{ c: Case; p: AccessPackage }> {
    const c = await this.openCase(trx, caseId)
    const p = await this.find(caseId, trx)
    if (!p) throw packageError('no_package')
    if (p.status === 'sent' || p.status === 'deleted') throw packageError('package_sent')
    return { c, p }
  }

  /** A change after review: the package goes back to "compiled" and needs a new review. */
  private async changed(trx: Executor, p: AccessPackage, iso: string, values: Partial<Pick<AccessPackage, 'cover_letter' | 'withheld'>> = {}): Promise<void> {
    await repo.updatePackage(trx, p.id, { ...values, status: 'compiled', reviewed_at: null, reviewed_by: null, updated_at: iso })
  }

  async defaultLetter(c: Case, lang: Lang, db: Executor = this.db): Promise<string> {
    const tpl = await loadTemplate(db, 'access_package', lang)
    return fillPlaceholders(tpl.body, { name: c.name ?? '', reference: c.reference, dueDate: c.due_date, type: t(lang, `types.${c.type}.title`), retentionDays: String(this.deps.config.packageRetentionDays) })
  }

  /** Gathers what the portal holds about the case's address, now; replaces an unsent earlier compile. */
  async compile(actor: Actor, caseId: number, langChoice?: Lang | null): Promise<AccessPackage> {
    return this.act(async (trx, at) => {
      let c = await this.openCase(trx, caseId)
      const iso = at.toISOString()
      if (c.status === 'new') c = await this.deps.cases.applyStatus(trx, c, 'in_progress', iso, { type: 'staff', id: actor.id }, null)
      const existing = await this.find(caseId, trx)
      const lang: Lang = langChoice ?? (existing && isLang(existing.lang) ? existing.lang : isLang(c.lang) ? c.lang : 'sv')
      const key = registerKey(c)
      const gathered = key === null ? emptyGathered() : await gatherFor(trx, key, this.deps.config.suppressionKey, c.id)
      const found = foundSystems(gathered)
      const doc = buildDocument(c, gathered, await mapForSystems(trx, found), lang, at)
      const count = recordCount(gathered)
      const data = seal(this.key, JSON.stringify(doc))
      const keepLetter = existing?.cover_letter && existing.lang === lang ? existing.cover_letter : await this.defaultLetter(c, lang, trx)
      const values = { status: 'compiled' as const, lang, data, record_count: count, compiled_at: iso, compiled_by: actor.id, cover_letter: keepLetter, reviewed_at: null, reviewed_by: null, sent_at: null, sent_by: null, delete_after: null, deleted_at: null, updated_at: iso }
      if (existing) {
        await repo.updatePackage(trx, existing.id, values)
        await repo.deleteCodes(trx, existing.id)
      } else {
        await repo.insertPackage(trx, caseId, iso, values)
      }
      // `systems`: where the data was found, which the Art. 15 information was tailored to.
      const summary = { records: count, newsletter: gathered.newsletter.length, candidates: gathered.candidates.length, cases: gathered.cases.length, systems: found, lang }
      await addCaseEvent(trx, { caseId, kind: 'package_compiled', actor: { type: 'staff', id: actor.id }, data: { ...summary, summary: `${count}` }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.compile', caseId, data: summary, at })
      return (await this.find(caseId, trx))!
    })
  }

  /** Checks and stores one upload in full; nothing is recorded until `commitFile` (a refused request changes nothing). */
  async stageFile(caseId: number, filename: string, stream: Readable & { truncated?: boolean }): Promise<StagedFile> {
    const { dataDir, packageUploadMaxBytes } = this.deps.config
    const name = cleanFilename(filename)
    // Checked before the upload is stored, so a refused request leaves nothing on disk.
    try {
      const { p } = await this.editable(this.db, caseId)
      if ((await repo.countFiles(this.db, p.id)) >= MAX_FILES) throw packageError('too_many_files', { max: MAX_FILES })
    } catch (error) {
      stream.resume()
      throw error
    }
    const stored = await storeUpload(dataDir, name, stream)
    if (!stored.ok) {
      if (stored.problem === 'too_large') throw packageError('file_too_large', { max: formatBytes(packageUploadMaxBytes) })
      if (stored.problem === 'empty') throw packageError('file_empty')
      throw packageError('file_type', { types: ALLOWED_EXTENSIONS.join(', ') })
    }
    return { caseId, name, stored }
  }

  /** Removes a staged upload that will not be added (the rest of its request was refused). */
  async discardStaged(staged: StagedFile): Promise<void> {
    await removeStored(this.deps.config.dataDir, staged.stored.storedName)
  }

  async commitFile(actor: Actor, staged: StagedFile): Promise<AccessPackageFile> {
    const { caseId, name, stored } = staged
    try {
      return await this.act(async (trx, at) => {
        const { p: current } = await this.editable(trx, caseId)
        const iso = at.toISOString()
        const row = await repo.insertFile(trx, { package_id: current.id, stored_name: stored.storedName, original_name: name, extension: stored.extension, content_type: stored.contentType, size: stored.size, sha256: stored.sha256, uploaded_by: actor.id, created_at: iso })
        await this.changed(trx, current, iso)
        await addCaseEvent(trx, { caseId, kind: 'package_file_added', actor: { type: 'staff', id: actor.id }, data: { fileId: row.id, summary: `${name} (${formatBytes(stored.size)})` }, at: iso })
        await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.file_add', caseId, data: { fileId: row.id, size: stored.size, type: stored.extension, sha256: stored.sha256 }, at })
        return row
      })
    } catch (error) {
      await this.discardStaged(staged)
      throw error
    }
  }

  /** The three steps of one upload request, for readUpload. */
  uploadTo(actor: Actor, caseId: number) {
    return {
      stage: (filename: string, stream: Readable & { truncated?: boolean }) => this.stageFile(caseId, filename, stream),
      discard: (staged: StagedFile) => this.discardStaged(staged),
      commit: (staged: StagedFile) => this.commitFile(actor, staged),
    }
  }

  async removeFile(actor: Actor, caseId: number, fileId: number): Promise<void> {
    const removed = await this.act(async (trx, at) => {
      const { p } = await this.editable(trx, caseId)
      const file = await repo.findFile(trx, p.id, fileId)
      if (!file) throw packageError('file_not_found')
      const iso = at.toISOString()
      await repo.deleteFile(trx, file.id)
      await this.changed(trx, p, iso)
      await addCaseEvent(trx, { caseId, kind: 'package_file_removed', actor: { type: 'staff', id: actor.id }, data: { fileId, summary: file.original_name }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.file_remove', caseId, data: { fileId }, at })
      return file
    })
    await removeStored(this.deps.config.dataDir, removed.stored_name)
  }

  /** Saves the letter; `reset` takes it afresh from the template in the package's language. `null`: no text was sent at all. */
  async setCoverLetter(actor: Actor, caseId: number, text: string | null, opts: { reset?: boolean } = {}): Promise<void> {
    if (!opts.reset && text === null) throw packageError('invalid_body')
    await this.act(async (trx, at) => {
      const { c, p } = await this.editable(trx, caseId)
      const letter = opts.reset ? await this.defaultLetter(c, isLang(p.lang) ? p.lang : 'sv', trx) : (text ?? '').replace(/\r\n?/g, '\n').trim()
      if (!letter) throw packageError('cover_letter_required')
      if (letter.length > MAX_LETTER) throw packageError('cover_letter_too_long')
      const iso = at.toISOString()
      await this.changed(trx, p, iso, { cover_letter: letter })
      await addCaseEvent(trx, { caseId, kind: 'package_cover_letter', actor: { type: 'staff', id: actor.id }, data: opts.reset ? { reset: true } : null, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.cover_letter', caseId, data: { reset: opts.reset === true }, at })
    })
  }

  /** The explicit review step: whoever marks it takes responsibility for what will be sent. */
  async review(actor: Actor, caseId: number): Promise<void> {
    await this.act(async (trx, at) => {
      const { p } = await this.editable(trx, caseId)
      if (!p.cover_letter?.trim()) throw packageError('cover_letter_required')
      const iso = at.toISOString()
      await repo.updatePackage(trx, p.id, { status: 'reviewed', reviewed_at: iso, reviewed_by: actor.id, updated_at: iso })
      await addCaseEvent(trx, { caseId, kind: 'package_reviewed', actor: { type: 'staff', id: actor.id }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.review', caseId, data: { records: p.record_count }, at })
    })
  }

  /** Emails the requester a link to their status page and completes the case. */
  async send(actor: Actor, caseId: number): Promise<void> {
    await this.act(async (trx, at) => {
      const { p } = await this.editable(trx, caseId)
      let c = await this.openCase(trx, caseId)
      if (p.status !== 'reviewed') throw packageError('not_reviewed')
      const iso = at.toISOString()
      if (c.status === 'new') c = await this.deps.cases.applyStatus(trx, c, 'in_progress', iso, { type: 'staff', id: actor.id }, null)
      const check = transition(c.status, 'completed', { role: actor.role })
      if (!check.ok) throw new DomainError(check.code, 409, check.key, check.params)
      const lang: Lang = isLang(p.lang) ? p.lang : 'sv'
      const deleteAfter = new Date(at.getTime() + this.deps.config.packageRetentionDays * DAY).toISOString()
      await repo.updatePackage(trx, p.id, { status: 'sent', sent_at: iso, sent_by: actor.id, delete_after: deleteAfter, updated_at: iso })
      // Something left out is a partial refusal: the letter names it with its reason and ends with the Art. 12(4) notice.
      const withheld = this.withheld(p)
      const letter = withheld.length ? withRefusalNotice(`${(p.cover_letter ?? '').trimEnd()}\n\n${withheldText(withheld, lang)}`, lang) : (p.cover_letter ?? '')
      const messageId = await insertCaseMessage(trx, { caseId: c.id, direction: 'out', body: letter, staffId: actor.id, template: 'access_package', lang, at: iso })
      const token = newToken()
      await insertAccessToken(trx, c.id, hashToken(token), iso)
      const mail = this.deps.renderEmail('package-ready', lang, 'access.email.readySubject', { body: letter, statusUrl: `${this.deps.config.publicUrl}/status/${token}`, reference: c.reference, days: this.deps.config.packageRetentionDays, until: deleteAfter.slice(0, 10) })
      await enqueueEmail(trx, { kind: 'package_ready', to: c.email, toName: c.name, caseId: c.id, ...mail }, { from: this.deps.config.mailFrom, now: at, seal: this.key })
      await addCaseEvent(trx, { caseId, kind: 'message_out', actor: { type: 'staff', id: actor.id }, data: { messageId, template: 'access_package' }, at: iso })
      await addCaseEvent(trx, { caseId, kind: 'package_sent', actor: { type: 'staff', id: actor.id }, data: { deleteAfter, summary: deleteAfter.slice(0, 10) }, at: iso })
      const partial = withheld.length ? withheld.map((w) => `${w.description}: ${w.reason}`).join('\n') : null
      await this.deps.cases.applyStatus(trx, c, 'completed', iso, { type: 'staff', id: actor.id }, partial)
      await setPackageRefusal(trx, c.id, partial)
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'package.send', caseId, data: { deleteAfter, withheld: withheld.length }, at })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.status', caseId, data: { from: c.status, to: 'completed' }, at })
    })
    this.deps.mailQueued()
  }

  /** The ZIP as the requester gets it: report.html, data.json and the files. */
  async buildZip(c: Case, p: AccessPackage): Promise<{ zip: Buffer; filename: string }> {
    const doc = this.document(p)
    if (!doc) throw packageError('no_package')
    const { dataDir } = this.deps.config
    const entries: ZipEntry[] = []
    const files = await this.files(p.id)
    files.forEach((f, i) => {
      const name = `attachments/${String(i + 1).padStart(2, '0')}-${f.original_name}`
      entries.push({ name, path: storedPath(dataDir, f.stored_name) })
      doc.attachments.push({ file: name, name: f.original_name, contentType: f.content_type, size: f.size, sha256: f.sha256, origin: 'staff_upload' })
    })
    // A candidate's CV is part of their data: included when the register still has the file.
    const candidates = await candidateCvs(this.db, emailKey(c.email))
    let n = 0
    for (const [i, cand] of candidates.entries()) {
      const path = cand.cv_path ? registerFilePath(dataDir, cand.cv_path) : null
      const cv = doc.records.candidates[i]?.cv
      if (!path || !cv) continue
      let data: Buffer
      try {
        data = await readFile(path)
      } catch {
        continue
      }
      n += 1
      const name = `register-files/cv-${n}-${cleanFilename(cand.cv_filename ?? 'cv')}`
      entries.push({ name, data })
      cv.file = name
      doc.attachments.push({ file: name, name: cleanFilename(cand.cv_filename ?? 'cv'), contentType: cand.cv_content_type ?? 'application/octet-stream', size: data.length, sha256: createHash('sha256').update(data).digest('hex'), origin: 'candidate_cv' })
    }
    doc.withheld = this.withheld(p)
    const html = this.deps.renderReport(doc, p.cover_letter)
    entries.unshift({ name: 'data.json', data: Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8') })
    entries.unshift({ name: 'report.html', data: Buffer.from(html, 'utf8') })
    const zip = await makeZip(entries, new Date(doc.generatedAt))
    const word = p.lang === 'en' ? 'your-data' : 'dina-uppgifter'
    return { zip, filename: `${c.reference}-${word}.zip` }
  }

  /** Staff open the ZIP exactly as it will be sent, to review it. */
  async preview(actor: Actor, caseId: number): Promise<{ zip: Buffer; filename: string }> {
    const c = await this.deps.cases.get(caseId)
    const p = await this.find(caseId)
    if (!p || this.isGone(p)) throw packageError('no_package')
    const out = await this.buildZip(c, p)
    await appendAudit(this.db, { actorType: 'staff', actorId: actor.id, action: 'package.preview', caseId, data: { bytes: out.zip.length }, at: this.deps.now() })
    return out
  }

  /** The requester asks for a code to the case's address; earlier codes stop working. */
  async requestCode(c: Case): Promise<CodeRequest> {
    const p = await this.find(c.id)
    if (!p || p.status !== 'sent' || this.isGone(p)) return { ok: false, problem: 'gone' }
    const at = this.deps.now()
    const iso = at.toISOString()
    const bucket = keyedHash(this.deps.config.sessionSecret, `package:${p.id}`)
    const recent = await countRecent(this.db, 'package_code', bucket, new Date(at.getTime() - 3_600_000).toISOString(), this.deps.config.packageCodesPerHour)
    if (recent >= this.deps.config.packageCodesPerHour) return { ok: false, problem: 'rate_limited' }
    const code = newCode()
    const lang: Lang = isLang(p.lang) ? p.lang : 'sv'
    await this.act(async (trx) => {
      await recordEvent(trx, 'package_code', bucket, iso)
      await repo.replaceCode(trx, p.id, codeHash(this.deps.config.sessionSecret, p.id, code), new Date(at.getTime() + CODE_TTL_MS).toISOString(), iso)
      const mail = this.deps.renderEmail('package-code', lang, 'access.email.codeSubject', { code, reference: c.reference, minutes: CODE_TTL_MS / 60_000 })
      await enqueueEmail(trx, { kind: 'package_code', to: c.email, toName: c.name, caseId: c.id, ...mail }, { from: this.deps.config.mailFrom, now: at, seal: this.key })
      await addCaseEvent(trx, { caseId: c.id, kind: 'package_code_sent', actor: { type: 'requester' }, at: iso })
      await appendAudit(trx, { actorType: 'requester', actorId: null, action: 'package.code', caseId: c.id, at })
    })
    this.deps.mailQueued()
    return { ok: true }
  }

  /** Checks the code (each try counts, taken atomically before comparing) and hands out the ZIP. */
  async download(c: Case, code: string): Promise<DownloadResult> {
    const p = await this.find(c.id)
    if (!p || p.status !== 'sent' || this.isGone(p)) return { ok: false, problem: 'gone' }
    const at = this.deps.now()
    const iso = at.toISOString()
    const row = await repo.latestOpenCode(this.db, p.id)
    if (!row) return { ok: false, problem: 'no_code' }
    if (row.expires_at <= iso) return { ok: false, problem: 'expired' }
    if (!(await repo.takeCodeTry(this.db, row.id, CODE_TRIES))) return { ok: false, problem: 'used_up' }
    const triesLeft = CODE_TRIES - (row.attempts + 1)
    if (!codeMatches(this.deps.config.sessionSecret, p.id, code, row.code_hash)) {
      await appendAudit(this.db, { actorType: 'requester', actorId: null, action: 'package.code_wrong', caseId: c.id, data: { triesLeft }, at })
      return { ok: false, problem: triesLeft > 0 ? 'wrong' : 'used_up', triesLeft }
    }
    const out = await this.buildZip(c, p)
    const downloadId = randomUUID()
    await this.act(async (trx) => {
      await repo.markCodeUsed(trx, row.id, iso)
      await repo.countDownload(trx, p.id)
      await addCaseEvent(trx, { caseId: c.id, kind: 'package_downloaded', actor: { type: 'requester' }, data: { bytes: out.zip.length }, at: iso })
      await appendAudit(trx, { actorType: 'requester', actorId: null, action: 'package.download', caseId: c.id, data: { bytes: out.zip.length, download: downloadId }, at })
    })
    return { ok: true, ...out }
  }

  /** Deletes packages (their data and files) whose retention has run out. */
  async purgeExpired(now: Date = this.deps.now()): Promise<number> {
    const iso = now.toISOString()
    const due = await repo.findExpiredPackages(this.db, iso)
    for (const p of due) {
      const files = await this.files(p.id)
      await this.act(async (trx) => {
        await repo.markPackageDeleted(trx, p.id, iso)
        // What the case's systems sent for the package goes with it.
        await clearCaseTaskResults(trx, p.case_id, iso)
        await addCaseEvent(trx, { caseId: p.case_id, kind: 'package_deleted', actor: { type: 'system' }, data: { files: files.length }, at: iso })
        await appendAudit(trx, { actorType: 'system', actorId: null, action: 'package.delete', caseId: p.case_id, data: { files: files.length }, at: now })
      })
      for (const f of files) await removeStored(this.deps.config.dataDir, f.stored_name)
    }
    return due.length
  }
}
