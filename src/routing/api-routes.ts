import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError } from '../domain/errors.js'
import { sendDomainError } from '../http/errors.js'
import { ApiErrors, IdParams, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, type Lang } from '../i18n/index.js'
import { RuleBody, RuleList, RuleListOut, RuleOut, TeamBody, TeamList, TeamOut, TestBody, TestOut, WriteErrors } from './api-schemas.js'
import type { RoutingAdmin } from './admin.js'
import { RoutingApi } from './api-service.js'

/** The API answers in the member's own language, whatever the client's headers say. */
function apiLang(request: FastifyRequest): Lang {
  return isLang(request.staff?.lang) ? request.staff.lang : request.lang
}

/** GET/POST /api/v1/teams, PUT /api/v1/teams/:id, GET/POST/PUT /api/v1/routing-rules, PUT/DELETE /api/v1/routing-rules/:id, POST /api/v1/routing-rules/test. */
export function routingApiRoutes(deps: { admin: RoutingAdmin }) {
  return async function routes(app: FastifyInstance) {
    const api = new RoutingApi({ db: app.db, admin: deps.admin })
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const viewer = { preValidation: app.requireStaff('viewer') }
    const adminOnly = { preValidation: app.requireStaff('admin') }

    // A rule a change breaks is told in the member's language; anything else goes on to the scope's handler.
    r.setErrorHandler((error, request, reply) => {
      if (error instanceof DomainError) return sendDomainError(reply, error, apiLang(request))
      throw error
    })

    r.get('/teams', { ...viewer, schema: { response: { 200: TeamList, ...ApiErrors } } }, async () => api.teamList())

    r.post('/teams', { ...adminOnly, schema: { body: TeamBody, response: { 201: TeamOut, ...WriteErrors } } }, async (request, reply) =>
      reply.code(201).send(await api.createTeam(request.staff!.id, request.body)),
    )

    r.put('/teams/:id', { ...adminOnly, schema: { params: IdParams, body: TeamBody, response: { 200: TeamOut, ...WriteErrors } } }, async (request) =>
      api.updateTeam(request.staff!.id, request.params.id, request.body),
    )

    r.get('/routing-rules', { ...viewer, schema: { response: { 200: RuleListOut, ...ApiErrors } } }, async (request) => api.ruleList(apiLang(request)))

    r.post('/routing-rules', { ...adminOnly, schema: { body: RuleBody, response: { 201: RuleOut, ...WriteErrors } } }, async (request, reply) =>
      reply.code(201).send(await api.createRule(request.staff!.id, request.body)),
    )

    r.put('/routing-rules/:id', { ...adminOnly, schema: { params: IdParams, body: RuleBody, response: { 200: RuleOut, ...WriteErrors } } }, async (request) =>
      api.updateRule(request.staff!.id, request.params.id, request.body),
    )

    r.delete('/routing-rules/:id', { ...adminOnly, schema: { params: IdParams, response: { 204: Type.Null(), ...ApiErrors } } }, async (request, reply) => {
      await api.deleteRule(request.staff!.id, request.params.id)
      return reply.code(204).send(null)
    })

    r.put('/routing-rules', { ...adminOnly, schema: { body: RuleList, response: { 200: RuleListOut, ...WriteErrors } } }, async (request) => api.replaceRules(request.staff!.id, request.body))

    r.post('/routing-rules/test', { ...viewer, schema: { body: TestBody, response: { 200: TestOut, ...ApiErrors } } }, async (request) => api.test(request.body, apiLang(request)))
  }
}
