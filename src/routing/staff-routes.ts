import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Static, TypeBoxTypeProvider } from '../http/schema.js'
import { EmptyForm, IdParams, MoveForm, RanQuery, RuleForm, SavedQuery, TeamForm, TestQuery } from './page-schemas.js'
import { t, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import type { RoutingAdmin, RuleInput } from './admin.js'
import { DomainError } from './errors.js'
import { domainMessage } from '../http/errors.js'
import { warningText } from './api-service.js'
import { caseScope } from './team-scope.js'
import { escalationPlanFor, runEscalation } from './escalation.js'
import { listTeams, staffBrief, teamQueueCounts } from './repository.js'
import { dryRun } from './route-case.js'
import { RULE_ACTIONS, type Rule, type RuleConditions } from './rules.js'

type Body = Record<string, unknown>
const s = (v: unknown) => (typeof v === 'string' ? v : '')
const many = (v: unknown): string[] => (Array.isArray(v) ? v.map(s) : typeof v === 'string' && v !== '' ? [v] : [])
const idOf = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : null)

const CONDITION_SOURCES = {
  types: { values: REQUEST_TYPES, label: (lang: Lang, v: string) => t(lang, `types.${v}.short`) },
  relationships: { values: RELATIONSHIPS, label: (lang: Lang, v: string) => t(lang, `relationships.${v}`) },
  consents: { values: CONSENT_KINDS, label: (lang: Lang, v: string) => t(lang, `consents.${v}`) },
  channels: { values: CHANNELS, label: (lang: Lang, v: string) => t(lang, `cases.channels.${v}`) },
} as const

/** A rule from the form: ticked boxes are conditions (none ticked: any value), words are comma-separated. */
function ruleFromForm(body: Body): RuleInput {
  const conditions: RuleConditions = {}
  for (const field of Object.keys(CONDITION_SOURCES) as Array<keyof typeof CONDITION_SOURCES>) {
    const ticked = many(body[field])
    if (ticked.length) conditions[field] = ticked
  }
  const words = s(body.words).split(/[,\n]/).map((w) => w.trim()).filter(Boolean)
  if (words.length) conditions.words = words
  return { name: s(body.name), enabled: s(body.enabled) === 'on', conditions, action: s(body.action), teamId: idOf(body.team), assigneeId: idOf(body.assignee) }
}

