import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { ApiErrors, IdParams, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, type Lang } from '../i18n/index.js'
import { CompileBody, CoverLetterBody, FileParams, PackageErrors, PackageOut, WithheldBody, ZipAnswer } from './api-schemas.js'
import { readUpload } from './multipart.js'
import { refusalOf } from './refusal.js'
import type { AccessPackageService } from './service.js'
import { sendZip } from './staff-routes.js'
import { packageView } from './view-model.js'

/** The signed-in staff member's language, as every staff API answer uses. */
function apiLang(request: FastifyRequest): Lang {
  return isLang(request.staff?.lang) ? request.staff.lang : request.lang
}

/** `:id` as the services take it: one that is not a number is a case that does not exist. */
function idOf(raw: string): number {
  return /^\d{1,12}$/.test(raw) ? Number(raw) : -1
}

/** No body, or JSON null, is an empty object: the steps without input take none. */
async function emptyBodyIsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {}
}

/**
 * /api/v1/cases/:id/package…: the same steps as the staff page, for a token. Authorised in
 * preValidation, before any body is looked at, so the routes tell nothing to the unauthorised.
 */
export function packageApiRoutes(service: AccessPackageService) {
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: [app.requireStaff('handler'), emptyBodyIsObject] }
    const changes = { response: { 200: PackageOut, 201: PackageOut, ...PackageErrors } }

    /** The answer `work` gives, or its refusal in the staff member's language. */
    async function answer(request: FastifyRequest, reply: FastifyReply, work: () => Promise<unknown>, status = 200) {
      try {
        const body = await work()
        return reply.code(status).header('Cache-Control', 'no-store').send(body)
      } catch (error) {
        const refusal = refusalOf(error, apiLang(request))
        if (!refusal) throw error
        return sendApiError(reply, refusal.status, { error: refusal.code, message: refusal.message })
      }
    }

    /** A step, then the package as it now is. */
    function step(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, run: (caseId: number) => Promise<unknown>, status = 200) {
      const id = idOf(request.params.id)
      return answer(request, reply, async () => {
        await run(id)
        return packageView(service, id)
      }, status)
    }

    r.get('/cases/:id/package', { ...viewer, schema: { params: IdParams, response: { 200: PackageOut, ...ApiErrors } } }, (request, reply) =>
      answer(request, reply, async () => {
        const id = idOf(request.params.id)
        const view = await packageView(service, id)
        await app.cases.recordView(request.staff!, id)
        return view
      }),
    )

    r.post('/cases/:id/package/compile', { ...handler, schema: { params: IdParams, body: CompileBody, ...changes } }, (request, reply) =>
      step(request, reply, (id) => service.compile(request.staff!, id, request.body.lang ?? null), 201),
    )

    r.put('/cases/:id/package/cover-letter', { ...handler, schema: { params: IdParams, body: CoverLetterBody, ...changes } }, (request, reply) =>
      step(request, reply, (id) => service.setCoverLetter(request.staff!, id, request.body.text ?? null, { reset: request.body.reset === true })),
    )

    // Art. 15(4), 12(4): what is left out of the copy, each with its reason; replaces the list.
    r.put('/cases/:id/package/withheld', { ...handler, schema: { params: IdParams, body: WithheldBody, ...changes } }, (request, reply) =>
      step(request, reply, (id) => service.setWithheld(request.staff!, id, request.body.withheld)),
    )

    r.post('/cases/:id/package/review', { ...handler, schema: { params: IdParams, ...changes } }, (request, reply) => step(request, reply, (id) => service.review(request.staff!, id)))
    r.post('/cases/:id/package/send', { ...handler, schema: { params: IdParams, ...changes } }, (request, reply) => step(request, reply, (id) => service.send(request.staff!, id)))

    r.delete('/cases/:id/package/files/:fileId', { ...handler, schema: { params: FileParams, ...changes } }, (request, reply) =>
      step(request, reply, (id) => service.removeFile(request.staff!, id, idOf(request.params.fileId))),
    )

    // multipart/form-data with one file, read by readUpload: no body schema.
    r.post('/cases/:id/package/files', { preValidation: app.requireStaff('handler'), schema: { params: IdParams, ...changes } }, (request, reply) =>
      step(request, reply, (id) => readUpload(request, () => true, service.uploadTo(request.staff!, id)), 201),
    )

    r.get('/cases/:id/package/preview', { preValidation: app.requireStaff('handler'), schema: { params: IdParams, response: { 200: ZipAnswer, ...PackageErrors } } }, async (request, reply) => {
      try {
        const out = await service.preview(request.staff!, idOf(request.params.id))
        return sendZip(reply, out.zip, out.filename.replace(/\.zip$/, '-preview.zip'))
      } catch (error) {
        const refusal = refusalOf(error, apiLang(request))
        if (!refusal) throw error
        return sendApiError(reply, refusal.status, { error: refusal.code, message: refusal.message })
      }
    })
  }
}
