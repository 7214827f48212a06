/**
 * The task engine's public face for the features that open, close and minimise cases (intake,
 * cases, access): functions taking the caller's Executor, so a case's tasks commit with the change
 * that causes them, or neither does.
 */
import type { Executor } from '../db/connection.js'
import type { Case, CaseTask } from '../db/schema.js'
import { DomainError } from '../domain/errors.js'
import { authorityPending, registerKey } from '../cases/authority.js'
import { addCaseEvent } from '../cases/records.js'
import type { System } from '../datamap/model.js'
import { mapSystemsAndPurposes } from '../datamap/service.js'
import { registerRecordsFor } from '../registers/records.js'
import { actionFor, initialStatus, isConnectorKind, systemsFor } from './plan.js'
import { isBlocking } from './state-machine.js'
import { blockingTasks, cancelOpenTasks, clearTaskResults, finishedTasks, insertTask, tasksOfCase, updateTaskFrom } from './repository.js'

export type { CaseTask }

/** What a task found or changed, as stored (JSON) and as the API shows it. */
export interface TaskResult {
  rows?: Record<string, number>
  records?: Record<string, unknown[]> | unknown[]
  message?: string
}

export function parseResult(json: string | null): TaskResult | null {
  if (json === null) return null
  try {
    return JSON.parse(json) as TaskResult
  } catch {
    return null
  }
}

/**
 * Opens the case's tasks, once, when the case is confirmed or registered by staff (see plan.ts for
 * which systems and actions). Register tasks of a case the registers closed at once (an
 * unsubscribe, a recruitment-consent withdrawal) are created completed. A request made for
 * someone else waits for the authority check before any system is searched (startCaseTasks).
 */
export async function createCaseTasks(trx: Executor, c: Case, at: Date, suppressionKey: string): Promise<CaseTask[]> {
  const action = actionFor(c)
  if (action === null || (await tasksOfCase(trx, c.id)).length > 0) return []
  const { systems, purposes } = await mapSystemsAndPurposes(trx)
  const chosen = systemsFor(c, systems, purposes)
  if (chosen.length === 0) return []
  const iso = at.toISOString()
  const closedAtOnce = c.status === 'completed'
  const created: CaseTask[] = []
  for (const s of chosen) {
    let status = initialStatus(s.kind, action)
    if (s.kind === 'register' && closedAtOnce) status = 'completed'
    // Searching waits for the start (at once, or after the authority check).
    if (status === 'running') status = 'pending'
    created.push(await insertTask(trx, { case_id: c.id, system_key: s.key, action, status, created_at: iso, updated_at: iso }))
  }
  await addCaseEvent(trx, { caseId: c.id, kind: 'tasks_created', actor: { type: 'system' }, data: { systems: chosen.map((s) => s.key), action }, at: iso })
  if (!authorityPending(c)) await startCaseTasks(trx, c, at, suppressionKey, systems)
  return tasksOfCase(trx, c.id)
}

/** A system added to the case by hand: one new task, started as at confirmation; null when the system is unknown, already open on the case, or the request reaches no system. */
export async function addCaseTask(trx: Executor, c: Case, systemKey: string, at: Date, suppressionKey: string): Promise<CaseTask | null> {
  const action = actionFor(c)
  const { systems } = await mapSystemsAndPurposes(trx)
  const system = systems.find((s) => s.key === systemKey)
  if (action === null || !system) return null
  if ((await tasksOfCase(trx, c.id)).some((x) => x.system_key === systemKey && !['cancelled', 'waived'].includes(x.status))) return null
  const iso = at.toISOString()
  const status = initialStatus(system.kind, action)
  const task = await insertTask(trx, { case_id: c.id, system_key: systemKey, action, status: status === 'running' ? 'pending' : status, created_at: iso, updated_at: iso })
  if (!authorityPending(c)) await startCaseTasks(trx, c, at, suppressionKey, systems)
  return (await tasksOfCase(trx, c.id)).find((x) => x.id === task.id) ?? task
}

/**
 * Starts what needs no approval: the registers are searched (for access: found or not; for a
 * change: not found, or left to the handler), and access tasks on connected systems are queued for the task worker (next_attempt_at,
 * in this transaction: the start is never lost).
 */
export async function startCaseTasks(trx: Executor, c: Case, at: Date, suppressionKey: string, loaded?: System[]): Promise<void> {
  const iso = at.toISOString()
  const key = authorityPending(c) ? null : registerKey(c)
  if (key === null) return
  // The caller that has just read the map (creating the tasks) hands it over rather than have it read twice.
  const systems = loaded ?? (await mapSystemsAndPurposes(trx)).systems
  const kinds = new Map(systems.map((s) => [s.key, s.kind]))
  const found = await registerRecordsFor(trx, key, suppressionKey)
  const counts: Record<string, number> = { newsletter: found.newsletter.length, candidates: found.candidates.length }
  for (const task of await tasksOfCase(trx, c.id)) {
    if (task.status !== 'pending') continue
    const kind: string = kinds.get(task.system_key) ?? 'other'
    if (kind === 'register') {
      // A register that holds nothing about the address has nothing to disclose or change; one that
      // does is done for access at once, and for a change by the handler (the registers' case actions).
      const n = counts[task.system_key] ?? 0
      if (n > 0 && task.action !== 'access') continue
      await updateTaskFrom(trx, task.id, 'pending', { status: n > 0 ? 'completed' : 'not_found', result: JSON.stringify({ rows: { [task.system_key]: n } }), updated_at: iso })
    } else if ((isConnectorKind(kind) || kind === 'email') && task.action === 'access') {
      await updateTaskFrom(trx, task.id, 'pending', { status: 'running', next_attempt_at: iso, updated_at: iso })
    }
  }
}

