import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { caseAction, loadCase, type Body, type CaseActionRequest } from '../cases/staff-action.js'
import type { Case } from '../db/schema.js'
import { IdParams, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, t } from '../i18n/index.js'
import { formatBytes } from './errors.js'
import { ALLOWED_EXTENSIONS } from './files.js'
import { readUpload, UploadProblem } from './multipart.js'
import { refusalOf } from './refusal.js'
import type { AccessPackageService } from './service.js'
import { contentCounts, packageSummary } from './view-model.js'
import { MAX_WITHHELD } from './withheld.js'

type Section = 'compile' | 'file' | 'letter' | 'withheld' | 'review' | 'send' | 'csrf'

interface Problem {
  section: Section
  message: string
}

/** /staff/cases/:id/package: compile, add files, cover letter, review, send (handlers); viewers read. */
export function packageStaffRoutes(service: AccessPackageService) {
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: app.requireStaff('handler') }
    const load = (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => loadCase(app, request, reply)

    async function render(request: FastifyRequest, reply: FastifyReply, c: Case, problem: Problem | null = null, status = 200, letterValue?: string, withheldValue?: Array<{ description: string; reason: string }>) {
      const lang = request.lang
      const me = request.staff!
      const summary = await packageSummary(app.db, service, c, lang)
      const p = await service.find(c.id)
      const files = p ? await service.files(p.id) : []
      const packageLang = p?.lang ?? c.lang
      return reply.staffPage(
        'staff-package',
        {
          staffArea: true,
          c,
          eligible: summary !== null,
          pkg: summary,
          counts: p && summary?.exists && summary.status !== 'deleted' ? contentCounts(service, p) : null,
          files: files.map((f) => ({ id: f.id, name: f.original_name, size: formatBytes(f.size), type: f.extension })),
          letter: letterValue ?? p?.cover_letter ?? '',
          withheldList: p && !service.isGone(p) ? service.withheld(p) : [],
          withheldRows: withheldRows(withheldValue ?? (p ? service.withheld(p) : [])),
          unconfirmed: c.verified_at === null,
          canWork: me.role === 'handler' || me.role === 'admin',
          langs: [
            { value: 'sv', label: 'Svenska', selected: packageLang === 'sv' },
            { value: 'en', label: 'English', selected: packageLang === 'en' },
          ],
          fileHint: t(lang, 'access.page.fileHint', { max: formatBytes(app.config.packageUploadMaxBytes), types: ALLOWED_EXTENSIONS.join(', ') }),
          accept: ALLOWED_EXTENSIONS.map((e) => '.' + e).join(','),
          retentionDays: app.config.packageRetentionDays,
          problem,
          errorList: problem ? [{ id: `${problem.section === 'csrf' ? 'compile' : problem.section}-form`, message: problem.message }] : [],
          done: (request.query as Record<string, unknown> | undefined)?.done === '1',
          csrf: app.staffCsrf.token(request, reply),
        },
        { status, title: t(lang, 'access.page.title', { reference: c.reference }) },
      )
    }

    const page = (c: Case) => `/staff/cases/${c.id}/package`

    r.get('/cases/:id/package', { ...viewer, schema: { params: IdParams, querystring: Type.Object({ done: Type.Optional(Type.String()) }) } }, async (request, reply) => {
      const c = await load(request, reply)
      if (!c) return reply
      await app.cases.recordView(request.staff!, c.id)
      return render(request, reply, c)
    })

    /** A package form (src/cases/staff-action.ts); a refused cover letter keeps what was typed. */
    function action(path: string, section: Section, run: (request: CaseActionRequest, c: Case, body: Body) => Promise<unknown>) {
      caseAction(app, {
        url: `/cases/:id/package/${path}`,
        run,
        page,
        showAgain: (request, reply, c, problem, body) => {
          const typed = section === 'letter' && typeof body.text === 'string' ? body.text : undefined
          const typedWithheld = section === 'withheld' ? withheldFromForm(body) : undefined
          return render(request, reply, c, { section: problem.csrf ? 'csrf' : section, message: problem.message }, problem.status, typed, typedWithheld)
        },
      })
    }

    action('compile', 'compile', async (request, c, body) => {
      await service.compile(request.staff!, c.id, isLang(body.packageLang) ? body.packageLang : null)
    })
    action('files/:fileId/delete', 'file', async (request, c) => {
      const fileId = /^\d{1,12}$/.test(request.params.fileId ?? '') ? Number(request.params.fileId) : -1
      await service.removeFile(request.staff!, c.id, fileId)
    })
    action('cover-letter', 'letter', async (request, c, body) => {
      await service.setCoverLetter(request.staff!, c.id, typeof body.text === 'string' ? body.text : '', { reset: body.reset === '1' })
    })
    action('withheld', 'withheld', async (request, c, body) => {
      await service.setWithheld(request.staff!, c.id, withheldFromForm(body))
    })
    action('review', 'review', async (request, c) => {
      await service.review(request.staff!, c.id)
    })
    action('send', 'send', async (request, c) => {
      await service.send(request.staff!, c.id)
    })

    // multipart/form-data: the _csrf field comes before the file, so nothing is stored for a forged form.
    r.post('/cases/:id/package/files', { ...handler, config: { csrf: 'form' }, schema: { params: IdParams } }, async (request, reply) => {
      const c = await load(request, reply)
      if (!c) return reply
      try {
        await readUpload(request, (fields) => app.staffCsrf.verify(request, fields._csrf), service.uploadTo(request.staff!, c.id))
      } catch (error) {
        if (error instanceof UploadProblem && error.code === 'csrf') return render(request, reply, c, { section: 'csrf', message: t(request.lang, 'errors.csrf') }, 403)
        const refusal = refusalOf(error, request.lang)
        if (!refusal) throw error
        return render(request, reply, c, { section: 'file', message: refusal.message }, refusal.status)
      }
      return reply.code(303).redirect(`${page(c)}?done=1`, 303)
    })

    r.get('/cases/:id/package/preview', { ...handler, schema: { params: IdParams } }, async (request, reply) => {
      const c = await load(request, reply)
      if (!c) return reply
      try {
        const out = await service.preview(request.staff!, c.id)
        return sendZip(reply, out.zip, out.filename.replace(/\.zip$/, '-preview.zip'))
      } catch (error) {
        const refusal = refusalOf(error, request.lang)
        if (!refusal) throw error
        return render(request, reply, c, { section: 'review', message: refusal.message }, refusal.status)
      }
    })
  }
}

