import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CaseError } from '../cases/errors.js'
import { sendApiError } from '../http/errors.js'
import { isLang, type Lang } from '../i18n/index.js'
import { readUpload } from './multipart.js'
import type { AccessPackageService } from './service.js'
import { sendZip } from './staff-routes.js'
import { contentCounts } from './view-model.js'

type Req = FastifyRequest<{ Params: { id: string; fileId?: string }; Body: unknown }>

function apiLang(request: FastifyRequest): Lang {
  return isLang(request.staff?.lang) ? request.staff.lang : request.lang
}

function parseId(raw: string | undefined): number | null {
  return raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : null
}

function bodyObject(body: unknown): Record<string, unknown> | null {
  if (body === undefined || body === null) return {}
  return typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null
}

/**
 * /api/v1/cases/:id/package…: the same steps as the staff page, for a token. Authorised in
 * preValidation, before any body is looked at, so the routes tell nothing to the unauthorised.
 */
export function packageApiRoutes(service: AccessPackageService) {
  return async function routes(app: FastifyInstance) {
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: app.requireStaff('handler') }

    async function json(caseId: number) {
      const p = await service.find(caseId)
      if (!p) return null
      const gone = service.isGone(p)
      const files = await service.files(p.id)
      return {
        caseId,
        status: gone ? 'deleted' : p.status,
        lang: p.lang,
        recordCount: p.record_count,
        compiledAt: p.compiled_at,
        reviewedAt: p.reviewed_at,
        sentAt: p.sent_at,
        deleteAfter: p.delete_after,
        deletedAt: p.deleted_at,
        downloads: p.downloads,
        coverLetter: gone ? null : p.cover_letter,
        withheld: gone ? null : service.withheld(p),
        contents: gone ? null : contentCounts(service, p),
        files: files.map((f) => ({ id: f.id, name: f.original_name, type: f.extension, contentType: f.content_type, size: f.size, sha256: f.sha256, addedAt: f.created_at })),
      }
    }

    async function run(request: Req, reply: FastifyReply, fn: (id: number, body: Record<string, unknown>) => Promise<unknown>, status = 200) {
      const id = parseId(request.params.id)
      if (id === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The case does not exist.' })
      const body = bodyObject(request.body)
      if (body === null) return sendApiError(reply, 400, { error: 'invalid_body', message: 'The request body must be a JSON object.' })
      try {
        await fn(id, body)
        return reply.code(status).header('Cache-Control', 'no-store').send(await json(id))
      } catch (error) {
        if (error instanceof CaseError) return sendApiError(reply, error.status, { error: error.code, message: error.messages[apiLang(request)] })
        throw error
      }
    }

    app.get<{ Params: { id: string } }>('/cases/:id/package', viewer, async (request, reply) => {
      const id = parseId(request.params.id)
      const body = id === null ? null : await json(id)
      if (id === null || body === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The case has no package.' })
      await app.cases.recordView(request.staff!, id)
      return reply.header('Cache-Control', 'no-store').send(body)
    })

    app.post('/cases/:id/package/compile', handler, (request: Req, reply) =>
      run(request, reply, async (id, body) => {
        if (body.lang !== undefined && !isLang(body.lang)) throw new CaseError('invalid_body', 400, { sv: 'lang ska vara sv eller en.', en: 'lang must be sv or en.' })
        await service.compile(request.staff!, id, isLang(body.lang) ? body.lang : null)
      }, 201),
    )

    app.put('/cases/:id/package/cover-letter', handler, (request: Req, reply) =>
      run(request, reply, async (id, body) => {
        if (body.reset !== true && typeof body.text !== 'string') throw new CaseError('invalid_body', 400, { sv: 'Skicka text (sträng) eller reset: true.', en: 'Send text (a string) or reset: true.' })
        await service.setCoverLetter(request.staff!, id, typeof body.text === 'string' ? body.text : null, { reset: body.reset === true })
      }),
    )

    // Art. 15(4), 12(4): what is left out of the copy, each with its reason; replaces the list.
    app.put('/cases/:id/package/withheld', handler, (request: Req, reply) =>
      run(request, reply, async (id, body) => {
        await service.setWithheld(request.staff!, id, body.withheld)
      }),
    )

    app.post('/cases/:id/package/review', handler, (request: Req, reply) => run(request, reply, (id) => service.review(request.staff!, id)))
    app.post('/cases/:id/package/send', handler, (request: Req, reply) => run(request, reply, (id) => service.send(request.staff!, id)))

    app.delete('/cases/:id/package/files/:fileId', handler, (request: Req, reply) =>
      run(request, reply, (id) => service.removeFile(request.staff!, id, parseId(request.params.fileId) ?? -1)),
    )

    app.post('/cases/:id/package/files', handler, (request: Req, reply) =>
      run(
        request,
        reply,
        (id) => readUpload(request, () => true, service.uploadTo(request.staff!, id)),
        201,
      ),
    )

    app.get<{ Params: { id: string } }>('/cases/:id/package/preview', handler, async (request, reply) => {
      const id = parseId(request.params.id)
      if (id === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The case does not exist.' })
      try {
        const out = await service.preview(request.staff!, id)
        return sendZip(reply, out.zip, out.filename.replace(/\.zip$/, '-preview.zip'))
      } catch (error) {
        if (error instanceof CaseError) return sendApiError(reply, error.status, { error: error.code, message: error.messages[apiLang(request)] })
        throw error
      }
    })
  }
}
