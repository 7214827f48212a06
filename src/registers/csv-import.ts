import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import type { MultipartForm } from '../http/multipart-form.js'
import { MAX_NAME } from '../intake/request-types.js'
import { parseEmail } from '../intake/email-address.js'
import { isLinkLikeName } from '../intake/name-rule.js'
import { cleanLine } from '../intake/validate.js'
import type { Actor } from '../staff/actor.js'
import { allCandidateEmails, candidateEmailHash, consentExpiry, erasedCandidateHashes, insertCandidates } from './candidates-repository.js'
import { CsvError, parseCsv } from './csv.js'
import { uploadFail } from './errors.js'
import { allSubscriberEmails, insertSubscribers } from './subscribers-repository.js'
import { suppressionHash } from './suppression-hash.js'
import { allSuppressedHashes } from './suppressions-repository.js'

export const IMPORT_REGISTERS = ['subscribers', 'candidates'] as const
export type ImportRegister = (typeof IMPORT_REGISTERS)[number]

/** Column names as spreadsheets may have them (English or Swedish), mapped to ours. */
const ALIASES: Record<string, string> = {
  email: 'email', 'e-mail': 'email', 'e-post': 'email', epost: 'email', mail: 'email', 'e-postadress': 'email',
  name: 'name', namn: 'name', 'full name': 'name',
  phone: 'phone', telefon: 'phone', tel: 'phone', mobil: 'phone', telephone: 'phone',
  source: 'source', 'källa': 'source',
  subscribed_at: 'subscribed_at', subscribed: 'subscribed_at', 'prenumererar sedan': 'subscribed_at',
  consent_given_at: 'consent_given_at', consent: 'consent_given_at', consent_date: 'consent_given_at', samtycke: 'consent_given_at', 'samtycke lämnat': 'consent_given_at',
}

const COLUMNS: Record<ImportRegister, { required: string[]; optional: string[] }> = {
  subscribers: { required: ['email'], optional: ['name', 'phone', 'source', 'subscribed_at'] },
  candidates: { required: ['email', 'consent_given_at'], optional: ['name', 'phone'] },
}

export type RejectReason = 'field_count' | 'email' | 'email_hidden' | 'name' | 'name_link' | 'phone' | 'date' | 'future_date' | 'source'
export type SkipReason = 'duplicate_in_file' | 'exists' | 'suppressed' | 'withdrawn' | 'consent_expired'

export interface ImportReport {
  register: ImportRegister
  rows: number
  accepted: number
  imported: boolean
  /** Problems with the file as a whole (columns, encoding); nothing is imported. */
  fileErrors: Array<{ code: 'empty' | 'unclosed_quote' | 'missing_column' | 'unknown_column' | 'duplicate_column' | 'no_rows'; column?: string; line?: number }>
  rejected: Array<{ line: number; reason: RejectReason }>
  skipped: Array<{ line: number; reason: SkipReason }>
}

const PHONE = /^\+?[0-9][0-9 ()-]{5,30}$/
const DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

function parseDate(raw: string): Date | null {
  const v = raw.trim()
  if (!DATE.test(v)) return null
  const d = new Date(v.length === 10 ? v + 'T00:00:00Z' : v.replace(' ', 'T'))
  if (Number.isNaN(d.getTime())) return null
  // new Date('2026-02-30') rolls over to March; a date-only value must come back as itself.
  if (v.length === 10 && d.toISOString().slice(0, 10) !== v) return null
  return d
}

interface Row {
  line: number
  email: string
  key: string
  name: string | null
  phone: string | null
  source: string | null
  date: string | null
}

/**
 * Checks the whole file first and writes in one transaction, so an import is all or nothing.
 * Rejected rows (bad data) stop the import unless `partial` is set; skipped rows (already there,
 * suppressed, withdrawn, duplicates) never do, and none of them is ever re-added.
 */
