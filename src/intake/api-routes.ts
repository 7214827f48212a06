import type { FastifyInstance } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { fieldErrorText } from '../http/render.js'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { Confirmed, Discarded, IntakeErrors, RequestBody, Submitted, VerifyBody } from './api-schemas.js'
import { tokenError } from './errors.js'
import type { IntakeService } from './service.js'
import type { FieldErrors } from './validate.js'

/** The form's names for the representative's fields, as the API spells them. */
const API_FIELDS: Record<string, string> = { behalf_kind: 'onBehalfOf.kind', subject_name: 'onBehalfOf.subjectName', subject_email: 'onBehalfOf.subjectEmail' }

/** The service's field problems as the API names and words them. */
function apiFields(errors: FieldErrors, lang: Lang): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [field, error] of Object.entries(errors)) {
    if (!error) continue
    fields[API_FIELDS[field] ?? field] = fieldErrorText(lang, error)
  }
  return fields
}

/** A link the API cannot use, by what the service found. */
function tokenProblem(state: 'unknown' | 'used' | 'discarded' | 'expired') {
  if (state === 'unknown') return tokenError('token_unknown')
  return state === 'expired' ? tokenError('token_expired') : tokenError('token_used')
}

export function apiRoutes(deps: { intake: IntakeService; publicUrl: string }) {
  const { intake } = deps
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    // JSON only: a form-encoded or text body (which a cross-site HTML form can send) is refused before it is read.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'POST') return
      const type = request.headers['content-type']
      const hasBody = type !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') || request.headers['transfer-encoding'] !== undefined
      if (hasBody && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
        return sendApiError(reply, 415, { error: 'unsupported_media_type', message: t(request.lang, 'api.unsupported') })
      }
    })

    r.post('/requests', { config: { auth: 'public' }, schema: { security: [], body: RequestBody, response: { 202: Submitted, ...IntakeErrors } } }, async (request, reply) => {
      const lang = request.body.lang ?? request.lang
      const result = await intake.submitUnchecked(request.body, { ip: request.ip, lang, channel: 'api' })
      if (!result.ok) return sendApiError(reply, 400, { error: 'invalid_body', message: t(lang, 'api.invalidBody'), fields: apiFields(result.errors, lang) })
      return reply.code(202).header('Cache-Control', 'no-store').send({ status: 'pending_verification' as const })
    })

    r.post('/verify', { config: { auth: 'public' }, schema: { security: [], body: VerifyBody, response: { 200: Confirmed, ...IntakeErrors } } }, async (request, reply) => {
      const outcome = await intake.confirm(request.body.token)
      if (outcome.state !== 'confirmed') throw tokenProblem(outcome.state)
      return reply.header('Cache-Control', 'no-store').send({ reference: outcome.case.reference, statusUrl: `${deps.publicUrl}/status/${outcome.statusToken}` })
    })

    // "This wasn't me": the submission is deleted; its token then answers 410 token_used like a used one.
    r.post(
      '/verify/discard',
      { config: { auth: 'public' }, schema: { security: [], body: VerifyBody, response: { 204: Discarded, ...IntakeErrors } } },
      async (request, reply) => {
        const outcome = await intake.discard(request.body.token)
        if (outcome.state !== 'discarded_now') throw tokenProblem(outcome.state)
        return reply.code(204).header('Cache-Control', 'no-store').send(null)
      },
    )
  }
}
