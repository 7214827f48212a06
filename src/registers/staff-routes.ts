import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findCaseById } from '../cases/records.js'
import { DomainError } from '../domain/errors.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'
import { domainMessage } from '../http/errors.js'
import { readMultipartForm } from '../http/multipart-form.js'
import { sendPrivateFile } from '../http/private-download.js'
import { IdParams, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { staffActor } from '../staff/actor.js'
import { IMPORT_REGISTERS, importUpload, type ImportReport } from './csv-import.js'
import { cvForDownload, uploadCv } from './cv-service.js'
import { registersOverview } from './overview.js'
import { markRecipient } from './recipient-checklist.js'
import { actOnRecord, RECORD_ACTIONS, type RecordAction } from './record-actions.js'
import { recordById, restrictedSinceText } from './record-view.js'
import { decideRectification } from './rectification.js'

// Forms send strings; the services check what they mean and name the problem.
const PageQuery = Type.Object({ q: Type.Optional(Type.String()), done: Type.Optional(Type.String()) })
const RecipientForm = Type.Object({ recipient: Type.Optional(Type.String()), status: Type.Optional(Type.String()), reason: Type.Optional(Type.String()) })
const RecordForm = Type.Object({
  register: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  value: Type.Optional(Type.String()),
  told: Type.Optional(Type.String()),
  confirm: Type.Optional(Type.String()),
})
const RecordParams = Type.Object({ register: Type.String(), id: Type.String() })
const RectificationForm = Type.Object({
  proposal: Type.Optional(Type.String()),
  decision: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  value: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
})

/** A refusal the page shows; anything else goes on to the scope's error handler. */
function refusal(error: unknown): DomainError {
  if (error instanceof DomainError) return error
  throw error
}

/** /staff/registers: the newsletter and candidate registers, CSV import and CV upload. */
export async function registerStaffRoutes(app: FastifyInstance) {
  await app.register(multipart, { limits: { fileSize: Math.max(app.config.importMaxBytes, app.config.cvMaxBytes), files: 1, fields: 10, fieldSize: 1000 }, throwFileSizeLimit: false })
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const viewer = { preValidation: app.requireStaff('viewer') }
  const handler = { preValidation: app.requireStaff('handler') }
  const admin = { preValidation: app.requireStaff('admin') }
  // Role and form token before the body is validated, so a caller without them learns nothing about it.
  const caseForm = { preValidation: [app.requireStaff('handler'), app.staffCsrfCheck], config: { csrf: 'form' as const } }

  function reportView(lang: Lang, report: ImportReport) {
    const reason = (kind: 'rejected' | 'skipped', code: string) => t(lang, `registers.import.${kind}Reasons.${code}`)
    return {
      ...report,
      fileErrors: report.fileErrors.map((e) => ({ message: t(lang, `registers.import.fileErrors.${e.code}`, { column: e.column ?? '', line: e.line ?? '' }) })),
      rejected: report.rejected.slice(0, 200).map((x) => ({ line: x.line, reason: reason('rejected', x.reason) })),
      skipped: report.skipped.slice(0, 200).map((x) => ({ line: x.line, reason: reason('skipped', x.reason) })),
      rejectedCount: report.rejected.length,
      skippedCount: report.skipped.length,
      more: report.rejected.length > 200 || report.skipped.length > 200,
    }
  }

  async function page(request: FastifyRequest, reply: FastifyReply, o: { report?: ImportReport; error?: string; notice?: string; status?: number; values?: Record<string, string> } = {}) {
    const lang = request.lang
    const query = request.query as Record<string, unknown> | undefined
    const overview = await registersOverview(app.db, typeof query?.q === 'string' ? query.q : '')
    const me = request.staff!
    reply.header('Cache-Control', 'no-store')
    return reply.staffPage(
      'staff/registers',
      {
        staffArea: true,
        q: overview.q,
        counts: overview.counts,
        // Times in Stockholm, as on every staff page; the database keeps UTC instants.
        subscribers: overview.subscribers.map((x) => ({ ...x, subscribedAt: stockholmDateTime(x.subscribed_at), statusLabel: t(lang, `registers.subscriberStatuses.${x.status}`), restrictedSince: restrictedSinceText(lang, x.restricted_at) })),
        candidates: overview.candidates.map((x) => ({ ...x, restrictedSince: restrictedSinceText(lang, x.restricted_at), statusLabel: t(lang, `registers.candidateStatuses.${x.status}`), expires: stockholmDateTime(x.consent_expires_at).slice(0, 10) })),
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

  /** The registers page again, with the refusal above the forms. */
  const refusedPage = (request: FastifyRequest, reply: FastifyReply, error: DomainError, values?: Record<string, string>) =>
    page(request, reply, { error: domainMessage(error, request.lang), status: error.status, values })

  r.get('/registers', { ...viewer, schema: { querystring: PageQuery } }, async (request, reply) => {
    const done = request.query.done
    const notice = done === 'cv' ? t(request.lang, 'registers.cv.uploaded') : done === 'erase' ? t(request.lang, 'registers.actions.done.erase') : undefined
    return page(request, reply, { notice })
  })

  // Multipart: the form token is in the body, so these routes check it themselves (csrf: 'form').
  r.post('/registers/import', { ...admin, config: { csrf: 'form' } }, async (request, reply) => {
    const upload = await readMultipartForm(request, app.config.importMaxBytes)
    const values = { register: upload.fields.register ?? '' }
    if (!app.staffCsrf.verify(request, upload.fields._csrf)) return page(request, reply, { error: t(request.lang, 'errors.csrf'), status: 403, values })
    try {
      const report = await importUpload(app.db, app.config, upload, { actor: staffActor(request.staff!.id), now: app.clock() })
      return await page(request, reply, { report, values, status: report.fileErrors.length || (report.rejected.length && !report.imported) ? 400 : 200 })
    } catch (error) {
      return refusedPage(request, reply, refusal(error), values)
    }
  })

  r.post('/registers/candidates/:id/cv', { ...handler, config: { csrf: 'form' }, schema: { params: IdParams } }, async (request, reply) => {
    const upload = await readMultipartForm(request, app.config.cvMaxBytes)
    if (!app.staffCsrf.verify(request, upload.fields._csrf)) return page(request, reply, { error: t(request.lang, 'errors.csrf'), status: 403 })
    try {
      await uploadCv(app.db, app.config, request.params.id, upload.file, request.staff!.id, app.clock())
    } catch (error) {
      return refusedPage(request, reply, refusal(error))
    }
    return reply.redirect('/staff/registers?done=cv', 303)
  })

  r.get('/registers/candidates/:id/cv', { ...handler, schema: { params: IdParams } }, async (request, reply) => {
    const cv = await cvForDownload(app.db, app.config, request.params.id, request.staff!.id, app.clock())
    const title = t(request.lang, 'errors.notFoundTitle')
    if (!cv) return reply.staffPage('message', { title, paragraphs: [t(request.lang, 'registers.cv.none')] }, { status: 404, title })
    return sendPrivateFile(reply, cv.path, { contentType: cv.contentType, name: cv.name, fallbackName: 'cv' })
  })

  /** A register row's page: its details and, for handlers, the actions; a refusal comes back above the forms with what was typed. */
  async function recordPage(request: FastifyRequest<{ Params: { register: string; id: string } }>, reply: FastifyReply, o: { error?: DomainError; notice?: string; values?: { field?: string; value?: string } } = {}) {
    const lang = request.lang
    const record = await recordById(app.db, request.params.register, request.params.id, lang)
    reply.header('Cache-Control', 'no-store')
    if (!record) {
      const title = t(lang, 'errors.notFoundTitle')
      return reply.staffPage('message', { title, paragraphs: [t(lang, 'registers.actions.errors.record_not_found')], link: { href: '/staff/registers', text: t(lang, 'registers.actions.back') } }, { status: 404, title })
    }
    const pageTitle = t(lang, `registers.actions.recordTitle.${record.register}`)
    return reply.staffPage(
      'staff/register-record',
      {
        staffArea: true,
        record,
        pageTitle,
        canWork: request.staff!.role !== 'viewer',
        errorList: o.error ? [{ id: 'main', message: domainMessage(o.error, lang) }] : [],
        notice: o.notice,
        values: o.values ?? {},
        csrf: app.staffCsrf.token(request, reply),
      },
      { status: o.error?.status ?? 200, title: pageTitle },
    )
  }

  r.get('/registers/:register/:id', { ...viewer, schema: { params: RecordParams, querystring: PageQuery } }, async (request, reply) => {
    const done = request.query.done
    return recordPage(request, reply, { notice: done && (RECORD_ACTIONS as readonly string[]).includes(done) ? t(request.lang, `registers.actions.done.${done as RecordAction}`) : undefined })
  })

  r.post('/registers/:register/:id', { ...caseForm, schema: { params: RecordParams, body: RecordForm } }, async (request, reply) => {
    const { register, id } = request.params
    let done
    try {
      done = await actOnRecord(app.db, app.config, { ...(request.body ?? {}), register, id }, null, request.staff!.id, app.clock())
    } catch (error) {
      return recordPage(request, reply, { error: refusal(error), values: { field: request.body?.field, value: request.body?.value } })
    }
    if (done.action === 'erase') return reply.redirect('/staff/registers?done=erase', 303)
    return reply.redirect(`/staff/registers/${register}/${done.id}?done=${done.action}`, 303)
  })

  async function caseOr404(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    const c = /^\d{1,12}$/.test(request.params.id) ? await findCaseById(app.db, Number(request.params.id)) : undefined
    const title = t(request.lang, 'errors.notFoundTitle')
    if (!c) reply.staffPage('message', { title, paragraphs: [t(request.lang, 'errors.notFound')] }, { status: 404, title })
    return c
  }

  /** A refused case form: the reason, and the way back to the case. */
  function refuse(request: FastifyRequest, reply: FastifyReply, caseId: number, error: DomainError) {
    const title = t(request.lang, 'registers.refusedTitle')
    return reply.staffPage(
      'message',
      { title, paragraphs: [domainMessage(error, request.lang)], link: { href: `/staff/cases/${caseId}`, text: t(request.lang, 'registers.backToCase') } },
      { status: error.status, title },
    )
  }

  r.post('/cases/:id/recipients', { ...caseForm, schema: { params: IdParams, body: RecipientForm } }, async (request, reply) => {
    const c = await caseOr404(request, reply)
    if (!c) return reply
    try {
      await markRecipient(app.db, c, request.body ?? {}, request.staff!.id, app.clock(), app.config.suppressionKey)
    } catch (error) {
      return refuse(request, reply, c.id, refusal(error))
    }
    return reply.redirect(`/staff/cases/${c.id}?done=recipient`, 303)
  })

  r.post('/cases/:id/records', { ...caseForm, schema: { params: IdParams, body: RecordForm } }, async (request, reply) => {
    const c = await caseOr404(request, reply)
    if (!c) return reply
    try {
      await actOnRecord(app.db, app.config, request.body ?? {}, c, request.staff!.id, app.clock())
    } catch (error) {
      return refuse(request, reply, c.id, refusal(error))
    }
    return reply.redirect(`/staff/cases/${c.id}?done=record`, 303)
  })

  r.post('/cases/:id/rectification', { ...caseForm, schema: { params: IdParams, body: RectificationForm } }, async (request, reply) => {
    const c = await caseOr404(request, reply)
    if (!c) return reply
    const staff = { id: request.staff!.id, role: request.staff!.role }
    try {
      await decideRectification({ db: app.db, config: app.config, cases: app.cases }, c, request.body ?? {}, staff, app.clock())
    } catch (error) {
      return refuse(request, reply, c.id, refusal(error))
    }
    return reply.redirect(`/staff/cases/${c.id}?done=rectification`, 303)
  })
}