/** The form's rows (description_N, reason_N), blank ones dropped; a half-filled row is refused by the service. */
function withheldFromForm(body: Body): Array<{ description: string; reason: string }> {
  const rows: Array<{ description: string; reason: string }> = []
  for (let i = 0; i < MAX_WITHHELD + BLANK_ROWS; i++) {
    const description = typeof body[`description_${i}`] === 'string' ? (body[`description_${i}`] as string) : ''
    const reason = typeof body[`reason_${i}`] === 'string' ? (body[`reason_${i}`] as string) : ''
    if (description.trim() || reason.trim()) rows.push({ description, reason })
  }
  return rows
}

const BLANK_ROWS = 3

/** The saved items and a few blank rows to add more (the page works without script). */
function withheldRows(items: Array<{ description: string; reason: string }>) {
  const filled = items.filter((r) => r.description.trim() || r.reason.trim())
  const rows = [...filled, ...Array.from({ length: BLANK_ROWS }, () => ({ description: '', reason: '' }))].slice(0, MAX_WITHHELD + BLANK_ROWS)
  return rows.map((r, i) => ({ ...r, i, n: i + 1 }))
}

/** The download headers every package response carries. */
export function sendZip(reply: FastifyReply, zip: Buffer, filename: string): FastifyReply {
  return reply
    .code(200)
    .header('Content-Type', 'application/zip')
    .header('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
    .header('Cache-Control', 'no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .send(zip)
}