/**
 * A register's own case action did the task (the registers' rectification, erasure, restriction):
 * the register's open task on the case is finished with it, in the same transaction. `waived` with
 * the reason when the action was refused (the requester is told why).
 */
export async function finishRegisterTask(trx: Executor, caseId: number, systemKey: string, status: 'completed' | 'waived', note: string | null, at: Date): Promise<void> {
  const iso = at.toISOString()
  for (const task of await tasksOfCase(trx, caseId)) {
    if (task.system_key !== systemKey || !isBlocking(task.status)) continue
    if (await updateTaskFrom(trx, task.id, task.status, { status, note, next_attempt_at: null, lease_until: null, updated_at: iso })) {
      await addCaseEvent(trx, { caseId, kind: status === 'waived' ? 'task_waived' : 'task_finished', actor: { type: 'system' }, data: { system: systemKey, status, ...(note ? { note } : {}) }, at: iso })
    }
  }
}


/** Refuses to complete a case while a task is pending, awaiting approval, running or failed: 409 tasks_open. */
export async function requireTasksClosed(trx: Executor, caseId: number): Promise<void> {
  const open = await blockingTasks(trx, caseId)
  if (open.length > 0) throw new DomainError('tasks_open', 409, 'tasks.errors.open', { count: open.length })
}

/** A rejected, refused, forwarded or withdrawn case: nothing more is done in its systems. */
export async function cancelCaseTasks(trx: Executor, caseId: number, at: Date | string): Promise<void> {
  const iso = typeof at === 'string' ? at : at.toISOString()
  const n = await cancelOpenTasks(trx, caseId, iso)
  if (n > 0) await addCaseEvent(trx, { caseId, kind: 'tasks_cancelled', actor: { type: 'system' }, data: { count: n }, at: iso })
}

/** What the tasks found is deleted with the access package (PACKAGE_RETENTION_DAYS) and when the case is minimised. */
export async function clearCaseTaskResults(trx: Executor, caseId: number, at: Date | string): Promise<void> {
  await clearTaskResults(trx, caseId, typeof at === 'string' ? at : at.toISOString())
}

/** Erasure tasks waived with a reason: the data kept and why, for the closing letter (Art. 12(4)). */
export async function waivedErasures(trx: Executor, caseId: number): Promise<Array<{ system: string; reason: string }>> {
  return (await tasksOfCase(trx, caseId)).filter((x) => x.status === 'waived' && x.action === 'erasure').map((x) => ({ system: x.system_key, reason: x.note ?? '' }))
}

/**
 * For the access package: every finished task's system, whether it found anything, and what it
 * found (connected systems' records; the registers' own records reach the package from the registers).
 */
export async function taskRecordsForPackage(db: Executor, caseId: number): Promise<{ searched: Array<{ system: string; found: boolean }>; records: Record<string, unknown> }> {
  const searched: Array<{ system: string; found: boolean }> = []
  const records: Record<string, unknown> = {}
  for (const task of await finishedTasks(db, caseId)) {
    const result = parseResult(task.result)
    searched.push({ system: task.system_key, found: task.status === 'completed' })
    if (task.action === 'access' && task.status === 'completed' && result?.records !== undefined) records[task.system_key] = result.records
  }
  return { searched, records }
}

/**
 * The connected systems whose tasks on the case found the person's data (completed): Art. 19's
 * recipients come from these too. The registers answer for themselves (their rows are looked at,
 * and a register task closed with the case at once says nothing of what it held).
 */
export async function systemsWithData(db: Executor, caseId: number): Promise<string[]> {
  const done = (await finishedTasks(db, caseId)).filter((task) => task.status === 'completed')
  if (done.length === 0) return []
  const registers = new Set((await mapSystemsAndPurposes(db)).systems.filter((s) => s.kind === 'register').map((s) => s.key))
  return done.map((task) => task.system_key).filter((key) => !registers.has(key))
}

/** How many of the case's systems have been searched (status page): finished or waived, of all not cancelled. */
export async function searchProgress(db: Executor, caseId: number): Promise<{ searched: number; total: number }> {
  const tasks = (await tasksOfCase(db, caseId)).filter((x) => x.status !== 'cancelled')
  return { searched: tasks.filter((x) => ['completed', 'not_found', 'waived'].includes(x.status)).length, total: tasks.length }
}
