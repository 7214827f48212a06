/**
 * The staff queue as one feature (issue 17): the page (/staff) and the API (GET /api/v1/cases)
 * both ask this service, which reads the filter once (src/cases/queue-query.ts), resolves what it
 * names (team, assignee by email, the viewer's scope) and reads through the repositories. The
 * routes only turn the outcome into HTML or JSON.
 *
 * A refused query is an outcome, not an exception: the page still shows its counts and the form
 * as typed next to the errors, and the API lists every field at once, so neither fits a single
 * DomainError (one field, one catalogue text).
 */
import type { Case, CasePause } from '../db/schema.js'
import type { Db } from '../db/connection.js'
import type { CaseDeadline } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { addressChangesByCase, type AddressChangeJson } from '../intake/address-change.js'
import { emailKey } from '../intake/validate.js'
import { defaultTeamFilter, resolveTeamFilter, teamQueueCounts } from '../routing/queue-teams.js'
import { caseScope, scopeFilter, type CaseScope } from '../routing/team-scope.js'
import { findStaffIdByEmailKey, staffByIds } from '../staff/directory.js'
import { teamsByIds } from '../routing/directory.js'
import { pausedCaseIds } from './pauses.js'
import { parseQueueQuery } from './queue-query.js'
import { listQueue, queueCounts, QueueQueryError, type QueueCounts, type QueueFilters, type QueueTeamFilter } from './queue-repository.js'
import type { CaseService } from './service.js'

export interface QueueViewer {
  id: number
  role: string
}

/**
 * Why a query was refused (400): `invalid_query` for parameters that do not parse (each message
 * names what the parameter must be), or the repository's `invalid_cursor` / `invalid_filter`
 * (a sentence of its own).
 */
export interface QueueProblem {
  code: 'invalid_query' | QueueQueryError['code']
  fields: Record<string, string>
}

export interface QueueOutcome {
  /** The filter as given, for refilling the form. */
  form: Record<string, string>
  problem: QueueProblem | null
  items: Case[]
  nextCursor: string | null
  /** The team filter the list used (null: every team), which the page's counts follow. */
  team: QueueTeamFilter | null
  /** The viewer asked for their teams and is in none: they see every case. */
  noTeams: boolean
  scope: CaseScope
}

export interface QueuePageData extends QueueOutcome {
  today: string
  counts: QueueCounts
  /** Open cases per team, the viewer's own teams only when scoped. */
  teams: Awaited<ReturnType<typeof teamQueueCounts>>
  people: Map<number, { email: string; name: string }>
  paused: Set<number>
}

export interface QueueApiItem {
  case: Case
  deadline: CaseDeadline
  pauses: CasePause[]
  assignee: { email: string; name: string } | null
  team: { key: string; name: string } | null
  addressChange: AddressChangeJson | null
}

export interface QueueApiData {
  problem: QueueProblem | null
  items: QueueApiItem[]
  nextCursor: string | null
  /** Scoped to teams the viewer is not in: an empty list is not an empty queue. */
  scopedNoTeams: boolean
}

export interface QueueServiceDeps {
  db: Db
  now: () => Date
  teamScopedAccess: boolean
  cases: CaseService
}

const rawForm = (query: Record<string, unknown>) => Object.fromEntries(Object.keys(query).map((k) => [k, String(query[k] ?? '')]))

export class QueueService {
  constructor(private readonly deps: QueueServiceDeps) {}

  /** One page of the queue as the viewer may see it. */
  async list(viewer: QueueViewer, query: Record<string, unknown>): Promise<QueueOutcome> {
    const { db } = this.deps
    const scope = await caseScope(db, this.deps.teamScopedAccess, viewer)
    const parsed = parseQueueQuery(query, viewer.id, { team: defaultTeamFilter(viewer.role) })
    const empty = { items: [], nextCursor: null, team: null, noTeams: false, scope }
    if (!parsed.ok) return { ...empty, form: rawForm(query), problem: { code: 'invalid_query', fields: parsed.fields } }
    const form = parsed.form
    const team = await resolveTeamFilter(db, parsed.team, viewer.id)
    if (!team.ok) return { ...empty, form, problem: { code: 'invalid_query', fields: { team: team.message } } }
    const found = { ...empty, form, problem: null, team: team.filter, noTeams: team.noTeams }
    const filters: QueueFilters = { ...parsed.filters, team: team.filter, today: stockholmDate(this.deps.now()), scope: scopeFilter(scope) }
    if (parsed.assigneeEmail) {
      const who = await findStaffIdByEmailKey(db, emailKey(parsed.assigneeEmail))
      if (who === undefined) return found
      filters.assignee = who
    }
    try {
      return { ...found, ...(await listQueue(db, filters, parsed.page)) }
    } catch (error) {
      if (!(error instanceof QueueQueryError)) throw error
      return { ...found, problem: { code: error.code, fields: { [error.field]: error.message } } }
    }
  }

  /** The page: the list, the tab counts, the teams' counts, and who and what the rows show. */
  async page(viewer: QueueViewer, query: Record<string, unknown>): Promise<QueuePageData> {
    const { db } = this.deps
    const today = stockholmDate(this.deps.now())
    const outcome = await this.list(viewer, query)
    const counts = await queueCounts(db, today, { team: outcome.team, scope: scopeFilter(outcome.scope) })
    const scope = outcome.scope
    const teams = (await teamQueueCounts(db)).filter((x) => scope.all || scope.filter.ids.includes(x.id))
    const people = await staffByIds(db, outcome.items.map((c) => c.assignee_id))
    const paused = await pausedCaseIds(db, outcome.items.map((c) => c.id))
    return { ...outcome, today, counts, teams, people, paused }
  }

  /** The API's list: each case with its deadline, pauses, assignee, team and address change. */
  async apiList(viewer: QueueViewer, query: Record<string, unknown>): Promise<QueueApiData> {
    const { db, cases } = this.deps
    const outcome = await this.list(viewer, query)
    const scopedNoTeams = !outcome.scope.all && outcome.scope.noTeams
    if (outcome.problem) return { problem: outcome.problem, items: [], nextCursor: null, scopedNoTeams }
    const people = await staffByIds(db, outcome.items.map((c) => c.assignee_id))
    const teams = await teamsByIds(db, outcome.items.map((c) => c.team_id))
    const changes = await addressChangesByCase(db, outcome.items.map((c) => c.id), this.deps.now())
    const items: QueueApiItem[] = []
    for (const c of outcome.items) {
      const { deadline, pauses } = await cases.deadlineWithPauses(c)
      items.push({
        case: c,
        deadline,
        pauses,
        assignee: c.assignee_id ? (people.get(c.assignee_id) ?? null) : null,
        team: c.team_id ? (teams.get(c.team_id) ?? null) : null,
        addressChange: changes.get(c.id) ?? null,
      })
    }
    return { problem: null, items, nextCursor: outcome.nextCursor, scopedNoTeams }
  }
}
