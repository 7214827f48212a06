import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { isLang, t, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, MAX_DETAILS, MAX_EMAIL, MAX_NAME, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { emailProblemText, parseEmail } from '../intake/email-address.js'
import { isLinkLikeName, NAME_LINK_TEXT } from '../intake/name-rule.js'
import { cleanLine, cleanText, emailKey } from '../intake/validate.js'
import { staffByIds, teamsByIds, toCaseJson } from './case-json.js'
import { CaseError } from './errors.js'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { QueueQuery } from './queue-schema.js'
import type { QueueService } from './queue-service.js'
import { parseReceivedAt, SUPPORTED_DATES } from './received-at.js'
import type { CaseService } from './service.js'
import { CASE_STATUSES } from './state-machine.js'
import { MAX_CASE_ID, MAX_EVIDENCE } from './refusal.js'
import { MESSAGE_TEMPLATE_KEYS, type TemplateKey } from './templates.js'
import { addressChangesByCase } from '../intake/address-change.js'

const MANUAL_CHANNELS = CHANNELS.filter((c) => c !== 'web' && c !== 'api')

const str = (max: number) => ({ type: 'string', maxLength: max }) as const
const nullableStr = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const

function apiLang(request: FastifyRequest): Lang {
  const staffLang = request.staff?.lang
  return isLang(staffLang) ? staffLang : request.lang
}

function caseError(reply: FastifyReply, request: FastifyRequest, error: unknown) {
  if (error instanceof CaseError) return sendApiError(reply, error.status, { error: error.code, message: error.messages[apiLang(request)] })
  throw error
}

function parseId(raw: string): number | null {
  return /^\d{1,12}$/.test(raw) ? Number(raw) : null
}

export function staffApiRoutes(deps: { cases: CaseService; queue: QueueService }) {
  const { cases, queue } = deps
  return async function routes(app: FastifyInstance) {
    // Authorised before the body is validated, so nobody learns a route's schema without a token.
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: app.requireStaff('handler') }

    async function json(id: number, lang: Lang = 'en') {
      const c = await cases.get(id)
      const people = await staffByIds(app.db, [c.assignee_id])
      const teams = await teamsByIds(app.db, [c.team_id])
      const { deadline, pauses } = await cases.deadlineWithPauses(c)
      const change = await addressChangesByCase(app.db, [c.id], app.clock())
      return toCaseJson(c, deadline, c.assignee_id ? (people.get(c.assignee_id) ?? null) : null, c.team_id ? (teams.get(c.team_id) ?? null) : null, lang, pauses, change.get(c.id) ?? null)
    }

    app.withTypeProvider<TypeBoxTypeProvider>().get('/cases', { ...viewer, schema: { querystring: QueueQuery } }, async (request, reply) => {
      const lang = apiLang(request)
      const page = await queue.apiList(request.staff!, request.query)
      if (page.problem) return sendApiError(reply, 400, { error: page.problem.code, message: 'The query has errors.', fields: page.problem.fields })
      // Said in the answer, so an integration does not take an empty list for an empty queue.
      const notice = page.scopedNoTeams ? { notice: { code: 'no_teams', message: t(lang, 'routing.queue.scopedNoTeams') } } : {}
      const items = page.items.map((i) => toCaseJson(i.case, i.deadline, i.assignee, i.team, lang, i.pauses, i.addressChange))
      reply.header('Cache-Control', 'no-store')
      return { items, nextCursor: page.nextCursor, ...notice }
    })

    app.get<{ Params: { id: string } }>('/cases/:id', viewer, async (request, reply) => {
      const id = parseId(request.params.id)
      if (id === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The case does not exist.' })
      try {
        const body = await json(id, apiLang(request))
        await cases.recordView(request.staff!, id)
        return reply.header('Cache-Control', 'no-store').send(body)
      } catch (error) {
        return caseError(reply, request, error)
      }
    })

    app.post<{ Body: Record<string, unknown> }>(
      '/cases',
      {
        ...handler,
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'email', 'channel', 'receivedAt'],
            properties: {
              type: { type: 'string', enum: [...REQUEST_TYPES] },
              email: str(MAX_EMAIL + 50),
              name: nullableStr(MAX_NAME * 2),
              relationship: { type: ['string', 'null'], enum: [...RELATIONSHIPS, null] },
              consent: { type: ['string', 'null'], enum: [...CONSENT_KINDS, null] },
              details: nullableStr(MAX_DETAILS * 2),
              channel: { type: 'string', enum: MANUAL_CHANNELS },
              receivedAt: str(40),
              lang: { type: 'string', enum: ['sv', 'en'] },
            },
          },
        },
      },
      async (request, reply) => {
        const b = request.body
        const fields: Record<string, string> = {}
        const parsed = parseEmail(b.email)
        if (!parsed.ok) fields.email = emailProblemText(parsed.problem)
        const email = parsed.ok ? parsed.email : ''
        const name = cleanLine(b.name)
        if (name && name.length > MAX_NAME) fields.name = `must be at most ${MAX_NAME} characters`
        else if (name && isLinkLikeName(name)) fields.name = NAME_LINK_TEXT
        const details = cleanText(b.details)
        if (details && details.length > MAX_DETAILS) fields.details = `must be at most ${MAX_DETAILS} characters`
        const received = parseReceivedAt(b.receivedAt, app.clock())
        if (!received.ok) fields.receivedAt = received.problem === 'future' ? 'must not be in the future' : received.problem === 'range' ? t(request.lang, 'api.dateRange', SUPPORTED_DATES) : 'must be a date (YYYY-MM-DD) or an ISO timestamp'
        if (Object.keys(fields).length > 0 || !received.ok) return sendApiError(reply, 400, { error: 'invalid_body', message: 'The request body is not valid.', fields })
        const created = await cases.registerManual(request.staff!, {
          type: b.type as (typeof REQUEST_TYPES)[number],
          email,
          name,
          relationship: (b.relationship as (typeof RELATIONSHIPS)[number] | null | undefined) ?? null,
          consentKind: b.type === 'withdraw_consent' ? ((b.consent as (typeof CONSENT_KINDS)[number] | null | undefined) ?? null) : null,
          details,
          channel: b.channel as (typeof MANUAL_CHANNELS)[number],
          receivedAt: received.iso,
          lang: isLang(b.lang) ? b.lang : 'sv',
        })
        return reply.code(201).header('Cache-Control', 'no-store').send(await json(created.id, apiLang(request)))
      },
    )

    function action<B>(path: string, schema: object, run: (request: FastifyRequest<{ Params: { id: string }; Body: B }>, id: number) => Promise<unknown>) {
      app.post<{ Params: { id: string }; Body: B }>(`/cases/:id/${path}`, { ...handler, schema: { body: schema } }, async (request, reply) => {
        const id = parseId(request.params.id)
        if (id === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The case does not exist.' })
        try {
          await run(request, id)
          return reply.header('Cache-Control', 'no-store').send(await json(id, apiLang(request)))
        } catch (error) {
          return caseError(reply, request, error)
        }
      })
    }

    action<{ assignee: string | null }>(
      'assign',
      { type: 'object', additionalProperties: false, required: ['assignee'], properties: { assignee: { type: ['string', 'null'], maxLength: 320 } } },
      async (request, id) => {
        let assigneeId: number | null = null
        if (request.body.assignee !== null) {
          const staff = await app.db.selectFrom('staff').select('id').where('email_key', '=', emailKey(request.body.assignee)).executeTakeFirst()
          if (!staff) throw new CaseError('invalid_assignee', 400, { sv: 'Det finns ingen personal med den e-postadressen.', en: 'No staff member has that email address.' })
          assigneeId = staff.id
        }
        await cases.assign(request.staff!, id, assigneeId)
      },
    )

    action<{ status: string; reason?: string | null; partialRefusal?: { reason: string } | null; evidence?: number[] | null }>(
      'status',
      {
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: {
          status: { type: 'string', enum: [...CASE_STATUSES] },
          reason: nullableStr(5000),
          // Art. 12(4): completing while refusing part of the request needs the reason.
          partialRefusal: { type: ['object', 'null'], additionalProperties: false, required: ['reason'], properties: { reason: str(5000) } },
          // Art. 12(5): the earlier cases a refused_excessive relies on.
          evidence: { type: ['array', 'null'], maxItems: MAX_EVIDENCE, items: { type: 'integer', minimum: 1, maximum: MAX_CASE_ID } },
        },
      },
      async (request, id) => {
        const b = request.body
        await cases.changeStatus(request.staff!, id, b.status, b.reason ?? null, { partialRefusal: b.partialRefusal ? b.partialRefusal.reason : null, evidence: b.evidence ?? null })
      },
    )

    // Issue 15 §5: the representative's authority is checked; the registers then act on the data subject's address.
    action<{ checked: true }>('authority', { type: 'object', additionalProperties: false, required: ['checked'], properties: { checked: { const: true } } }, async (request, id) => {
      await cases.checkAuthority(request.staff!, id)
    })

    action<{ text: string }>('notes', { type: 'object', additionalProperties: false, required: ['text'], properties: { text: str(20000) } }, async (request, id) => {
      await cases.addNote(request.staff!, id, request.body.text)
    })

    action<{ text?: string | null; template?: string | null; lang?: string; awaitReply?: boolean; pause?: string | null }>(
      'messages',
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          text: nullableStr(20000),
          template: { type: ['string', 'null'], enum: [...MESSAGE_TEMPLATE_KEYS, null] },
          lang: { type: 'string', enum: ['sv', 'en'] },
          awaitReply: { type: 'boolean' },
          // identity | specify_access: checked by the service, which says why any other is refused.
          pause: { type: ['string', 'null'], maxLength: 40 },
        },
      },
      async (request, id) => {
        const b = request.body
        await cases.sendMessage(request.staff!, id, {
          text: b.text ?? null,
          template: (b.template as TemplateKey | null | undefined) ?? null,
          lang: isLang(b.lang) ? b.lang : null,
          awaitReply: b.awaitReply === true,
          pause: b.pause ?? null,
        })
      },
    )

    action<{ team: string }>('team', { type: 'object', additionalProperties: false, required: ['team'], properties: { team: str(64) } }, async (request, id) => {
      const ref = request.body.team
      const team = await app.db.selectFrom('teams').select('id').where('key', '=', ref).executeTakeFirst()
      await cases.moveToTeam(request.staff!, id, team?.id ?? -1)
    })

    const controllerProps = { clientId: { type: ['integer', 'null'], minimum: 1 }, name: nullableStr(400), email: nullableStr(400) }
    action<{ clientId?: number | null; name?: string | null; email?: string | null }>(
      'client',
      { type: 'object', additionalProperties: false, properties: controllerProps },
      async (request, id) => {
        await cases.markClient(request.staff!, id, request.body)
      },
    )

    action<{ clientId?: number | null; name?: string | null; email?: string | null; lang?: string }>(
      'forward',
      { type: 'object', additionalProperties: false, properties: { ...controllerProps, lang: { type: 'string', enum: ['sv', 'en'] } } },
      async (request, id) => {
        const b = request.body
        await cases.forwardToController(request.staff!, id, { clientId: b.clientId, name: b.name, email: b.email, lang: isLang(b.lang) ? b.lang : null })
      },
    )

    action<{ text: string; lang?: string }>(
      'answer',
      { type: 'object', additionalProperties: false, required: ['text'], properties: { text: str(20000), lang: { type: 'string', enum: ['sv', 'en'] } } },
      async (request, id) => {
        await cases.answerQuestion(request.staff!, id, { text: request.body.text, lang: isLang(request.body.lang) ? request.body.lang : null })
      },
    )

    action<{ reason: string }>('extend', { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: str(5000) } }, async (request, id) => {
      await cases.extend(request.staff!, id, request.body.reason)
    })
  }
}
