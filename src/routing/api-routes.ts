import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendApiError } from '../http/errors.js'
import { isLang, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, MAX_DETAILS, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { emailKey } from '../intake/validate.js'
import type { RoutingAdmin, RuleInput, TeamInput } from './admin.js'
import { RoutingError } from './errors.js'
import { listTeams, openCasesByTeam } from './repository.js'
import { decideRoute } from './route-case.js'
import { RULE_ACTIONS, parseConditions, type Rule } from './rules.js'

const list = { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 100 } } as const
const conditionsSchema = { type: 'object', additionalProperties: false, properties: { types: list, relationships: list, consents: list, channels: list, words: list } } as const
const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'action'],
  properties: {
    id: { type: 'integer' },
    position: { type: 'integer' },
    name: { type: 'string', maxLength: 400 },
    enabled: { type: 'boolean' },
    conditions: conditionsSchema,
    action: { type: 'string', enum: [...RULE_ACTIONS] },
    team: { type: ['string', 'null'], maxLength: 64 },
    assignee: { type: ['string', 'null'], maxLength: 320 },
  },
} as const
const teamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 400 },
    key: { type: ['string', 'null'], maxLength: 64 },
    members: { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 320 } },
    default: { type: 'boolean' },
    escalation: { type: 'boolean' },
    escalatesTo: { type: ['string', 'null'], maxLength: 64 },
  },
} as const
const testSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: [...REQUEST_TYPES] },
    relationship: { type: ['string', 'null'], enum: [...RELATIONSHIPS, null] },
    consent: { type: ['string', 'null'], enum: [...CONSENT_KINDS, null] },
    channel: { type: 'string', enum: [...CHANNELS] },
    details: { type: ['string', 'null'], maxLength: MAX_DETAILS },
  },
} as const

type RuleBody = { name: string; enabled?: boolean; conditions?: Record<string, string[]>; action: string; team?: string | null; assignee?: string | null }
type TeamBody = { name: string; key?: string | null; members?: string[]; default?: boolean; escalation?: boolean; escalatesTo?: string | null }

function apiLang(request: FastifyRequest): Lang {
  return isLang(request.staff?.lang) ? request.staff.lang : request.lang
}

