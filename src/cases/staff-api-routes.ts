import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../domain/errors.js'
import { sendApiError, sendDomainError } from '../http/errors.js'
import { ApiError, ApiErrors, IdParams, StringEnum, Type, type Static, type TSchema, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, t, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, MAX_DETAILS, MAX_EMAIL, MAX_NAME, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { emailProblemText, parseEmail } from '../intake/email-address.js'
import { isLinkLikeName, NAME_LINK_TEXT } from '../intake/name-rule.js'
import { cleanLine, cleanText } from '../intake/validate.js'
import { CaseJsonSchema, CaseListSchema } from './case-json-schema.js'
import { toCaseJson } from './case-json.js'
import { caseFail } from './errors.js'
import { QueueQuery } from './queue-schema.js'
import type { QueueService } from './queue-service.js'
import { parseReceivedAt, SUPPORTED_DATES } from './received-at.js'
import type { CaseService } from './service.js'
import { CASE_STATUSES } from './state-machine.js'
import { MAX_CASE_ID, MAX_EVIDENCE } from './refusal.js'
import { MESSAGE_TEMPLATE_KEYS } from './templates.js'

const MANUAL_CHANNELS = CHANNELS.filter((c) => c !== 'web' && c !== 'api')

/*
 * The bodies' schemas keep the JSON Schema the API has always had (a list of types rather than
 * TypeBox's anyOf for nullable values), so a wrong value gets the same field message as before.
 */
const str = (max: number) => Type.String({ maxLength: max })
const nullableStr = (max: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: max })
const nullableEnum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null] })
const Lang = StringEnum(['sv', 'en'] as const)
const closed = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: false })


const NewCase = closed({
  type: StringEnum(REQUEST_TYPES),
  email: str(MAX_EMAIL + 50),
  name: Type.Optional(nullableStr(MAX_NAME * 2)),
  relationship: Type.Optional(nullableEnum(RELATIONSHIPS)),
  consent: Type.Optional(nullableEnum(CONSENT_KINDS)),
  details: Type.Optional(nullableStr(MAX_DETAILS * 2)),
  channel: StringEnum(MANUAL_CHANNELS),
  receivedAt: str(40),
  lang: Type.Optional(Lang),
})

const Assign = closed({ assignee: Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 320, description: 'A staff email, or null for nobody' }) })
const StatusChange = closed({
  status: StringEnum(CASE_STATUSES),
  reason: Type.Optional(nullableStr(5000)),
  // Art. 12(4): completing while refusing part of the request needs the reason.
  partialRefusal: Type.Optional(Type.Unsafe<{ reason: string } | null>({ type: ['object', 'null'], additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', maxLength: 5000 } } })),
  // Art. 12(5): the earlier cases a refused_excessive relies on.
  evidence: Type.Optional(Type.Unsafe<number[] | null>({ type: ['array', 'null'], maxItems: MAX_EVIDENCE, items: { type: 'integer', minimum: 1, maximum: MAX_CASE_ID } })),
})
const AuthorityCheck = closed({ checked: Type.Unsafe<true>({ const: true }) })
const Note = closed({ text: str(20000) })
const Message = closed({
  text: Type.Optional(nullableStr(20000)),
  template: Type.Optional(nullableEnum(MESSAGE_TEMPLATE_KEYS)),
  lang: Type.Optional(Lang),
  awaitReply: Type.Optional(Type.Boolean()),
  // identity | specify_access: checked by the service, which says why any other is refused.
  pause: Type.Optional(nullableStr(40)),
})
const TeamMove = closed({ team: str(64) })
const controllerProps = {
  clientId: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 1 })),
  name: Type.Optional(nullableStr(400)),
  email: Type.Optional(nullableStr(400)),
}
const Client = closed(controllerProps)
const Forward = closed({ ...controllerProps, lang: Type.Optional(Lang) })
const Answer = closed({ text: str(20000), lang: Type.Optional(Lang) })
const Extension = closed({ reason: str(5000) })

/** What a case action may answer besides the case: the signed-in errors, and 409 when the case's state refuses it. */
const ActionErrors = { ...ApiErrors, 409: ApiError }

function apiLang(request: FastifyRequest): Lang {
  const staffLang = request.staff?.lang
  return isLang(staffLang) ? staffLang : request.lang
}

function parseId(raw: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw caseFail('notFound')
  return Number(raw)
}

function noStore<T>(reply: FastifyReply, body: T, status = 200): T {
  reply.code(status).header('Cache-Control', 'no-store')
  return body
}

