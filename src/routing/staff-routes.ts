import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { domainMessage } from '../http/errors.js'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t } from '../i18n/index.js'
import type { RoutingAdmin, RuleInput } from './admin.js'
import { DomainError } from './errors.js'
import { runEscalation } from './escalation.js'
import { RoutingPageData } from './page-data.js'
import { idOf, ruleFromForm, teamFormValues, teamFromForm, testValues } from './page-forms.js'
import { EmptyForm, IdParams, MoveForm, RanQuery, RuleForm, SavedQuery, TeamForm, TestQuery } from './page-schemas.js'
import { caseScope } from './team-scope.js'

/** The staff pages: teams and rules for admins; the routing dry run and the escalation preview for everyone. */
export function routingStaffRoutes(deps: { admin: RoutingAdmin }) {
  const { admin } = deps
  return async function routes(app: FastifyInstance) {
    const adminOnly = app.requireStaff('admin')
    const viewer = app.requireStaff('viewer')
    const csrf = app.staffCsrfCheck
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const pages = new RoutingPageData({ db: app.db, admin })

    /** A change that breaks a rule is shown on the form it came from; anything else is the scope's to answer. */
    function refused(error: unknown): DomainError {
      if (error instanceof DomainError) return error
      throw error
    }

    // ── Rules ──

    async function rulesPage(request: FastifyRequest, reply: FastifyReply, o: { form?: Partial<RuleInput>; error?: DomainError; saved?: boolean } = {}) {
      const lang = request.lang
      const error = o.error ? domainMessage(o.error, lang) : null
      return reply.staffPage(
        'staff/routing-rules',
        { ...(await pages.rules(lang, o.form)), error, errorList: error ? [{ id: 'rule-form', message: error }] : [], saved: o.saved ?? false, csrf: app.staffCsrf.token(request, reply) },
        { status: o.error?.status, title: t(lang, 'routing.rules.title') },
      )
    }

    async function editPage(request: FastifyRequest, reply: FastifyReply, id: number, o: { form?: Partial<RuleInput>; error?: DomainError } = {}) {
      const lang = request.lang
      const data = await pages.editRule(lang, id, o.form)
      if (!data) return reply.staffPage('message', { title: t(lang, 'errors.notFoundTitle'), paragraphs: [t(lang, 'routing.rules.notFound')], link: { href: '/staff/admin/routing', text: t(lang, 'routing.rules.title') } }, { status: 404, title: t(lang, 'errors.notFoundTitle') })
      const error = o.error ? domainMessage(o.error, lang) : null
      return reply.staffPage(
        'staff/routing-rule-edit',
        { name: data.name, form: data.form, error, errorList: error ? [{ id: 'rule-form', message: error }] : [], csrf: app.staffCsrf.token(request, reply) },
        { status: o.error?.status, title: `${t(lang, 'routing.rules.edit')}: ${data.name}` },
      )
    }

    const saved = (reply: FastifyReply, page: 'routing' | 'teams') => reply.redirect(`/staff/admin/${page}?saved=1`, 303)

    r.get('/admin/routing', { preValidation: adminOnly, schema: { querystring: SavedQuery } }, async (request, reply) => rulesPage(request, reply, { saved: request.query.saved === '1' }))

    r.post('/admin/routing', { preValidation: [adminOnly, csrf], schema: { body: RuleForm } }, async (request, reply) => {
      const form = ruleFromForm(request.body)
      return admin.createRule(request.staff!.id, form).then(
        () => saved(reply, 'routing'),
        (error) => rulesPage(request, reply, { form, error: refused(error) }),
      )
    })

    r.get('/admin/routing/:id', { preValidation: adminOnly, schema: { params: IdParams } }, async (request, reply) => editPage(request, reply, idOf(request.params.id) ?? -1))

    r.post('/admin/routing/:id', { preValidation: [adminOnly, csrf], schema: { params: IdParams, body: RuleForm } }, async (request, reply) => {
      const id = idOf(request.params.id) ?? -1
      const form = ruleFromForm(request.body)
      return admin.updateRule(request.staff!.id, id, form).then(
        () => saved(reply, 'routing'),
        (error) => editPage(request, reply, id, { form, error: refused(error) }),
      )
    })

    r.post('/admin/routing/:id/move', { preValidation: [adminOnly, csrf], schema: { params: IdParams, body: MoveForm } }, async (request, reply) =>
      admin.moveRule(request.staff!.id, idOf(request.params.id) ?? -1, request.body.direction === 'up' ? -1 : 1).then(
        () => saved(reply, 'routing'),
        (error) => rulesPage(request, reply, { error: refused(error) }),
      ),
    )

    r.post('/admin/routing/:id/delete', { preValidation: [adminOnly, csrf], schema: { params: IdParams, body: EmptyForm } }, async (request, reply) =>
      admin.deleteRule(request.staff!.id, idOf(request.params.id) ?? -1).then(
        () => saved(reply, 'routing'),
        (error) => rulesPage(request, reply, { error: refused(error) }),
      ),
    )

    // ── Teams ──

    async function teamsPage(request: FastifyRequest, reply: FastifyReply, o: { error?: DomainError; saved?: boolean; values?: { name: string; memberIds: number[] }; failedId?: number | null } = {}) {
      const lang = request.lang
      const error = o.error ? domainMessage(o.error, lang) : null
      return reply.staffPage(
        'staff/routing-teams',
        { ...(await pages.teams(lang, { error, failedId: o.failedId, values: o.values })), saved: o.saved ?? false, csrf: app.staffCsrf.token(request, reply) },
        { status: o.error?.status, title: t(lang, 'routing.teams.title') },
      )
    }

    r.get('/admin/teams', { preValidation: adminOnly, schema: { querystring: SavedQuery } }, async (request, reply) => teamsPage(request, reply, { saved: request.query.saved === '1' }))

    r.post('/admin/teams', { preValidation: [adminOnly, csrf], schema: { body: TeamForm } }, async (request, reply) =>
      admin.saveTeam(request.staff!.id, null, teamFromForm(request.body)).then(
        () => saved(reply, 'teams'),
        (error) => teamsPage(request, reply, { error: refused(error), values: teamFormValues(request.body), failedId: null }),
      ),
    )

    r.post('/admin/teams/:id', { preValidation: [adminOnly, csrf], schema: { params: IdParams, body: TeamForm } }, async (request, reply) => {
      const id = idOf(request.params.id) ?? -1
      return admin.saveTeam(request.staff!.id, id, teamFromForm(request.body)).then(
        () => saved(reply, 'teams'),
        (error) => teamsPage(request, reply, { error: refused(error), values: teamFormValues(request.body), failedId: id }),
      )
    })

    // ── Dry run: which rule would win ──

    r.get('/routing/test', { preValidation: viewer, schema: { querystring: TestQuery } }, async (request, reply) => {
      const lang = request.lang
      const data = await pages.test(lang, testValues(request.query))
      return reply.staffPage('staff/routing-test', data, { status: data.error ? 400 : 200, title: t(lang, 'routing.test.title') })
    })

    // ── Escalation: what would happen now, and (admins) run it ──

    r.get('/escalation', { preValidation: viewer, schema: { querystring: RanQuery } }, async (request, reply) => {
      const lang = request.lang
      const scope = await caseScope(app.db, app.config.teamScopedAccess, request.staff!)
      const ran = request.query.ran
      return reply.staffPage(
        'staff/escalation',
        {
          hours: app.config.escalateUnassignedHours,
          items: await pages.escalation(lang, { now: app.clock(), hours: app.config.escalateUnassignedHours, scope }),
          isAdmin: request.staff!.role === 'admin',
          ran: ran && /^\d+$/.test(ran) ? t(lang, 'routing.escalation.ran', { count: ran }) : null,
          csrf: app.staffCsrf.token(request, reply),
        },
        { title: t(lang, 'routing.escalation.title') },
      )
    })

    r.post('/escalation/run', { preValidation: [adminOnly, csrf], schema: { body: EmptyForm } }, async (request, reply) => {
      const result = await runEscalation(app.db, app.clock(), app.config.escalateUnassignedHours, { actorId: request.staff!.id, force: true })
      return reply.redirect(`/staff/escalation?ran=${result.escalated}`, 303)
    })
  }
}
