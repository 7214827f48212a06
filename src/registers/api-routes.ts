import type { FastifyInstance } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { MAX_EMAIL, MAX_NAME } from '../intake/request-types.js'
import { emailProblemText, parseEmail } from '../intake/email-address.js'
import { isLinkLikeName, NAME_LINK_TEXT } from '../intake/name-rule.js'
import { cleanLine } from '../intake/validate.js'
import { staffActor } from '../staff/actor.js'
import { findSubscriber } from './subscribers-repository.js'
import { addSubscriber, subscriberJson } from './subscribers-service.js'
import { suppressionsSince } from './suppressions.js'

const PHONE = /^\+?[0-9][0-9 ()-]{5,30}$/
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/

function cursorOf(row: { created_at: string; email_normalized: string }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.email_normalized])).toString('base64url')
}

function parseCursor(raw: string): { createdAt: string; email: string } | null {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return { createdAt: v[0], email: v[1] }
  } catch {
    // falls through to null
  }
  return null
}

/** /api/v1/subscribers and /api/v1/suppressions, for the company's mailing tool (bearer token). */
export async function registerApiRoutes(app: FastifyInstance) {
  const viewer = { preValidation: app.requireStaff('viewer') }
  const handler = { preValidation: app.requireStaff('handler') }

  app.post<{ Body: { email: string; name?: string | null; phone?: string | null; source?: string | null } }>(
    '/subscribers',
    {
      ...handler,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: {
            email: { type: 'string', maxLength: MAX_EMAIL + 50 },
            name: { type: ['string', 'null'], maxLength: MAX_NAME * 2 },
            phone: { type: ['string', 'null'], maxLength: 64 },
            source: { type: ['string', 'null'], maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body
      const fields: Record<string, string> = {}
      const parsed = parseEmail(b.email)
      if (!parsed.ok) fields.email = emailProblemText(parsed.problem)
      const name = cleanLine(b.name)
      if (name && name.length > MAX_NAME) fields.name = `must be at most ${MAX_NAME} characters`
      else if (name && isLinkLikeName(name)) fields.name = NAME_LINK_TEXT
      const phone = cleanLine(b.phone)
      if (phone && !PHONE.test(phone)) fields.phone = 'is not a phone number'
      if (!parsed.ok || Object.keys(fields).length) return sendApiError(reply, 400, { error: 'invalid_body', message: 'The request body is not valid.', fields })
      const outcome = await addSubscriber(app.db, app.config, { email: parsed.email, emailNormalized: parsed.key, name, phone, source: cleanLine(b.source) }, staffActor(request.staff!.id), app.clock())
      if (outcome.state === 'suppressed') {
        return sendApiError(reply, 409, { error: 'suppressed', message: 'This address has unsubscribed or objected to direct marketing; it is on the suppression list and is not subscribed again.' })
      }
      return reply
        .code(outcome.state === 'created' ? 201 : 200)
        .header('Cache-Control', 'no-store')
        .send(subscriberJson(app.config, outcome.subscriber))
    },
  )

  app.get<{ Params: { id: string } }>('/subscribers/:id', viewer, async (request, reply) => {
    const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
    const s = id === null ? undefined : await findSubscriber(app.db, id)
    if (!s) return sendApiError(reply, 404, { error: 'not_found', message: 'The subscriber does not exist.' })
    return reply.header('Cache-Control', 'no-store').send(subscriberJson(app.config, s))
  })

  app.get<{ Querystring: Record<string, unknown> }>('/suppressions', viewer, async (request, reply) => {
    const q = request.query ?? {}
    const fields: Record<string, string> = {}
    let since: string | null = null
    if (q.since !== undefined) {
      const raw = typeof q.since === 'string' ? q.since.trim() : ''
      const d = ISO.test(raw) ? new Date(raw.length === 10 ? raw + 'T00:00:00Z' : raw) : null
      if (!d || Number.isNaN(d.getTime())) fields.since = 'must be an ISO-8601 date or timestamp, e.g. 2026-11-01T00:00:00Z'
      else since = d.toISOString()
    }
    let limit = 1000
    if (q.limit !== undefined) {
      limit = typeof q.limit === 'string' && /^\d{1,5}$/.test(q.limit) ? Number(q.limit) : NaN
      if (!(limit >= 1 && limit <= 10000)) fields.limit = 'must be a whole number from 1 to 10000'
    }
    let after = null
    if (q.cursor !== undefined) {
      after = typeof q.cursor === 'string' ? parseCursor(q.cursor) : null
      if (!after) fields.cursor = 'is not a cursor this API gave out'
    }
    if (Object.keys(fields).length) return sendApiError(reply, 400, { error: 'invalid_query', message: 'The query has errors.', fields })
    const rows = await suppressionsSince(app.db, since, limit + 1, after)
    const page = rows.slice(0, limit)
    return reply.header('Cache-Control', 'no-store').send({
      items: page.map((r) => ({ email: r.email_normalized, reason: r.reason, suppressedAt: r.created_at })),
      nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]) : null,
    })
  })
}