/** The staff pages: teams and rules for admins; the routing dry run and the escalation preview for everyone. */
export function routingStaffRoutes(deps: { admin: RoutingAdmin }) {
  const { admin } = deps
  return async function routes(app: FastifyInstance) {
    const adminOnly = app.requireStaff('admin')
    const viewer = app.requireStaff('viewer')
    const csrf = app.staffCsrfCheck
    const r = app.withTypeProvider<TypeBoxTypeProvider>()

    async function people() {
      return staffBrief(app.db)
    }

    async function warningsFor(lang: Lang) {
      return (await admin.warnings()).map((w) => warningText(lang, w))
    }

    function conditionOptions(lang: Lang, c: RuleConditions) {
      return (Object.keys(CONDITION_SOURCES) as Array<keyof typeof CONDITION_SOURCES>).map((field) => ({
        field,
        legend: t(lang, `routing.rules.${field}`),
        options: CONDITION_SOURCES[field].values.map((value) => ({ value, label: CONDITION_SOURCES[field].label(lang, value), checked: (c[field] ?? []).includes(value), id: `${field}-${value}` })),
      }))
    }

    async function ruleForm(lang: Lang, rule: Partial<RuleInput> & { id?: number }) {
      const teams = await listTeams(app.db)
      const staff = (await people()).filter((p) => !p.disabled && p.role !== 'viewer')
      return {
        id: rule.id,
        name: rule.name ?? '',
        enabled: rule.enabled ?? true,
        words: (rule.conditions?.words ?? []).join(', '),
        conditionGroups: conditionOptions(lang, rule.conditions ?? {}),
        actionOptions: RULE_ACTIONS.map((value) => ({ value, label: t(lang, `routing.rules.actions.${value}`) })),
        action: rule.action ?? 'team',
        teamOptions: teams.map((x) => ({ value: String(x.id), label: x.name })),
        team: rule.teamId ? String(rule.teamId) : '',
        assigneeOptions: staff.map((p) => ({ value: String(p.id), label: `${p.name} (${p.email})` })),
        assignee: rule.assigneeId ? String(rule.assigneeId) : '',
      }
    }

    function describe(lang: Lang, r: Rule, teams: Map<number, string>, names: Map<number, string>) {
      const parts: string[] = []
      for (const field of ['types', 'relationships', 'consents', 'channels'] as const) {
        const v = r.conditions[field]
        if (v) parts.push(`${t(lang, `routing.rules.${field}`)}: ${v.map((x) => CONDITION_SOURCES[field].label(lang, x)).join(', ')}`)
      }
      if (r.conditions.words) parts.push(`${t(lang, 'routing.rules.words')}: ${r.conditions.words.join(', ')}`)
      const target = r.action === 'assign' ? (names.get(r.assigneeId ?? -1) ?? '?') : (teams.get(r.teamId ?? -1) ?? '?')
      return { conditions: parts.length ? parts.join('; ') : t(lang, 'routing.rules.any'), action: `${t(lang, `routing.rules.actions.${r.action}`)}: ${target}` }
    }

    async function rulesPage(request: FastifyRequest, reply: FastifyReply, o: { form?: Partial<RuleInput>; error?: DomainError; status?: number; saved?: boolean } = {}) {
      const lang = request.lang
      const rules = await admin.rules()
      const teams = new Map((await listTeams(app.db)).map((x) => [x.id, x.name]))
      const names = new Map((await people()).map((p) => [p.id, p.name]))
      const defaultTeam = (await listTeams(app.db)).find((x) => x.is_default === 1)
      const error = o.error ? domainMessage(o.error, lang) : null
      return reply.staffPage(
        'staff/routing-rules',
        {
          rules: rules.map((r, i) => ({ ...r, position: i + 1, first: i === 0, last: i === rules.length - 1, ...describe(lang, r, teams, names) })),
          defaultTeam: defaultTeam?.name ?? '–',
          warnings: await warningsFor(lang),
          form: await ruleForm(lang, o.form ?? {}),
          error,
          errorList: error ? [{ id: 'rule-form', message: error }] : [],
          saved: o.saved ?? false,
          csrf: app.staffCsrf.token(request, reply),
        },
        { status: o.status, title: t(lang, 'routing.rules.title') },
      )
    }

    r.get('/admin/routing', { preHandler: adminOnly, schema: { querystring: SavedQuery } }, async (request, reply) => rulesPage(request, reply, { saved: request.query.saved === '1' }))

    r.post('/admin/routing', { preHandler: [adminOnly, csrf], schema: { body: RuleForm } }, async (request, reply) => {
      const input = ruleFromForm(request.body)
      try {
        await admin.createRule(request.staff!.id, input)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        return rulesPage(request, reply, { form: input, error, status: error.status })
      }
      return reply.redirect('/staff/admin/routing?saved=1', 303)
    })

    async function editPage(request: FastifyRequest, reply: FastifyReply, id: number, o: { form?: Partial<RuleInput>; error?: DomainError; status?: number } = {}) {
      const lang = request.lang
      const rule = (await admin.rules()).find((r) => r.id === id)
      if (!rule) return reply.staffPage('message', { title: t(lang, 'errors.notFoundTitle'), paragraphs: [t(lang, 'routing.rules.notFound')], link: { href: '/staff/admin/routing', text: t(lang, 'routing.rules.title') } }, { status: 404, title: t(lang, 'errors.notFoundTitle') })
      const error = o.error ? domainMessage(o.error, lang) : null
      return reply.staffPage(
        'staff/routing-rule-edit',
        { form: await ruleForm(lang, { ...rule, ...o.form, id }), error, errorList: error ? [{ id: 'rule-form', message: error }] : [], csrf: app.staffCsrf.token(request, reply) },
        { status: o.status, title: `${t(lang, 'routing.rules.edit')}: ${rule.name}` },
      )
    }

    r.get('/admin/routing/:id', { preHandler: adminOnly, schema: { params: IdParams } }, async (request, reply) => editPage(request, reply, idOf(request.params.id) ?? -1))

    r.post('/admin/routing/:id', { preHandler: [adminOnly, csrf], schema: { params: IdParams, body: RuleForm } }, async (request, reply) => {
      const id = idOf(request.params.id) ?? -1
      const input = ruleFromForm(request.body)
      try {
        await admin.updateRule(request.staff!.id, id, input)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        return editPage(request, reply, id, { form: input, error, status: error.status })
      }
      return reply.redirect('/staff/admin/routing?saved=1', 303)
    })

    r.post('/admin/routing/:id/move', { preHandler: [adminOnly, csrf], schema: { params: IdParams, body: MoveForm } }, async (request, reply) => {
      try {
        await admin.moveRule(request.staff!.id, idOf(request.params.id) ?? -1, request.body.direction === 'up' ? -1 : 1)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        return rulesPage(request, reply, { error, status: error.status })
      }
      return reply.redirect('/staff/admin/routing?saved=1', 303)
    })

    r.post('/admin/routing/:id/delete', { preHandler: [adminOnly, csrf], schema: { params: IdParams, body: EmptyForm } }, async (request, reply) => {
      try {
        await admin.deleteRule(request.staff!.id, idOf(request.params.id) ?? -1)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        return rulesPage(request, reply, { error, status: error.status })
      }
      return reply.redirect('/staff/admin/routing?saved=1', 303)
    })

    // ── Teams ──

    async function teamsPage(request: FastifyRequest, reply: FastifyReply, o: { error?: DomainError; status?: number; saved?: boolean; values?: Record<string, unknown>; failedId?: number | null } = {}) {
      const lang = request.lang
      const teams = await listTeams(app.db)
      const counts = new Map((await teamQueueCounts(app.db)).map((c) => [c.id, c]))
      const staff = (await people()).filter((p) => !p.disabled && p.role !== 'viewer')
      const error = o.error ? domainMessage(o.error, lang) : null
      const options = (memberIds: number[], prefix: string) => staff.map((p) => ({ value: String(p.id), label: `${p.name} (${p.email})`, checked: memberIds.includes(p.id), id: `${prefix}-m${p.id}` }))
      const escalateOptions = (self: number | null) => teams.filter((x) => x.id !== self).map((x) => ({ value: String(x.id), label: x.name }))
      return reply.staffPage(
        'staff/routing-teams',
        {
          teams: teams.map((x) => ({
            id: x.id,
            key: x.key,
            name: x.name,
            isDefault: x.is_default === 1,
            isEscalation: x.is_escalation === 1,
            escalatesTo: x.escalates_to ? String(x.escalates_to) : '',
            escalateOptions: escalateOptions(x.id),
            members: x.members,
            memberOptions: options(x.members.filter((m) => m.active).map((m) => m.id), `t${x.id}`),
            open: counts.get(x.id)?.open ?? 0,
            error: o.failedId === x.id ? error : null,
          })),
          newTeam: { name: s(o.values?.name), memberOptions: options(many(o.values?.members).map(Number), 'new'), escalateOptions: escalateOptions(null), error: o.failedId === null && error ? error : null },
          warnings: await warningsFor(lang),
          errorList: error ? [{ id: o.failedId ? `team-${o.failedId}` : 'team-new', message: error }] : [],
          saved: o.saved ?? false,
          csrf: app.staffCsrf.token(request, reply),
        },
        { status: o.status, title: t(lang, 'routing.teams.title') },
      )
    }

    r.get('/admin/teams', { preHandler: adminOnly, schema: { querystring: SavedQuery } }, async (request, reply) => teamsPage(request, reply, { saved: request.query.saved === '1' }))

    async function saveTeam(request: FastifyRequest, reply: FastifyReply, b: Static<typeof TeamForm>, id: number | null) {
      try {
        await admin.saveTeam(request.staff!.id, id, {
          name: s(b.name),
          memberIds: many(b.members).map(Number).filter((n) => Number.isSafeInteger(n)),
          isDefault: s(b.isDefault) === 'on' ? true : undefined,
          isEscalation: s(b.isEscalation) === 'on' ? true : undefined,
          escalatesTo: idOf(b.escalatesTo),
        })
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        return teamsPage(request, reply, { error, status: error.status, values: b, failedId: id })
      }
      return reply.redirect('/staff/admin/teams?saved=1', 303)
    }

    r.post('/admin/teams', { preHandler: [adminOnly, csrf], schema: { body: TeamForm } }, async (request, reply) => saveTeam(request, reply, request.body, null))
    r.post('/admin/teams/:id', { preHandler: [adminOnly, csrf], schema: { params: IdParams, body: TeamForm } }, async (request, reply) => saveTeam(request, reply, request.body, idOf(request.params.id) ?? -1))

    // ── Dry run: which rule would win ──

    r.get('/routing/test', { preHandler: viewer, schema: { querystring: TestQuery } }, async (request, reply) => {
      const lang = request.lang
      const q = request.query
      const values = { type: s(q.type), relationship: s(q.relationship), consent: s(q.consent), channel: s(q.channel) || 'web', details: s(q.details).slice(0, 5000) }
      let result = null
      let error: string | null = null
      if (values.type) {
        const o = await dryRun(app.db, values)
        if (!o) error = t(lang, 'routing.test.invalid')
        else {
          result = { rule: o.ruleId === null ? null : o.ruleName, team: o.team?.name ?? '–', assignee: o.assignee ? `${o.assignee.name} (${o.assignee.email})` : null, reason: o.reason[lang] }
        }
      }
      return reply.staffPage(
        'staff/routing-test',
        {
          values,
          result,
          error,
          errorList: error ? [{ id: 'type', message: error }] : [],
          typeOptions: REQUEST_TYPES.map((value) => ({ value, label: t(lang, `types.${value}.short`) })),
          relationshipOptions: RELATIONSHIPS.map((value) => ({ value, label: t(lang, `relationships.${value}`) })),
          consentOptions: CONSENT_KINDS.map((value) => ({ value, label: t(lang, `consents.${value}`) })),
          channelOptions: CHANNELS.map((value) => ({ value, label: t(lang, `cases.channels.${value}`) })),
        },
        { status: error ? 400 : 200, title: t(lang, 'routing.test.title') },
      )
    })

    // ── Escalation: what would happen now, and (admins) run it ──

    r.get('/escalation', { preHandler: viewer, schema: { querystring: RanQuery } }, async (request, reply) => {
      const lang = request.lang
      const scope = await caseScope(app.db, app.config.teamScopedAccess, request.staff!)
      const plan = await escalationPlanFor(app.db, app.clock(), app.config.escalateUnassignedHours, scope)
      const teams = new Map((await listTeams(app.db)).map((x) => [x.id, x.name]))
      const ran = request.query.ran
      return reply.staffPage(
        'staff/escalation',
        {
          hours: app.config.escalateUnassignedHours,
          items: plan.map((i) => ({ ...i, reasonLabel: t(lang, `routing.escalation.reasons.${i.reason}`), from: teams.get(i.fromTeamId ?? -1) ?? '–', to: teams.get(i.toTeamId ?? -1) ?? '–' })),
          isAdmin: request.staff!.role === 'admin',
          ran: ran && /^\d+$/.test(ran) ? t(lang, 'routing.escalation.ran', { count: ran }) : null,
          csrf: app.staffCsrf.token(request, reply),
        },
        { title: t(lang, 'routing.escalation.title') },
      )
    })

    r.post('/escalation/run', { preHandler: [adminOnly, csrf], schema: { body: EmptyForm } }, async (request, reply) => {
      const result = await runEscalation(app.db, app.clock(), app.config.escalateUnassignedHours, { actorId: request.staff!.id, force: true })
      return reply.redirect(`/staff/escalation?ran=${result.escalated}`, 303)
    })
  }
}