export async function importCsv(db: Db, config: Config, register: ImportRegister, text: string, opts: { partial: boolean; actor: Actor; now: Date; dryRun?: boolean }): Promise<ImportReport> {
  const report: ImportReport = { register, rows: 0, accepted: 0, imported: false, fileErrors: [], rejected: [], skipped: [] }
  let records
  try {
    records = parseCsv(text)
  } catch (error) {
    if (error instanceof CsvError) {
      report.fileErrors.push({ code: error.problem, line: error.line })
      return report
    }
    throw error
  }
  const [header, ...body] = records
  const spec = COLUMNS[register]
  const columns = header.fields.map((h) => ALIASES[h.trim().toLowerCase()] ?? null)
  header.fields.forEach((h, i) => {
    const c = columns[i]
    if (c === null || ![...spec.required, ...spec.optional].includes(c)) report.fileErrors.push({ code: 'unknown_column', column: h.trim().slice(0, 60) })
    else if (columns.indexOf(c) !== i) report.fileErrors.push({ code: 'duplicate_column', column: h.trim().slice(0, 60) })
  })
  for (const r of spec.required) if (!columns.includes(r)) report.fileErrors.push({ code: 'missing_column', column: r })
  if (body.length === 0) report.fileErrors.push({ code: 'no_rows' })
  report.rows = body.length
  if (report.fileErrors.length) return report

  const at = opts.now.toISOString()
  const col = (fields: string[], name: string) => {
    const i = columns.indexOf(name)
    return i < 0 ? '' : (fields[i] ?? '')
  }
  const existing = register === 'subscribers' ? await allSubscriberEmails(db) : await allCandidateEmails(db)
  // The list holds keyed hashes: each row's address is hashed the same way to compare.
  const suppressed = register === 'subscribers' ? await allSuppressedHashes(db) : new Set<string>()
  const erasedHashes = register === 'candidates' ? await erasedCandidateHashes(db) : new Set<string>()
  const seen = new Set<string>()
  const rows: Row[] = []

  for (const rec of body) {
    const f = rec.fields
    if (f.length !== header.fields.length) {
      report.rejected.push({ line: rec.line, reason: 'field_count' })
      continue
    }
    const parsed = parseEmail(col(f, 'email'))
    if (!parsed.ok) {
      report.rejected.push({ line: rec.line, reason: parsed.problem === 'hidden_characters' ? 'email_hidden' : 'email' })
      continue
    }
    const { email, key } = parsed
    const name = cleanLine(col(f, 'name'))
    if (name && name.length > MAX_NAME) {
      report.rejected.push({ line: rec.line, reason: 'name' })
      continue
    }
    if (name && isLinkLikeName(name)) {
      report.rejected.push({ line: rec.line, reason: 'name_link' })
      continue
    }
    const phone = cleanLine(col(f, 'phone'))
    if (phone && !PHONE.test(phone)) {
      report.rejected.push({ line: rec.line, reason: 'phone' })
      continue
    }
    const source = cleanLine(col(f, 'source'))
    if (source && source.length > 200) {
      report.rejected.push({ line: rec.line, reason: 'source' })
      continue
    }
    const dateColumn = register === 'subscribers' ? 'subscribed_at' : 'consent_given_at'
    const rawDate = col(f, dateColumn).trim()
    let date: string | null = null
    if (rawDate !== '' || register === 'candidates') {
      const d = parseDate(rawDate)
      if (!d) {
        report.rejected.push({ line: rec.line, reason: 'date' })
        continue
      }
      if (d.getTime() > opts.now.getTime()) {
        report.rejected.push({ line: rec.line, reason: 'future_date' })
        continue
      }
      date = d.toISOString()
    }
    if (seen.has(key)) {
      report.skipped.push({ line: rec.line, reason: 'duplicate_in_file' })
      continue
    }
    seen.add(key)
    if (existing.has(key)) report.skipped.push({ line: rec.line, reason: 'exists' })
    else if (register === 'subscribers' && suppressed.has(suppressionHash(config.suppressionKey, key))) report.skipped.push({ line: rec.line, reason: 'suppressed' })
    else if (register === 'candidates' && erasedHashes.has(candidateEmailHash(config.sessionSecret, key))) report.skipped.push({ line: rec.line, reason: 'withdrawn' })
    else if (register === 'candidates' && consentExpiry(date!) <= at) report.skipped.push({ line: rec.line, reason: 'consent_expired' })
    else rows.push({ line: rec.line, email, key, name, phone, source, date })
  }
  report.accepted = rows.length
  if ((report.rejected.length > 0 && !opts.partial) || opts.dryRun || rows.length === 0) return report

  await db.transaction().execute(async (trx) => {
    if (register === 'subscribers') {
      await insertSubscribers(trx, config.sessionSecret, rows.map((r) => ({ email: r.email, emailNormalized: r.key, name: r.name, phone: r.phone, source: r.source ?? 'import', subscribedAt: r.date ?? at })), at)
    } else {
      await insertCandidates(trx, config.sessionSecret, rows.map((r) => ({ email: r.email, emailNormalized: r.key, name: r.name, phone: r.phone, consentGivenAt: r.date! })), at)
    }
    await appendAudit(trx, {
      actorType: opts.actor.type,
      actorId: opts.actor.id,
      action: 'register.import',
      target: register,
      data: { rows: report.rows, imported: rows.length, rejected: report.rejected.length, skipped: report.skipped.length },
      at: opts.now,
    })
  })
  report.imported = true
  return report
}

