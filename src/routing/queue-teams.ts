import { openCasesByTeam } from '../cases/records.js'
import type { Executor } from '../db/connection.js'
import { findTeamIdByRef, teamIdsOf, teamNames } from './repository.js'

/** Cases in these teams (and, for "my teams" or a handler's scope, also those assigned to `orAssignee`). */
export interface QueueTeamFilter {
  ids: number[]
  orAssignee?: number | null
}

export type TeamFilterResult = { ok: true; filter: QueueTeamFilter | null; noTeams: boolean } | { ok: false; message: string }

/** Handlers see their own teams' queues first; admins and viewers everything. */
export function defaultTeamFilter(role: string): string {
  return role === 'handler' ? 'mine' : 'all'
}

/**
 * The queue's `team` value as ids. 'mine' is the viewer's teams plus whatever is assigned to them;
 * someone in no team sees every case rather than none (noTeams tells the page to say so).
 */
export async function resolveTeamFilter(db: Executor, ref: string, staffId: number): Promise<TeamFilterResult> {
  if (ref === 'all') return { ok: true, filter: null, noTeams: false }
  if (ref === 'mine') {
    const ids = await teamIdsOf(db, staffId)
    return ids.length ? { ok: true, filter: { ids, orAssignee: staffId }, noTeams: false } : { ok: true, filter: null, noTeams: true }
  }
  const id = await findTeamIdByRef(db, ref)
  if (id === null) return { ok: false, message: `no team has the key ${ref}` }
  return { ok: true, filter: { ids: [id] }, noTeams: false }
}

/** Every team with its open, unassigned and escalated case counts, for the queue's team tabs. */
export async function teamQueueCounts(db: Executor) {
  const teams = await teamNames(db)
  const counts = new Map((await openCasesByTeam(db)).map((c) => [c.teamId, c]))
  return teams.map((t) => ({ id: t.id, key: t.key, name: t.name, open: counts.get(t.id)?.open ?? 0, unassigned: counts.get(t.id)?.unassigned ?? 0, escalated: counts.get(t.id)?.escalated ?? 0 }))
}
