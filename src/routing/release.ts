import { addCaseEvent, openCasesHeldBy, unassignCase } from '../cases/records.js'
import type { Executor } from '../db/connection.js'
import { fallbackTeamId } from './repository.js'

/**
 * A disabled staff member's open cases go back, unassigned, to their team's queue (the default
 * team when they had none), so no case waits on someone who can no longer sign in.
 */
export async function releaseCasesOf(trx: Executor, staffId: number, at: Date): Promise<number> {
  const iso = at.toISOString()
  const held = await openCasesHeldBy(trx, staffId)
  if (held.length === 0) return 0
  const fallback = await fallbackTeamId(trx)
  for (const c of held) {
    await unassignCase(trx, c.id, c.team_id ?? fallback, iso)
    await addCaseEvent(trx, { caseId: c.id, kind: 'released', actor: { type: 'system' }, data: { from: staffId }, at: iso })
  }
  return held.length
}
