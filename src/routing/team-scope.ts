import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import { notFound } from '../cases/errors.js'
import type { Executor } from '../db/connection.js'
import { sendDomainError, sendMessagePage } from '../http/errors.js'
import { isLang } from '../i18n/index.js'
import { caseTeamAndAssignee } from '../cases/records.js'
import { memberTeams } from './repository.js'
import type { QueueTeamFilter } from './queue-teams.js'

/**
 * TEAM_SCOPED_ACCESS: teams as an access boundary. A handler reads and acts on the cases of their
 * teams and those assigned to them; administrators, members of the escalation team and viewers
 * (who only read) see every case. Outside the scope a case does not exist for them: 404.
 */
export type CaseScope = { all: true } | { all: false; filter: QueueTeamFilter; noTeams: boolean }

export async function caseScope(db: Executor, scoped: boolean, staff: { id: number; role: string }): Promise<CaseScope> {
  if (!scoped || staff.role !== 'handler') return { all: true }
  const rows = await memberTeams(db, staff.id)
  if (rows.some((r) => r.is_escalation === 1)) return { all: true }
  return { all: false, filter: { ids: rows.map((r) => r.id), orAssignee: staff.id }, noTeams: rows.length === 0 }
}

export function scopeFilter(scope: CaseScope): QueueTeamFilter | null {
  return scope.all ? null : scope.filter
}

export function scopeAllows(scope: CaseScope, c: { team_id: number | null; assignee_id: number | null }): boolean {
  if (scope.all) return true
  return (c.team_id !== null && scope.filter.ids.includes(c.team_id)) || c.assignee_id === scope.filter.orAssignee
}

/** Every route about one case, on the pages and in the API: /staff/cases/:id… and /api/v1/cases/:id…. */
const CASE_ROUTE = /^\/(staff|api\/v1)\/cases\/:id(\/|$)/

/** Answers exactly as for a case that does not exist, so the scope tells nothing about other teams' cases. */
function hidden(api: boolean, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (api) {
    const lang = isLang(request.staff?.lang) ? request.staff.lang : request.lang
    return sendDomainError(reply, notFound(), lang)
  }
  return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
}

/** Registered in the staff and API scopes before their routes (`api`: which of the two): adds the scope check after each case route's own sign-in and role check (request.staff is set on request). */
export default fp(
  async function teamScope(app: FastifyInstance, opts: { api: boolean }) {
    if (!app.config.teamScopedAccess) return
    const guard: preHandlerHookHandler = async (request, reply) => {
      const staff = request.staff
      if (!staff) return
      const scope = await caseScope(app.db, true, staff)
      if (scope.all) return
      const raw = (request.params as { id?: string }).id ?? ''
      const c = /^\d{1,12}$/.test(raw) ? await caseTeamAndAssignee(app.db, Number(raw)) : undefined
      // A case that does not exist gets the same answer, or the difference would tell that the other does.
      if (!c || !scopeAllows(scope, c)) return hidden(opts.api, request, reply)
    }
    app.addHook('onRoute', (route) => {
      if (!CASE_ROUTE.test(route.url)) return
      // Both scopes authorise in preValidation: checked there too, so a hidden case is not even told its body is wrong.
      route.preValidation = [...[route.preValidation ?? []].flat(), guard]
    })
  },
  { name: 'team-scope' },
)
