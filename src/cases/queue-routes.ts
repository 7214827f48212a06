import type { FastifyInstance } from 'fastify'
import { diffDays } from '../deadlines/calendar-date.js'
import { deadlineState } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { t } from '../i18n/index.js'
import { REQUEST_TYPES } from '../intake/request-types.js'
import { emailKey } from '../intake/validate.js'
import { staffByIds } from './case-json.js'
import { parseQueueQuery } from './queue-query.js'
import { QueueQueryError, listQueue, queueCounts, type QueueFilters } from './queue-repository.js'
import { CASE_STATUSES } from './state-machine.js'
import { pausedCaseIds } from './pauses.js'
import { defaultTeamFilter, resolveTeamFilter } from '../routing/queue-teams.js'
import { teamQueueCounts } from '../routing/repository.js'
import { caseScope, scopeFilter } from '../routing/team-scope.js'

/** The staff queue: filters, counts, and a page of cases with their deadlines, keyset-paginated. */
export async function queueRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, unknown> }>('', { preHandler: app.requireStaff('viewer') }, async (request, reply) => {
    const lang = request.lang
    const me = request.staff!
    const today = stockholmDate(app.clock())
    const parsed = parseQueueQuery(request.query ?? {}, me.id, { team: defaultTeamFilter(me.role) })
    const scope = await caseScope(app.db, app.config.teamScopedAccess, me)
    let noTeams = false
    let teamFilter: QueueFilters['team'] = null
    let items: Awaited<ReturnType<typeof listQueue>>['items'] = []
    let nextCursor: string | null = null
    let form: Record<string, string> = {}
    let errorList: Array<{ id: string; message: string }> = []
    if (!parsed.ok) {
      errorList = Object.entries(parsed.fields).map(([id, message]) => ({ id: `filter-${id}`, message: `${id}: ${message}` }))
      form = Object.fromEntries(Object.keys(request.query ?? {}).map((k) => [k, String((request.query as Record<string, unknown>)[k] ?? '')]))
    } else {
      form = parsed.form
      const team = await resolveTeamFilter(app.db, parsed.team, me.id)
      let empty = false
      if (team.ok) {
        teamFilter = team.filter
        noTeams = team.noTeams
      } else {
        errorList = [{ id: 'filter-team', message: `team: ${team.message}` }]
        empty = true
      }
      const filters: QueueFilters = { ...parsed.filters, team: teamFilter, today, scope: scopeFilter(scope) }
      if (parsed.assigneeEmail) {
        const who = await app.db.selectFrom('staff').select('id').where('email_key', '=', emailKey(parsed.assigneeEmail)).executeTakeFirst()
        if (who) filters.assignee = who.id
        else empty = true
      }
      if (!empty) {
        try {
          const page = await listQueue(app.db, filters, parsed.page)
          items = page.items
          nextCursor = page.nextCursor
        } catch (error) {
          if (!(error instanceof QueueQueryError)) throw error
          errorList = [{ id: `filter-${error.field}`, message: error.message }]
        }
      }
    }
    const counts = await queueCounts(app.db, today, { team: teamFilter, scope: scopeFilter(scope) })
    // Scoped, a handler's per-team counts are their own teams' only.
    const teams = (await teamQueueCounts(app.db)).filter((x) => scope.all || scope.filter.ids.includes(x.id))
    const people = await staffByIds(app.db, items.map((c) => c.assignee_id))
    const paused = await pausedCaseIds(app.db, items.map((c) => c.id))
    const rows = items.map((c) => {
      const daysLeft = diffDays(today, c.due_date)
      const state = paused.has(c.id) || c.closed_at ? 'ok' : deadlineState(daysLeft)
      return {
        id: c.id,
        reference: c.reference,
        type: t(lang, `types.${c.type}.short`),
        status: t(lang, `cases.statuses.${c.status}`),
        statusKey: c.status,
        requester: c.name ? `${c.name} <${c.email}>` : c.email,
        received: stockholmDate(c.received_at),
        dueDate: c.due_date,
        daysLeft: c.closed_at ? '–' : String(daysLeft),
        state,
        stateLabel: state === 'ok' ? '' : t(lang, `cases.state.${state}`),
        assignee: c.assignee_id ? (people.get(c.assignee_id)?.name ?? '?') : t(lang, 'cases.unassigned'),
        team: c.team_id ? (teams.find((x) => x.id === c.team_id)?.name ?? '?') : '–',
        escalated: c.escalated_at !== null,
      }
    })
    const nextParams = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== ''))
    if (nextCursor) nextParams.set('cursor', nextCursor)
    return reply.staffPage(
      'staff-queue',
      {
        rows,
        form,
        errorList,
        nextUrl: nextCursor ? `/staff?${nextParams.toString()}` : null,
        counts: CASE_STATUSES.filter((s) => counts.byStatus[s] !== undefined).map((s) => ({ label: t(lang, `cases.statuses.${s}`), value: counts.byStatus[s], href: `/staff?status=${s}` })),
        overdue: counts.overdue,
        dueThisWeek: counts.dueThisWeek,
        open: counts.open,
        canWork: me.role !== 'viewer',
        noTeams: noTeams && scope.all,
        scopedNoTeams: !scope.all && scope.noTeams,
        scoped: !scope.all && !scope.noTeams,
        teamCounts: teams.map((x) => ({ ...x, href: `/staff?team=${encodeURIComponent(x.key)}` })),
        teamOptions: [
          { value: 'mine', label: t(lang, 'routing.queue.mine') },
          { value: 'all', label: t(lang, 'routing.queue.all') },
          ...teams.map((x) => ({ value: x.key, label: x.name })),
        ],
        statusOptions: [
          { value: 'open', label: t(lang, 'cases.openStatuses') },
          { value: 'all', label: t(lang, 'cases.any') },
          ...CASE_STATUSES.map((s) => ({ value: s, label: t(lang, `cases.statuses.${s}`) })),
        ],
        typeOptions: REQUEST_TYPES.map((s) => ({ value: s, label: t(lang, `types.${s}.short`) })),
        assigneeOptions: [
          { value: 'anyone', label: t(lang, 'cases.anyone') },
          { value: 'me', label: t(lang, 'cases.me') },
          { value: 'unassigned', label: t(lang, 'cases.unassigned') },
        ],
        dueOptions: [
          { value: 'overdue', label: t(lang, 'cases.dueOverdue') },
          { value: 'week', label: t(lang, 'cases.dueWeek') },
        ],
        sortOptions: [
          { value: 'due', label: t(lang, 'cases.sortDue') },
          { value: 'received', label: t(lang, 'cases.sortReceived') },
        ],
      },
      { status: errorList.length ? 400 : 200, title: t(lang, 'cases.queueTitle') },
    )
  })
}