/** Plain-English lines for the CLI (the staff page shows the same report translated). */
export function reportLines(r: ImportReport, limit = 50): string[] {
  const lines: string[] = []
  if (r.fileErrors.length) {
    lines.push('The file was not imported:')
    for (const e of r.fileErrors) lines.push(`  ${e.code}${e.column ? ` "${e.column}"` : ''}${e.line ? ` (line ${e.line})` : ''}`)
    return lines
  }
  lines.push(`Rows: ${r.rows}. Accepted: ${r.accepted}. Rejected: ${r.rejected.length}. Skipped: ${r.skipped.length}.`)
  lines.push(r.imported ? `Imported ${r.accepted} ${r.register}.` : r.rejected.length ? 'Nothing was imported: fix the rejected rows, or run again with --partial to import the accepted rows only.' : 'Nothing was imported.')
  for (const x of r.rejected.slice(0, limit)) lines.push(`  rejected line ${x.line}: ${x.reason}`)
  if (r.rejected.length > limit) lines.push(`  … and ${r.rejected.length - limit} more rejected`)
  for (const x of r.skipped.slice(0, limit)) lines.push(`  skipped line ${x.line}: ${x.reason}`)
  if (r.skipped.length > limit) lines.push(`  … and ${r.skipped.length - limit} more skipped`)
  return lines
}

/**
 * The staff import form: the register chosen, one UTF-8 file within the size limit, then the
 * import itself. A form problem is an uploadFail error for the page to show.
 */
export async function importUpload(db: Db, config: Config, form: MultipartForm, opts: { actor: Actor; now: Date }): Promise<ImportReport> {
  const register = form.fields.register ?? ''
  if (!(IMPORT_REGISTERS as readonly string[]).includes(register)) throw uploadFail('choose_register')
  if (!form.file || form.file.bytes.length === 0) throw uploadFail('choose_file')
  if (form.file.truncated) throw uploadFail('import_too_large', { mb: Math.round(config.importMaxBytes / 1024 / 1024) })
  const text = form.file.bytes.toString('utf8')
  if (text.includes('\uFFFD')) throw uploadFail('not_utf8')
  return importCsv(db, config, register as ImportRegister, text, { partial: form.fields.partial === 'on', ...opts })
}
