import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { computeDueDate } from '../deadlines/due-date.js'
import { CALCULATOR_PROBLEM_TEXT, parseCalculatorQuery } from '../deadlines/calculator-query.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { DomainError } from '../domain/errors.js'
import { sendApiError, sendDomainError } from '../http/errors.js'
import { ApiError, ApiErrors, IdParams, StringEnum, Type, type Static, type TSchema, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, t, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, MAX_DETAILS, MAX_EMAIL, MAX_NAME, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { emailProblemText, parseEmail } from '../intake/email-address.js'
import { isLinkLikeName, NAME_LINK_TEXT } from '../intake/name-rule.js'
import { cleanLine, cleanText } from '../intake/validate.js'
import { CaseJsonSchema, CaseListSchema, DeadlineAnswerSchema } from './case-json-schema.js'
import { caseFail } from './errors.js'
import { QueueQueryError, listQueue, type QueueFilters } from './queue-repository.js'
import { parseReceivedAt, SUPPORTED_DATES } from './received-at.js'
import type { CaseService } from './service.js'
import { CASE_STATUSES } from './state-machine.js'
import { MAX_CASE_ID, MAX_EVIDENCE } from './refusal.js'
import { MESSAGE_TEMPLATE_KEYS } from './templates.js'
import { parseQueueQuery } from './queue-query.js'
import { defaultTeamFilter, resolveTeamFilter } from '../routing/queue-teams.js'
import { caseScope, scopeFilter } from '../routing/team-scope.js'

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

/** A query string's values as the parser gives them: the route's own parser words what is wrong. */
const queryValue = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }))
// Other keys are let through and ignored, as they always were.
const QueueQuery = Type.Object({
  status: queryValue('open (default) | all | a status | a comma list'),
  type: queryValue('a request type or a comma list'),
  assignee: queryValue('me | unassigned | anyone | a staff email or id'),
  team: queryValue('mine | all | a team key or id'),
  due: queryValue('overdue | week'),
  sort: queryValue('due (default) | received'),
  escalated: queryValue('only escalated cases'),
  q: queryValue('reference, email or name'),
  limit: queryValue('page size'),
  cursor: queryValue('nextCursor of the page before'),
})
const DeadlineQuery = Type.Object({ receivedAt: queryValue('YYYY-MM-DD'), confirmedAt: queryValue('YYYY-MM-DD, for a web request'), months: queryValue('1 (default) or 3') })

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

export function staffApiRoutes(deps: { cases: CaseService }) {
  const { cases } = deps
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
      const staff = request.staff!
      const parsed = parseQueueQuery(request.query, staff.id, { team: defaultTeamFilter(staff.role) })
      if (!parsed.ok) return queryProblem(reply, parsed.fields)
      const team = await resolveTeamFilter(app.db, parsed.team, staff.id)
      if (!team.ok) return queryProblem(reply, { team: team.message })
      const scope = await caseScope(app.db, app.config.teamScopedAccess, staff)
      // Said in the answer, so an integration does not take an empty list for an empty queue.
      const notice = !scope.all && scope.noTeams ? { notice: { code: 'no_teams', message: t(apiLang(request), 'routing.queue.scopedNoTeams') } } : {}
      const filters: QueueFilters = { ...parsed.filters, team: team.filter, today: stockholmDate(app.clock()), scope: scopeFilter(scope) }
      if (parsed.assigneeEmail) {
        const who = await cases.staffIdByEmail(parsed.assigneeEmail)
        if (who === undefined) return { items: [], nextCursor: null, ...notice }
        filters.assignee = who
      }
      let page
      try {
        page = await listQueue(app.db, filters, parsed.page)
      } catch (error) {
        if (error instanceof QueueQueryError) return queryProblem(reply, { [error.field]: error.message }, error.code)
        throw error
      }
      return noStore(reply, { items: await cases.jsonList(page.items, apiLang(request)), nextCursor: page.nextCursor, ...notice })
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

    r.get('/deadlines', { ...viewer, schema: { querystring: DeadlineQuery, response: { 200: DeadlineAnswerSchema, ...ApiErrors } } }, async (request, reply) => {
      const q = parseCalculatorQuery(request.query)
      if (!q.ok) return queryProblem(reply, Object.fromEntries(Object.entries(q.fields).map(([k, v]) => [k, CALCULATOR_PROBLEM_TEXT[v]])))
      const eves = app.config.holidayEves
      const result = computeDueDate({ receivedDate: q.receivedDate, months: q.months, eves, pausedDays: q.pausedDays })
      return {
        receivedAt: result.receivedDate,
        months: result.months,
        dueDate: result.dueDate,
        skipped: result.skipped.map((s) => ({ date: s.date, reason: s.reason, ...(s.holiday ? { holiday: s.holiday } : {}) })),
        // Only with confirmedAt, so the answer without it stays as it was.
        ...(q.confirmedDate
          ? { confirmedAt: q.confirmedDate, pausedDays: q.pausedDays, strictDueDate: computeDueDate({ receivedDate: q.receivedDate, months: q.months, eves }).dueDate }
          : {}),
      }
    })
  }
}