/** GET/POST /api/v1/teams, GET/POST/PUT /api/v1/routing-rules, POST /api/v1/routing-rules/test. */
export function routingApiRoutes(deps: { admin: RoutingAdmin }) {
  const { admin } = deps
  return async function routes(app: FastifyInstance) {
    const viewer = { preValidation: app.requireStaff('viewer') }
    const adminOnly = { preValidation: app.requireStaff('admin') }

    function fail(reply: FastifyReply, request: FastifyRequest, error: unknown) {
      if (!(error instanceof RoutingError)) throw error
      const message = error.messages[apiLang(request)]
      return sendApiError(reply, error.status, { error: error.code, message, ...(error.field ? { fields: { [error.field]: message } } : {}) })
    }

    async function teamJson() {
      const teams = await listTeams(app.db)
      const counts = new Map((await openCasesByTeam(app.db)).map((c) => [c.teamId, c]))
      const keyOf = new Map(teams.map((t) => [t.id, t.key]))
      return teams.map((t) => ({
        id: t.id,
        key: t.key,
        name: t.name,
        default: t.is_default === 1,
        escalation: t.is_escalation === 1,
        escalatesTo: t.escalates_to === null ? null : (keyOf.get(t.escalates_to) ?? null),
        members: t.members.map((m) => ({ email: m.email, name: m.name, active: m.active })),
        openCases: counts.get(t.id)?.open ?? 0,
        escalatedCases: counts.get(t.id)?.escalated ?? 0,
      }))
    }

    async function ruleJson(rules: Rule[]) {
      const teams = await app.db.selectFrom('teams').select(['id', 'key']).execute()
      const staff = await app.db.selectFrom('staff').select(['id', 'email']).execute()
      return rules.map((r, i) => ({
        id: r.id,
        position: i + 1,
        name: r.name,
        enabled: r.enabled,
        conditions: r.conditions,
        action: r.action,
        team: teams.find((t) => t.id === r.teamId)?.key ?? null,
        assignee: staff.find((s) => s.id === r.assigneeId)?.email ?? null,
      }))
    }

    /** Team keys (or ids) and staff emails in a body, as ids; unknown ones are a 400 naming the field. */
    async function teamId(ref: string | null | undefined, field: string): Promise<number | null> {
      if (ref === null || ref === undefined || ref === '') return null
      const row = await app.db.selectFrom('teams').select('id').where((eb) => (/^\d+$/.test(ref) ? eb.or([eb('key', '=', ref), eb('id', '=', Number(ref))]) : eb('key', '=', ref))).executeTakeFirst()
      if (!row) throw new RoutingError('unknown_team', 400, { sv: `Det finns inget team med nyckeln ”${ref}”.`, en: `There is no team with the key “${ref}”.` }, field)
      return row.id
    }
    async function staffId(email: string, field: string): Promise<number> {
      const row = await app.db.selectFrom('staff').select('id').where('email_key', '=', emailKey(email)).executeTakeFirst()
      if (!row) throw new RoutingError('unknown_staff', 400, { sv: `Det finns ingen personal med e-postadressen ${email}.`, en: `No staff member has the email address ${email}.` }, field)
      return row.id
    }
    async function ruleInput(b: RuleBody): Promise<RuleInput> {
      return {
        name: b.name,
        enabled: b.enabled !== false,
        conditions: parseConditions(b.conditions ?? {}),
        action: b.action,
        teamId: await teamId(b.team, 'team'),
        assigneeId: b.assignee ? await staffId(b.assignee, 'assignee') : null,
      }
    }
    async function teamInput(b: TeamBody): Promise<TeamInput> {
      const memberIds: number[] = []
      for (const email of b.members ?? []) memberIds.push(await staffId(email, 'members'))
      return { name: b.name, key: b.key ?? null, memberIds, isDefault: b.default, isEscalation: b.escalation, escalatesTo: await teamId(b.escalatesTo, 'escalatesTo') }
    }

    app.get('/teams', viewer, async () => ({ items: await teamJson(), warnings: (await admin.warnings()).map((w) => ({ code: w.code, message: w.message.en })) }))

    app.post<{ Body: TeamBody }>('/teams', { ...adminOnly, schema: { body: teamSchema } }, async (request, reply) => {
      try {
        const id = await admin.saveTeam(request.staff!.id, null, await teamInput(request.body))
        return reply.code(201).send((await teamJson()).find((t) => t.id === id))
      } catch (error) {
        return fail(reply, request, error)
      }
    })

    app.put<{ Params: { id: string }; Body: TeamBody }>('/teams/:id', { ...adminOnly, schema: { body: teamSchema } }, async (request, reply) => {
      try {
        const id = await teamId(request.params.id, 'id')
        await admin.saveTeam(request.staff!.id, id, await teamInput(request.body))
        return (await teamJson()).find((t) => t.id === id)
      } catch (error) {
        if (error instanceof RoutingError && error.field === 'id') return sendApiError(reply, 404, { error: 'not_found', message: error.messages[apiLang(request)] })
        return fail(reply, request, error)
      }
    })

    app.get('/routing-rules', viewer, async (request) => {
      const lang = apiLang(request)
      return { items: await ruleJson(await admin.rules()), warnings: (await admin.warnings()).map((w) => ({ code: w.code, message: w.message[lang] })) }
    })

    app.post<{ Body: RuleBody }>('/routing-rules', { ...adminOnly, schema: { body: ruleSchema } }, async (request, reply) => {
      try {
        const id = await admin.createRule(request.staff!.id, await ruleInput(request.body))
        return reply.code(201).send((await ruleJson(await admin.rules())).find((r) => r.id === id))
      } catch (error) {
        return fail(reply, request, error)
      }
    })

    app.put<{ Params: { id: string }; Body: RuleBody }>('/routing-rules/:id', { ...adminOnly, schema: { body: ruleSchema } }, async (request, reply) => {
      const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
      if (id === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The rule does not exist.' })
      try {
        await admin.updateRule(request.staff!.id, id, await ruleInput(request.body))
        return (await ruleJson(await admin.rules())).find((r) => r.id === id)
      } catch (error) {
        return fail(reply, request, error)
      }
    })

    app.delete<{ Params: { id: string } }>('/routing-rules/:id', adminOnly, async (request, reply) => {
      const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
      if (id === null) return sendApiError(reply, 404, { error: 'not_found', message: 'The rule does not exist.' })
      try {
        await admin.deleteRule(request.staff!.id, id)
        return reply.code(204).send()
      } catch (error) {
        return fail(reply, request, error)
      }
    })

    // The whole ordered list at once: {"rules": [...]} or a bare array; the order given is the order used.
    app.put<{ Body: unknown }>(
      '/routing-rules',
      { ...adminOnly, schema: { body: { anyOf: [{ type: 'array', maxItems: 200, items: ruleSchema }, { type: 'object', additionalProperties: false, required: ['rules'], properties: { rules: { type: 'array', maxItems: 200, items: ruleSchema } } }] } } },
      async (request, reply) => {
        const items = (Array.isArray(request.body) ? request.body : (request.body as { rules: RuleBody[] }).rules) as RuleBody[]
        try {
          const inputs: RuleInput[] = []
          for (const [i, b] of items.entries()) {
            try {
              inputs.push(await ruleInput(b))
            } catch (error) {
              if (error instanceof RoutingError) throw new RoutingError(error.code, error.status, { sv: `Regel ${i + 1}: ${error.messages.sv}`, en: `Rule ${i + 1}: ${error.messages.en}` }, `${i}.${error.field ?? ''}`)
              throw error
            }
          }
          await admin.replaceRules(request.staff!.id, inputs)
          return { items: await ruleJson(await admin.rules()) }
        } catch (error) {
          return fail(reply, request, error)
        }
      },
    )

    app.post<{ Body: { type: string; relationship?: string | null; consent?: string | null; channel?: string; details?: string | null } }>(
      '/routing-rules/test',
      { ...viewer, schema: { body: testSchema } },
      async (request) => {
        const b = request.body
        const outcome = await decideRoute(app.db, { type: b.type, relationship: b.relationship ?? null, consent: b.type === 'withdraw_consent' ? (b.consent ?? null) : null, channel: b.channel ?? 'web', details: b.details ?? null })
        return {
          rule: outcome.ruleId === null ? null : { id: outcome.ruleId, name: outcome.ruleName },
          team: outcome.team ? { key: outcome.team.key, name: outcome.team.name } : null,
          assignee: outcome.assignee ? { email: outcome.assignee.email, name: outcome.assignee.name } : null,
          reason: outcome.reason[apiLang(request)],
        }
      },
    )
  }
}