export function staffApiRoutes(deps: { cases: CaseService; queue: QueueService }) {
  const { cases, queue } = deps
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    // Authorised before the body is validated, so nobody learns a route's schema without a token.
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: app.requireStaff('handler') }

    // A refusal in the member's own language (their stored choice), as the API has always answered;
    // anything else goes on to the API scope's handler.
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof DomainError) return sendDomainError(reply, error, apiLang(request))
      throw error
    })

    const queryProblem = (reply: FastifyReply, fields: Record<string, string>, code = 'invalid_query') => sendApiError(reply, 400, { error: code, message: t('en', 'cases.api.queryErrors'), fields })

    r.get('/cases', { ...viewer, schema: { querystring: QueueQuery, response: { 200: CaseListSchema, ...ApiErrors } } }, async (request, reply) => {
      const lang = apiLang(request)
      const page = await queue.apiList(request.staff!, request.query)
      if (page.problem) return queryProblem(reply, page.problem.fields, page.problem.code)
      // Said in the answer, so an integration does not take an empty list for an empty queue.
      const notice = page.scopedNoTeams ? { notice: { code: 'no_teams', message: t(lang, 'routing.queue.scopedNoTeams') } } : {}
      const items = page.items.map((i) => toCaseJson(i.case, i.deadline, i.assignee, i.team, lang, i.pauses, i.addressChange))
      return noStore(reply, { items, nextCursor: page.nextCursor, ...notice })
    })

    r.get('/cases/:id', { ...viewer, schema: { params: IdParams, response: { 200: CaseJsonSchema, ...ApiErrors } } }, async (request, reply) => {
      const id = parseId(request.params.id)
      const body = await cases.json(id, apiLang(request))
      await cases.recordView(request.staff!, id)
      return noStore(reply, body)
    })

    r.post('/cases', { ...handler, schema: { body: NewCase, response: { 201: CaseJsonSchema, ...ApiErrors } } }, async (request, reply) => {
      const b = request.body
      // Field texts in English, as the rest of the API's field problems (intake's email and name rules).
      const fields: Record<string, string> = {}
      const parsed = parseEmail(b.email)
      if (!parsed.ok) fields.email = emailProblemText(parsed.problem)
      const name = cleanLine(b.name)
      if (name && name.length > MAX_NAME) fields.name = t('en', 'cases.api.tooLong', { max: MAX_NAME })
      else if (name && isLinkLikeName(name)) fields.name = NAME_LINK_TEXT
      const details = cleanText(b.details)
      if (details && details.length > MAX_DETAILS) fields.details = t('en', 'cases.api.tooLong', { max: MAX_DETAILS })
      const received = parseReceivedAt(b.receivedAt, app.clock())
      if (!received.ok) fields.receivedAt = received.problem === 'range' ? t(request.lang, 'api.dateRange', SUPPORTED_DATES) : t('en', received.problem === 'future' ? 'cases.api.future' : 'cases.api.dateOrTimestamp')
      if (!parsed.ok || !received.ok || Object.keys(fields).length > 0) return sendApiError(reply, 400, { error: 'invalid_body', message: t('en', 'cases.api.bodyInvalid'), fields })
      const created = await cases.registerManual(request.staff!, {
        type: b.type,
        email: parsed.email,
        name,
        relationship: b.relationship ?? null,
        consentKind: b.type === 'withdraw_consent' ? (b.consent ?? null) : null,
        details,
        channel: b.channel,
        receivedAt: received.iso,
        lang: b.lang ?? 'sv',
      })
      return noStore(reply, await cases.json(created.id, apiLang(request)), 201)
    })

    /** POST /cases/:id/<path>: one service call, then the case as it now is. */
    function action<B extends TSchema>(path: string, body: B, run: (request: FastifyRequest, id: number, body: Static<B>) => Promise<unknown>) {
      r.post(`/cases/:id/${path}`, { ...handler, schema: { params: IdParams, body, response: { 200: CaseJsonSchema, ...ActionErrors } } }, async (request, reply) => {
        const id = parseId(request.params.id)
        await run(request, id, request.body as Static<B>)
        return noStore(reply, await cases.json(id, apiLang(request)))
      })
    }

    action('assign', Assign, (request, id, b) => cases.assignByEmail(request.staff!, id, b.assignee))
    action('status', StatusChange, (request, id, b) =>
      cases.changeStatus(request.staff!, id, b.status, b.reason ?? null, { partialRefusal: b.partialRefusal ? b.partialRefusal.reason : null, evidence: b.evidence ?? null }),
    )
    // Issue 15 §5: the representative's authority is checked; the registers then act on the data subject's address.
    action('authority', AuthorityCheck, (request, id) => cases.checkAuthority(request.staff!, id))
    action('notes', Note, (request, id, b) => cases.addNote(request.staff!, id, b.text))
    action('messages', Message, (request, id, b) =>
      cases.sendMessage(request.staff!, id, { text: b.text ?? null, template: b.template ?? null, lang: b.lang ?? null, awaitReply: b.awaitReply === true, pause: b.pause ?? null }),
    )
    action('team', TeamMove, (request, id, b) => cases.moveToTeamKey(request.staff!, id, b.team))
    action('client', Client, (request, id, b) => cases.markClient(request.staff!, id, b))
    action('forward', Forward, (request, id, b) => cases.forwardToController(request.staff!, id, { clientId: b.clientId, name: b.name, email: b.email, lang: b.lang ?? null }))
    action('answer', Answer, (request, id, b) => cases.answerQuestion(request.staff!, id, { text: b.text, lang: b.lang ?? null }))
    action('extend', Extension, (request, id, b) => cases.extend(request.staff!, id, b.reason))
  }
}
