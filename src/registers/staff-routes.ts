import { emailWarning } from '../intake/email-address.js'
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { appendAudit } from '../audit/log.js'
import { readMultipartForm } from '../http/multipart-form.js'
import { sendPrivateFile } from '../http/private-download.js'
import { authorityPending } from '../cases/authority.js'
import { t, type Lang, type MessageKey } from '../i18n/index.js'
import { staffActor } from '../staff/actor.js'
import { findCandidate, listCandidates, updateCandidate } from './candidates-repository.js'
import { IMPORT_REGISTERS, importCsv, type ImportRegister, type ImportReport } from './csv-import.js'
import { cleanFilename, cvFile, deleteCv, sniffCv, storeCv } from './cv-storage.js'
import { ChecklistError, setRecipientStatus } from './recipient-checklist.js'
import { decideProposal, RectificationError } from './rectification.js'
import { listSubscribers } from './subscribers-repository.js'

const s = (v: unknown) => (typeof v === 'string' ? v : '')

/** Reads a multipart form: its text fields and at most one file, stopping at `maxBytes`. */
const readUpload = (request: FastifyRequest, maxBytes: number) => readMultipartForm(request, maxBytes)

/** /staff/registers: the newsletter and candidate registers, CSV import and CV upload. */
export async function registerStaffRoutes(app: FastifyInstance) {
  await app.register(multipart, { limits: { fileSize: Math.max(app.config.importMaxBytes, app.config.cvMaxBytes), files: 1, fields: 10, fieldSize: 1000 }, throwFileSizeLimit: false })
  const viewer = { preHandler: app.requireStaff('viewer') }
  const handler = { preHandler: app.requireStaff('handler') }
  const admin = { preHandler: app.requireStaff('admin') }
  const caseForm = { preHandler: [app.requireStaff('handler'), app.staffCsrfCheck] }

  function reportView(lang: Lang, r: ImportReport) {
    const reason = (kind: 'rejected' | 'skipped', code: string) => t(lang, `registers.import.${kind}Reasons.${code}`)
    return {
      ...r,
      fileErrors: r.fileErrors.map((e) => ({ message: t(lang, `registers.import.fileErrors.${e.code}`, { column: e.column ?? '', line: e.line ?? '' }) })),
      rejected: r.rejected.slice(0, 200).map((x) => ({ line: x.line, reason: reason('rejected', x.reason) })),
      skipped: r.skipped.slice(0, 200).map((x) => ({ line: x.line, reason: reason('skipped', x.reason) })),
      rejectedCount: r.rejected.length,
      skippedCount: r.skipped.length,
      more: r.rejected.length > 200 || r.skipped.length > 200,
    }
  }

  async function page(request: FastifyRequest, reply: FastifyReply, o: { report?: ImportReport; error?: string; notice?: string; status?: number; values?: Record<string, string> } = {}) {
    const lang = request.lang
    const q = s((request.query as Record<string, unknown> | undefined)?.q).trim().slice(0, 100)
    const subscribers = await listSubscribers(app.db, { q, limit: 100, offset: 0 })
    const candidates = await listCandidates(app.db, { q, limit: 100, offset: 0 })
    const count = async (table: 'newsletter_subscribers' | 'candidates' | 'suppressions') =>
      Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const me = request.staff!
    reply.header('Cache-Control', 'no-store')
    return reply.staffPage(
      'staff/registers',
      {
        staffArea: true,
        q,
        counts: { subscribers: await count('newsletter_subscribers'), candidates: await count('candidates'), suppressions: await count('suppressions') },
        subscribers: subscribers.map((x) => ({ ...x, mixedScripts: emailWarning(x.email) !== null, statusLabel: t(lang, `registers.subscriberStatuses.${x.status}`) })),
        candidates: candidates.map((x) => ({ ...x, mixedScripts: emailWarning(x.email) !== null, statusLabel: t(lang, `registers.candidateStatuses.${x.status}`), expires: x.consent_expires_at.slice(0, 10) })),
        canWork: me.role !== 'viewer',
        isAdmin: me.role === 'admin',
        registerOptions: IMPORT_REGISTERS.map((value) => ({ value, label: t(lang, `registers.import.registers.${value}`), selected: value === (o.values?.register ?? 'subscribers') })),
        report: o.report ? reportView(lang, o.report) : null,
        errorList: o.error ? [{ id: 'main', message: o.error }] : [],
        notice: o.notice,
        cvMaxMb: Math.round((app.config.cvMaxBytes / 1024 / 1024) * 10) / 10,
        csrf: app.staffCsrf.token(request, reply),
      },
      { status: o.status ?? 200, title: t(lang, 'registers.title') },
    )
  }

  app.get('/registers', viewer, async (request, reply) => {
    const done = s((request.query as Record<string, unknown> | undefined)?.done)
    return page(request, reply, { notice: done === 'cv' ? t(request.lang, 'registers.cv.uploaded') : undefined })
  })

  app.post('/registers/import', { ...admin, config: { csrf: 'form' } }, async (request, reply) => {
    const lang = request.lang
    const upload = await readUpload(request, app.config.importMaxBytes)
    const values = { register: upload.fields.register ?? '' }
    if (!app.staffCsrf.verify(request, upload.fields._csrf)) return page(request, reply, { error: t(lang, 'errors.csrf'), status: 403, values })
    if (!(IMPORT_REGISTERS as readonly string[]).includes(values.register)) return page(request, reply, { error: t(lang, 'registers.import.chooseRegister'), status: 400, values })
    if (!upload.file || upload.file.bytes.length === 0) return page(request, reply, { error: t(lang, 'registers.import.chooseFile'), status: 400, values })
    if (upload.file.truncated) return page(request, reply, { error: t(lang, 'registers.import.tooLarge', { mb: Math.round(app.config.importMaxBytes / 1024 / 1024) }), status: 413, values })
    const text = upload.file.bytes.toString('utf8')
    if (text.includes('\uFFFD')) return page(request, reply, { error: t(lang, 'registers.import.notUtf8'), status: 400, values })
    const report = await importCsv(app.db, app.config, values.register as ImportRegister, text, { partial: upload.fields.partial === 'on', actor: staffActor(request.staff!.id), now: app.clock() })
    return page(request, reply, { report, values, status: report.fileErrors.length || (report.rejected.length && !report.imported) ? 400 : 200 })
  })

  app.post<{ Params: { id: string } }>('/registers/candidates/:id/cv', { ...handler, config: { csrf: 'form' } }, async (request, reply) => {
    const lang = request.lang
    const upload = await readUpload(request, app.config.cvMaxBytes)
    if (!app.staffCsrf.verify(request, upload.fields._csrf)) return page(request, reply, { error: t(lang, 'errors.csrf'), status: 403 })
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
    const candidate = id === null ? undefined : await findCandidate(app.db, id)
    if (!candidate) return page(request, reply, { error: t(lang, 'registers.cv.noCandidate'), status: 404 })
    if (candidate.status !== 'active') return page(request, reply, { error: t(lang, 'registers.cv.notActive'), status: 409 })
    if (!upload.file || upload.file.bytes.length === 0) return page(request, reply, { error: t(lang, 'registers.cv.chooseFile'), status: 400 })
    if (upload.file.truncated) return page(request, reply, { error: t(lang, 'registers.cv.tooLarge', { mb: Math.round((app.config.cvMaxBytes / 1024 / 1024) * 10) / 10 }), status: 413 })
    const type = sniffCv(upload.file.bytes, upload.file.filename)
    if (!type) return page(request, reply, { error: t(lang, 'registers.cv.badType'), status: 415 })
    const path = await storeCv(app.config.dataDir, upload.file.bytes, type)
    const at = app.clock()
    const old = candidate.cv_path
    await app.db.transaction().execute(async (trx) => {
      await updateCandidate(trx, candidate.id, { cv_path: path, cv_filename: cleanFilename(upload.file!.filename), cv_content_type: type.contentType, cv_size: upload.file!.bytes.length, updated_at: at.toISOString() })
      await appendAudit(trx, { actorType: 'staff', actorId: request.staff!.id, action: 'register.cv_upload', target: `candidate:${candidate.id}`, data: { size: upload.file!.bytes.length, type: type.ext }, at })
    })
    // A replaced CV is not kept.
    if (old) await deleteCv(app.config.dataDir, old)
    return reply.redirect('/staff/registers?done=cv', 303)
  })

  app.get<{ Params: { id: string } }>('/registers/candidates/:id/cv', handler, async (request, reply) => {
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
    const candidate = id === null ? undefined : await findCandidate(app.db, id)
    if (!candidate?.cv_path) return reply.staffPage('message', { title: t(request.lang, 'errors.notFoundTitle'), paragraphs: [t(request.lang, 'registers.cv.none')] }, { status: 404, title: t(request.lang, 'errors.notFoundTitle') })
    await appendAudit(app.db, { actorType: 'staff', actorId: request.staff!.id, action: 'register.cv_download', target: `candidate:${candidate.id}`, at: app.clock() })
    return sendPrivateFile(reply, cvFile(app.config.dataDir, candidate.cv_path), { contentType: candidate.cv_content_type, name: candidate.cv_filename, fallbackName: 'cv' })
  })

  async function caseOr404(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
    const c = id === null ? undefined : await app.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst()
    if (!c) reply.staffPage('message', { title: t(request.lang, 'errors.notFoundTitle'), paragraphs: [t(request.lang, 'errors.notFound')] }, { status: 404, title: t(request.lang, 'errors.notFoundTitle') })
    return c
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, caseId: number, key: MessageKey, status: number) {
    return reply.staffPage(
      'message',
      { title: t(request.lang, 'registers.refusedTitle'), paragraphs: [t(request.lang, key)], link: { href: `/staff/cases/${caseId}`, text: t(request.lang, 'registers.backToCase') } },
      { status, title: t(request.lang, 'registers.refusedTitle') },
    )
  }

  app.post<{ Params: { id: string } }>('/cases/:id/recipients', caseForm, async (request, reply) => {
    const c = await caseOr404(request, reply)
    if (!c) return reply
    // Issue 15 §5: nothing is done in the registers for a representative whose authority is unchecked.
    if (authorityPending(c)) return refuse(request, reply, c.id, 'behalf.staff.unchecked', 409)
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      await app.db.transaction().execute((trx) => setRecipientStatus(trx, c, { recipient: s(body.recipient), status: s(body.status), reason: s(body.reason).slice(0, 1000) }, request.staff!.id, app.clock()))
    } catch (error) {
      if (error instanceof ChecklistError) return refuse(request, reply, c.id, `registers.recipients.errors.${error.code}`, 400)
      throw error
    }
    return reply.redirect(`/staff/cases/${c.id}?done=1`, 303)
  })

  app.post<{ Params: { id: string } }>('/cases/:id/rectification', caseForm, async (request, reply) => {
    const c = await caseOr404(request, reply)
    if (!c) return reply
    // Issue 15 §5: nothing is done in the registers for a representative whose authority is unchecked.
    if (authorityPending(c)) return refuse(request, reply, c.id, 'behalf.staff.unchecked', 409)
    const body = (request.body ?? {}) as Record<string, unknown>
    const decision = s(body.decision) === 'reject' ? 'reject' : 'apply'
    const proposalId = /^\d{1,12}$/.test(s(body.proposal)) ? Number(s(body.proposal)) : -1
    let outcome
    try {
      outcome = await app.db.transaction().execute((trx) => decideProposal(trx, app.config, c, { proposalId, decision, field: s(body.field), value: s(body.value), reason: s(body.reason).slice(0, 5000) }, request.staff!.id, app.clock()))
    } catch (error) {
      if (error instanceof RectificationError) return refuse(request, reply, c.id, `registers.rectification.errors.${error.code}`, error.code === 'not_found' ? 404 : error.code === 'decided' ? 409 : 400)
      throw error
    }
    // Tell the requester what was done (a case message, so it is on their status page too).
    const lang = (c.lang === 'en' ? 'en' : 'sv') as Lang
    const field = t(lang, `registers.fields.${outcome.field}`).toLowerCase()
    const text = t(lang, outcome.applied ? 'registers.rectification.appliedMessage' : 'registers.rectification.rejectedMessage', { field, reason: outcome.reason ?? '' })
    const actor = { id: request.staff!.id, role: request.staff!.role }
    await app.cases.sendMessage(actor, c.id, { text, lang, refusal: !outcome.applied })
    if (outcome.applied) {
      const current = await app.cases.get(c.id)
      if (current.status === 'new') await app.cases.changeStatus(actor, c.id, 'in_progress')
      if (current.status === 'new' || current.status === 'in_progress') await app.cases.changeStatus(actor, c.id, 'completed')
    }
    return reply.redirect(`/staff/cases/${c.id}?done=1`, 303)
  })
}
