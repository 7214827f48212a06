import type { FastifyInstance } from 'fastify'
import { diffDays } from '../deadlines/calendar-date.js'
import { deadlineState } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { t } from '../i18n/index.js'
import { REQUEST_TYPES } from '../intake/request-types.js'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import type { QueueService } from './queue-service.js'
import { QueueQuery } from './queue-schema.js'
import { CASE_STATUSES } from './state-machine.js'

/** The staff queue page: filters, counts, and a page of cases with their deadlines (the data: src/cases/queue-service.ts). */
export function queueRoutes(deps: { queue: QueueService }) {
  return async function routes(app: FastifyInstance) {
    app.withTypeProvider<TypeBoxTypeProvider>().get('', { preValidation: app.requireStaff('viewer'), schema: { querystring: QueueQuery } }, async (request, reply) => {
      const lang = request.lang
      const me = request.staff!
      const data = await deps.queue.page(me, request.query)
      const { items, nextCursor, form, counts, teams, people, paused, today, scope, noTeams } = data
      // Parameters that do not parse are named; the repository's own messages are whole sentences.
      const errorList = Object.entries(data.problem?.fields ?? {}).map(([id, message]) => ({ id: `filter-${id}`, message: data.problem!.code === 'invalid_query' ? `${id}: ${message}` : message }))
      const rows = items.map((c) => {
        const daysLeft = diffDays(today, c.due_date)
        const state = paused.has(c.id) || c.closed_at ? 'ok' : deadlineState(daysLeft)
        return {
          id: c.id,
          reference: c.reference,
          type: t(lang, `types.${c.type}.short`),
          status: t(lang, `cases.statuses.${c.status}`),
          statusKey: c.status,
          requester: c.name,
          // The address may break after its @ (<wbr> in the page), so the column stays narrow enough at 1280 px.
          emailLocal: c.email.slice(0, c.email.lastIndexOf('@') + 1),
          emailDomain: c.email.slice(c.email.lastIndexOf('@') + 1),
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
          // Systems the member's teams own and do by hand: the open tasks waiting for them (src/tasks).
          ownerTasks: (await app.tasks.ownerQueue(me.id)).map((x) => ({
            href: `/staff/cases/${x.caseId}#task-${x.taskId}`,
            reference: x.reference,
            system: x.system[lang],
            action: t(lang, `tasks.actions.${x.action}`),
            status: t(lang, `tasks.statuses.${x.status}` as never),
          })),
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
}
