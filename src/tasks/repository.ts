/**
 * The case_tasks table (migration 018): every Kysely call on it lives here. The row is also its own
 * dispatch entry: `next_attempt_at` makes it due for the worker, `lease_until` holds it while one
 * instance works on it (the mail outbox's leases: a crashed worker's lease runs out and another takes it).
 */
import type { Insertable, Updateable } from 'kysely'
import type { Executor } from '../db/connection.js'
import { isPostgres } from '../db/connection.js'
import type { CaseTask, CaseTaskTable } from '../db/schema.js'
import { BLOCKING_STATUSES, FINAL_STATUSES } from './state-machine.js'

export type NewTask = Insertable<CaseTaskTable>
export type TaskUpdate = Updateable<CaseTaskTable>

export async function insertTask(db: Executor, values: NewTask): Promise<CaseTask> {
  return db.insertInto('case_tasks').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function tasksOfCase(db: Executor, caseId: number): Promise<CaseTask[]> {
  return db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).orderBy('id').execute()
}

export async function findTask(db: Executor, id: number): Promise<CaseTask | undefined> {
  return db.selectFrom('case_tasks').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findTaskByTokenHash(db: Executor, hash: string): Promise<CaseTask | undefined> {
  return db.selectFrom('case_tasks').selectAll().where('callback_token_hash', '=', hash).executeTakeFirst()
}

/** Changes a task only if it is still in `from` (two answers at once: exactly one wins). */
export async function updateTaskFrom(db: Executor, id: number, from: string, values: TaskUpdate): Promise<boolean> {
  const r = await db.updateTable('case_tasks').set(values).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function updateTask(db: Executor, id: number, values: TaskUpdate): Promise<void> {
  await db.updateTable('case_tasks').set(values).where('id', '=', id).execute()
}

/** The case's tasks that keep it open. */
export async function blockingTasks(db: Executor, caseId: number): Promise<CaseTask[]> {
  return db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).where('status', 'in', [...BLOCKING_STATUSES]).orderBy('id').execute()
}

/** Cancels every open task of the case; returns how many. */
export async function cancelOpenTasks(db: Executor, caseId: number, at: string): Promise<number> {
  const r = await db
    .updateTable('case_tasks')
    .set({ status: 'cancelled', next_attempt_at: null, lease_until: null, callback_token_hash: null, updated_at: at })
    .where('case_id', '=', caseId)
    .where('status', 'not in', [...FINAL_STATUSES])
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Deletes what the tasks found (a package's retention, a case's minimisation); the tasks' states stay. */
export async function clearTaskResults(db: Executor, caseId: number, at: string): Promise<void> {
  await db.updateTable('case_tasks').set({ result: null, note: null, updated_at: at }).where('case_id', '=', caseId).where('result', 'is not', null).execute()
}

/**
 * Leases up to `limit` running tasks that are due (or whose lease ran out) until now + leaseMs.
 * PostgreSQL: FOR UPDATE SKIP LOCKED, so two instances never lease the same row; SQLite has one writer.
 */
export async function claimDueTasks(db: Executor, now: Date, leaseMs: number, limit: number): Promise<CaseTask[]> {
  const nowIso = now.toISOString()
  const until = new Date(now.getTime() + leaseMs).toISOString()
  return db.transaction().execute(async (trx) => {
    let due = trx
      .selectFrom('case_tasks')
      .select('id')
      .where('status', '=', 'running')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
    if (isPostgres(trx)) due = due.forUpdate().skipLocked()
    const ids = (await due.execute()).map((r) => r.id)
    if (ids.length === 0) return []
    await trx.updateTable('case_tasks').set({ lease_until: until }).where('id', 'in', ids).execute()
    return trx.selectFrom('case_tasks').selectAll().where('id', 'in', ids).orderBy('id').execute()
  })
}

/** Running tasks with a token out (email suppliers) not written to since `cutoff`. */
export async function tasksToRemind(db: Executor, cutoff: string, limit: number): Promise<CaseTask[]> {
  return db
    .selectFrom('case_tasks')
    .selectAll()
    .where('status', '=', 'running')
    .where('next_attempt_at', 'is', null)
    .where('callback_token_hash', 'is not', null)
    .where((eb) => eb.or([eb('reminded_at', '<', cutoff), eb.and([eb('reminded_at', 'is', null), eb('updated_at', '<', cutoff)])]))
    .orderBy('id')
    .limit(limit)
    .execute()
}

/** Finished tasks of the case with their results (the access package). */
export async function finishedTasks(db: Executor, caseId: number): Promise<CaseTask[]> {
  return db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).where('status', 'in', ['completed', 'not_found']).orderBy('id').execute()
}

/** Open tasks an owner team does by hand (pending or failed) on these systems, oldest first. */
export async function openTasksOfSystems(db: Executor, keys: readonly string[], limit: number): Promise<CaseTask[]> {
  if (keys.length === 0) return []
  return db.selectFrom('case_tasks').selectAll().where('system_key', 'in', [...keys]).where('status', 'in', ['pending', 'failed']).orderBy('created_at').orderBy('id').limit(limit).execute()
}
