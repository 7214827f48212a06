import type { Executor } from '../db/connection.js'
import type { Team } from '../db/schema.js'
import { openCasesByAssignee } from '../cases/records.js'
import { disabledStaff, staffBrief } from '../staff/directory.js'
import { listTeamRows, teamMemberships } from './repository.js'

export interface TeamMember {
  id: number
  email: string
  name: string
  role: string
  /** Not disabled, and a role that may work cases. */
  active: boolean
}

export interface TeamWithMembers extends Team {
  members: TeamMember[]
}

/**
 * Every team by name, each with its members by name. Three queries whatever the number of teams:
 * the teams, who is in which, and those people (through staff/directory.ts, the staff table's owner).
 */
export async function listTeams(db: Executor): Promise<TeamWithMembers[]> {
  const teams = await listTeamRows(db)
  const memberships = await teamMemberships(db)
  const people = await staffBrief(db, [...new Set(memberships.map((m) => m.staff_id))])
  const inTeam = new Map<number, Set<number>>()
  for (const m of memberships) inTeam.set(m.team_id, (inTeam.get(m.team_id) ?? new Set()).add(m.staff_id))
  return teams.map((t) => ({
    ...t,
    members: people
      .filter((p) => inTeam.get(t.id)?.has(p.id))
      .map((p) => ({ id: p.id, email: p.email, name: p.name, role: p.role, active: p.disabled === 0 && p.role !== 'viewer' })),
  }))
}

/** Disabled staff who still hold open cases, and how many, by name (members who share a name are counted together). */
export async function openCasesOfDisabledStaff(db: Executor): Promise<Array<{ name: string; n: number }>> {
  const gone = await disabledStaff(db)
  const counts = await openCasesByAssignee(db, gone.map((s) => s.id))
  const byName = new Map<string, number>()
  for (const s of gone) {
    const n = counts.get(s.id) ?? 0
    if (n > 0) byName.set(s.name, (byName.get(s.name) ?? 0) + n)
  }
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, n]) => ({ name, n }))
}
