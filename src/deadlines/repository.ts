import type { Executor } from '../db/connection.js'
import type { Case, CasePause } from '../db/schema.js'
import { OPEN_STATUSES } from '../cases/state-machine.js'

/** The queries of the daily reminders (src/deadlines/reminders.ts). */

/** Every open case with its pauses, read in two queries (open cases are few). */
export async function openCasesWithPauses(trx: Executor): Promise<{ open: Case[]; pauses: CasePause[] }> {
  const open = await trx.selectFrom('cases').selectAll().where('status', 'in', [...OPEN_STATUSES]).execute()
  if (open.length === 0) return { open, pauses: [] }
  const pauses = await trx
    .selectFrom('case_pauses')
    .selectAll()
    .where('case_id', 'in', (eb) => eb.selectFrom('cases').select('id').where('status', 'in', [...OPEN_STATUSES]))
    .orderBy('started_at')
    .execute()
  return { open, pauses }
}

export async function setDueDate(trx: Executor, caseId: number, dueDate: string): Promise<void> {
  await trx.updateTable('cases').set({ due_date: dueDate }).where('id', '=', caseId).execute()
}

/** Open cases due on or before `horizon` (overdue ones too), soonest first. */
export async function openCasesDueBy(trx: Executor, horizon: string): Promise<Case[]> {
  return trx.selectFrom('cases').selectAll().where('status', 'in', [...OPEN_STATUSES]).where('due_date', '<=', horizon).orderBy('due_date').orderBy('id').execute()
}

/** The staff who may get a reminder: everyone not disabled. */
export async function activeStaff(trx: Executor) {
  return trx.selectFrom('staff').select(['id', 'email', 'name', 'role', 'lang']).where('disabled', '=', 0).execute()
}
