import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { detectLang, t, type Lang, type MessageKey } from '../i18n/index.js'
import { DomainError } from '../domain/errors.js'
import { isBrokenMultipart } from './broken-multipart.js'

export interface ApiErrorBody {
  error: string
  message: string
  fields?: Record<string, string>
}

export function sendApiError(reply: FastifyReply, status: number, body: ApiErrorBody): FastifyReply {
  reply.header('Cache-Control', 'no-store')
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

export function sendMessagePage(reply: FastifyReply, status: number, titleKey: MessageKey, textKey: MessageKey, params?: Record<string, unknown>): FastifyReply {
  const lang: Lang = reply.request.lang ?? safeLang(reply.request)
  return messagePage(reply, status, t(lang, titleKey, params), t(lang, textKey, params))
}

function messagePage(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  const lang: Lang = reply.request.lang ?? safeLang(reply.request)
  return reply.page('message', { title, paragraphs: [text], link: { href: '/', text: t(lang, 'site.home') } }, { status, title })
}

/** A domain error's message in the caller's language: the catalogue's text with the error's values filled in. */
export function domainMessage(error: DomainError, lang: Lang): string {
  return t(lang, error.key, error.params)
}

/** A domain error as the API answers it: its code, its message, and the field it belongs to. */
export function sendDomainError(reply: FastifyReply, error: DomainError, lang: Lang): FastifyReply {
  const message = domainMessage(error, lang)
  const fields: Record<string, string> = error.field ? { [error.field]: message } : {}
  for (const [name, [key, params]] of Object.entries(error.fields)) fields[name] = t(lang, key, params)
  return sendApiError(reply, error.status, { error: error.code, message, ...(Object.keys(fields).length ? { fields } : {}) })
}

function safeLang(request: FastifyRequest): Lang {
  try {
    return detectLang(request)
  } catch {
    return 'sv'
  }
}

/** Turns Ajv's errors into {field: message}, in the caller's language, without echoing the submitted values. */
function fieldsOf(error: FastifyError, lang: Lang): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const v of error.validation ?? []) {
    const params = (v.params ?? {}) as Record<string, unknown>
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.')
    let name = path || '(body)'
    let message: string
    if (typeof params.additionalProperty === 'string') {
      name = path ? `${path}.${params.additionalProperty}` : params.additionalProperty
      message = t(lang, 'api.unknownField')
    } else if (typeof params.missingProperty === 'string') {
      name = path ? `${path}.${params.missingProperty}` : params.missingProperty
      message = t(lang, 'api.required')
    } else if (v.keyword === 'type') {
      message = path ? t(lang, 'api.wrongType', { type: String(params.type).replace(',', ' | ') }) : t(lang, 'api.mustBeObject')
    } else if (v.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = t(lang, 'api.choice', { values: params.allowedValues.filter((x) => x !== null).join(', ') })
    } else if (v.keyword === 'maxLength') {
      message = t(lang, 'api.tooLong', { max: params.limit })
    } else {
      message = t(lang, 'api.invalid')
    }
    // Names come from our schema or are keys the client sent: shortened, never a value.
    name = name.slice(0, 100)
    if (!(name in fields)) fields[name] = message
  }
  return fields
}

/** The language for an error: the request's own choice where it got that far, else what the headers say. */
function errorLang(request: FastifyRequest): Lang {
  return safeLang(request)
}

const PAGES: Record<number, [MessageKey, MessageKey]> = {
  400: ['errors.badRequestTitle', 'errors.badRequest'],
  404: ['errors.notFoundTitle', 'errors.notFound'],
  413: ['errors.tooLargeTitle', 'errors.tooLarge'],
  415: ['errors.badRequestTitle', 'errors.badRequest'],
  503: ['errors.unavailableTitle', 'errors.unavailable'],
}

const API_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
}

function apiNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendApiError(reply, 404, { error: 'not_found', message: t(request.lang, 'api.notFound') })
}

/** The API scope's errors: {error, message, fields?} JSON in the caller's language, never a page. */
export function useApiErrors(scope: FastifyInstance): void {
  scope.setNotFoundHandler(apiNotFound)
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const lang = errorLang(request)
    if (isBrokenMultipart(error)) {
      const problem = t(lang, 'api.brokenMultipart')
      return sendApiError(reply, 400, { error: 'invalid_body', message: problem, fields: { '(body)': problem } })
    }
    if (error instanceof DomainError) return sendDomainError(reply, error, lang)
    const shown = shownStatus(error, request)
    if (error.validation) {
      return sendApiError(reply, 400, { error: 'invalid_body', message: t(lang, 'api.invalidBody'), fields: fieldsOf(error, lang) })
    }
    if (shown === 400) {
      // Body parser errors: not JSON, empty, or a forbidden key such as __proto__.
      const problem = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? t(lang, 'api.emptyBody') : t(lang, 'api.notJson')
      return sendApiError(reply, 400, { error: 'invalid_body', message: problem, fields: { '(body)': problem } })
    }
    const key = shown >= 500 ? (shown === 503 ? 'api.unavailable' : 'api.server') : shown === 413 ? 'api.tooLarge' : shown === 415 ? 'api.unsupported' : shown === 404 ? 'api.notFound' : 'api.badRequest'
    return sendApiError(reply, shown, { error: API_CODES[shown] ?? (shown >= 500 ? 'internal_error' : 'bad_request'), message: t(lang, key) })
  })
}

/** The page scopes' errors (public and staff): a message page in the visitor's language. */
export function usePageErrors(scope: FastifyInstance, opts: { notFound?: boolean } = {}): void {
  if (opts.notFound !== false) scope.setNotFoundHandler((_request, reply) => sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound'))
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (isBrokenMultipart(error)) return sendMessagePage(reply, 400, 'errors.badRequestTitle', 'errors.brokenUpload')
    if (error instanceof DomainError) {
      // request.lang: on staff pages the member's own setting (src/staff/auth-plugin.ts), not the browser's.
      const lang = request.lang ?? errorLang(request)
      const [titleKey] = PAGES[error.status] ?? PAGES[400]
      return messagePage(reply, error.status, t(lang, titleKey), domainMessage(error, lang))
    }
    const shown = shownStatus(error, request)
    const [titleKey, textKey] = PAGES[shown] ?? (shown >= 500 ? (['errors.serverTitle', 'errors.server'] as const) : PAGES[400])
    return sendMessagePage(reply, shown, titleKey, textKey)
  })
}

function shownStatus(error: FastifyError, request: FastifyRequest): number {
  const raw = typeof error.statusCode === 'number' ? error.statusCode : 500
  const status = raw >= 400 && raw < 600 ? raw : 500
  if (status >= 500) {
    // The error object, not the request: messages from lower layers never quote request data here.
    request.log.error({ err: { type: error.name, code: error.code, message: error.message, stack: error.stack } }, 'request failed')
  }
  return status >= 500 ? (status === 503 ? 503 : 500) : status
}

/**
 * Pages at the root (what no scope routes, e.g. /nope), and JSON for anything else under /api/
 * (an unknown version), as the API scope would answer.
 */
export default fp(
  async function errorPlugin(app) {
    usePageErrors(app)
    await app.register(async (api) => api.setNotFoundHandler(apiNotFound), { prefix: '/api' })
  },
  { name: 'errors', dependencies: ['render'] },
)
