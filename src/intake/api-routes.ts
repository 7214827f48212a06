import type { FastifyInstance, FastifyReply } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { isLang, t, type MessageKey } from '../i18n/index.js'
import { looksLikeToken } from '../security/tokens.js'
import { CONSENT_KINDS, MAX_DETAILS, MAX_EMAIL, MAX_NAME, MAX_VALUE, ON_BEHALF_KINDS, RELATIONSHIPS, REQUEST_TYPES } from './request-types.js'
import type { IntakeService } from './service.js'
import { validateRequest } from './validate.js'

const requestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'email'],
  properties: {
    type: { type: 'string', enum: [...REQUEST_TYPES] },
    email: { type: 'string', maxLength: MAX_EMAIL + 50 },
    name: { type: ['string', 'null'], maxLength: MAX_NAME * 2 },
    relationship: { type: ['string', 'null'], enum: [...RELATIONSHIPS, null] },
    consent: { type: ['string', 'null'], enum: [...CONSENT_KINDS, null] },
    details: { type: ['string', 'null'], maxLength: MAX_DETAILS * 2 },
    incorrect: { type: ['string', 'null'], maxLength: MAX_VALUE * 2 },
    correct: { type: ['string', 'null'], maxLength: MAX_VALUE * 2 },
    lang: { type: 'string', enum: ['sv', 'en'] },
    /** Questions: consent to keep the details after the answer. */
    keep: { type: 'boolean' },
    /** Issue 15 §5: made for someone else; the requester (email, name) is the representative. */
    onBehalfOf: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['kind', 'subjectName'],
      properties: {
        kind: { type: 'string', enum: [...ON_BEHALF_KINDS] },
        subjectName: { type: 'string', maxLength: MAX_NAME * 2 },
        subjectEmail: { type: ['string', 'null'], maxLength: MAX_EMAIL + 50 },
      },
    },
  },
} as const

/** The form's names for the representative's fields, as the API spells them. */
const API_FIELDS: Record<string, string> = { behalf_kind: 'onBehalfOf.kind', subject_name: 'onBehalfOf.subjectName', subject_email: 'onBehalfOf.subjectEmail' }

const verifyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', maxLength: 200 } },
} as const

export function apiRoutes(deps: { intake: IntakeService; publicUrl: string }) {
  const { intake } = deps
  return async function routes(app: FastifyInstance) {
    // JSON only: a form-encoded or text body (which a cross-site HTML form can send) is refused before it is read.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'POST') return
      const type = request.headers['content-type']
      const hasBody = type !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') || request.headers['transfer-encoding'] !== undefined
      if (hasBody && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
        return sendApiError(reply, 415, { error: 'unsupported_media_type', message: t(request.lang, 'api.unsupported') })
      }
    })

    app.post<{ Body: Record<string, unknown> }>('/requests', { config: { auth: 'public' }, schema: { security: [], body: requestBody } }, async (request, reply) => {
      const lang = isLang(request.body.lang) ? request.body.lang : request.lang
      const result = validateRequest(request.body, { strictConsent: false })
      if (!result.ok) {
        const fields: Record<string, string> = {}
        for (const [field, error] of Object.entries(result.errors)) {
          if (!error) continue
          const params = { ...error.params }
          if (typeof params.field === 'string' && params.field.includes('.')) params.field = t(lang, params.field as MessageKey)
          fields[API_FIELDS[field] ?? field] = t(lang, error.key, params)
        }
        return sendApiError(reply, 400, { error: 'invalid_body', message: t(lang, 'api.invalidBody'), fields })
      }
      await intake.submit(result.value, { ip: request.ip, lang, channel: 'api' })
      return reply.code(202).header('Cache-Control', 'no-store').send({ status: 'pending_verification' })
    })

    app.post<{ Body: { token: string } }>('/verify', { config: { auth: 'public' }, schema: { security: [], body: verifyBody } }, async (request, reply) => {
      const { token } = request.body
      const outcome = looksLikeToken(token) ? await intake.confirm(token) : { state: 'unknown' as const }
      if (outcome.state === 'confirmed') {
        return reply
          .header('Cache-Control', 'no-store')
          .send({ reference: outcome.case.reference, statusUrl: `${deps.publicUrl}/status/${outcome.statusToken}` })
      }
      return sendTokenError(reply, outcome.state)
    })

    // "This wasn't me": the submission is deleted; its token then answers 410 token_used like a used one.
    app.post<{ Body: { token: string } }>('/verify/discard', { config: { auth: 'public' }, schema: { security: [], body: verifyBody } }, async (request, reply) => {
      const { token } = request.body
      const outcome = looksLikeToken(token) ? await intake.discard(token) : { state: 'unknown' as const }
      if (outcome.state === 'discarded_now') return reply.code(204).header('Cache-Control', 'no-store').send()
      return sendTokenError(reply, outcome.state)
    })
  }
}

function sendTokenError(reply: FastifyReply, state: 'unknown' | 'used' | 'discarded' | 'expired') {
  const lang = reply.request.lang
  if (state === 'unknown') return sendApiError(reply, 404, { error: 'token_unknown', message: t(lang, 'api.tokenUnknown') })
  if (state === 'expired') return sendApiError(reply, 410, { error: 'token_expired', message: t(lang, 'api.tokenExpired') })
  return sendApiError(reply, 410, { error: 'token_used', message: t(lang, 'api.tokenUsed') })
}
