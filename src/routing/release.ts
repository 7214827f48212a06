import { addCaseEvent } from '../cases/repository.js'
import { OPEN_STATUSES } from '../cases/state-machine.js'
import type { Executor } from '../db/connection.js'

/**
 * A disabled staff member's open cases go back, unassigned, to their team's queue (the default
 * team when they had none), so no case waits on someone who can no longer sign in.
 */
export async function releaseCasesOf(trx: Executor, staffId: number, at: Date): Promise<number> {
  const iso = at.toISOString()
  const held = await trx.selectFrom('cases').select(['id', 'team_id']).where('assignee_id', '=', staffId).where('status', 'in', [...OPEN_STATUSES]).execute()
  if (held.length === 0) return 0
  const fallback = await trx.selectFrom('teams').select('id').orderBy('is_default', 'desc').orderBy('id').executeTakeFirst()
  for (const c of held) {
    const teamId = c.team_id ?? fallback?.id ?? null
    await trx.updateTable('cases').set({ assignee_id: null, team_id: teamId, updated_at: iso }).where('id', '=', c.id).execute()
    await addCaseEvent(trx, { caseId: c.id, kind: 'released', actor: { type: 'system' }, data: { from: staffId }, at: iso })
  }
  return held.length
}
