/**
 * Fulfilment tasks on a case (src/tasks): listing, approval, marking by hand, waiving, the
 * webhook's callback, and the worker that calls the connectors. Every staff change commits with
 * its timeline event and audit entry.
 */
import { appendAudit } from '../audit/log.js'
import { addCaseEvent, findCaseById } from '../cases/records.js'
import type { Config } from '../config.js'
import type { ConnectorLookup, TaskAction, TaskRequest } from '../connectors/contract.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case, CaseTask } from '../db/schema.js'
import { mapSystemsAndPurposes, systemKind, taskSystemConfig, type SystemConfig } from '../datamap/service.js'
import { t } from '../i18n/index.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { RenderEmail } from '../mail/render.js'
import { sealKey } from '../mail/seal.js'
import type { System } from '../datamap/model.js'
import { hashToken, looksLikeToken, newToken } from '../security/tokens.js'
import { staffByIds } from '../staff/directory.js'
import { teamIdsOf } from '../routing/directory.js'
import { addCaseTask, parseResult, type TaskResult } from './engine.js'
import { DomainError, taskFail } from './errors.js'
import { isConnectorKind } from './plan.js'
import { claimDueTasks, findTask, findTaskByTokenHash, openTasksOfSystems, tasksOfCase, tasksToRemind, updateTask, updateTaskFrom } from './repository.js'
import { HAND_OUTCOMES, isFinal, taskTransition, type HandOutcome, type TaskMove } from './state-machine.js'

export const MAX_NOTE = 2000
/** Tries of an unreachable system before its task fails (then a handler retries by hand or waives it). */
export const MAX_ATTEMPTS = 8
/** Lease on a task the worker is running: longer than a connector call may take. */
const LEASE_MS = 5 * 60_000

/** The wait before try n+1: 30 s doubling, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000)
}

export interface TaskView {
  id: number
  system: string
  systemName: { sv: string; en: string } | null
  kind: string
  owner: string | null
  action: TaskAction
  status: string
  approvedBy?: string
  approvedAt?: string
  planSummary?: string
  note?: string
  result?: TaskResult
  updatedAt: string
}

export interface CallbackBody {
  status: 'completed' | 'not_found' | 'failed'
  records?: unknown[]
  message?: string
}

export interface TaskServiceDeps {
  db: Db
  config: Config
  now: () => Date
  connectors: ConnectorLookup
  renderEmail: RenderEmail
  mailQueued: () => void
  /** An email or manual system's config (src/datamap systemConfig); tests may give their own. */
  systemConfig?: (db: Executor, key: string) => Promise<SystemConfig | null>
}

type StaffActor = { id: number }

export class TaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  private tx<T>(fn: (trx: Executor, at: Date) => Promise<T>): Promise<T> {
    return this.deps.db.transaction().execute((trx) => fn(trx, this.deps.now()))
  }

  private async caseOf(db: Executor, caseId: number): Promise<Case> {
    const c = await findCaseById(db, caseId)
    if (!c) throw taskFail('not_found')
    return c
  }

  private async taskOf(db: Executor, caseId: number, taskId: number): Promise<CaseTask> {
    const task = await findTask(db, taskId)
    if (!task || task.case_id !== caseId) throw taskFail('not_found')
    return task
  }

  /** The case's tasks as the API and the case page show them. */
  async list(caseId: number, db: Executor = this.deps.db): Promise<TaskView[]> {
    await this.caseOf(db, caseId)
    return this.views(db, await tasksOfCase(db, caseId))
  }

  private async views(db: Executor, tasks: CaseTask[]): Promise<TaskView[]> {
    const { systems } = await mapSystemsAndPurposes(db)
    const byKey = new Map<string, System>(systems.map((s) => [s.key, s]))
    const people = await staffByIds(db, tasks.map((x) => x.approved_by))
    return tasks.map((x) => {
      const s = byKey.get(x.system_key)
      const result = parseResult(x.result)
      return {
        id: x.id,
        system: x.system_key,
        systemName: s?.name ?? null,
        kind: s?.kind ?? 'other',
        owner: s?.ownerTeam?.name ?? null,
        action: x.action as TaskAction,
        status: x.status,
        ...(x.approved_by !== null ? { approvedBy: people.get(x.approved_by)?.email ?? String(x.approved_by) } : {}),
        ...(x.approved_at ? { approvedAt: x.approved_at } : {}),
        ...(x.plan_summary ? { planSummary: x.plan_summary } : {}),
        ...(x.note ? { note: x.note } : {}),
        ...(result ? { result } : {}),
        updatedAt: x.updated_at,
      }
    })
  }

  private request(c: Case, task: CaseTask): TaskRequest {
    const email = c.on_behalf_kind && c.subject_email ? c.subject_email : c.email
    const name = c.on_behalf_kind ? c.subject_name : c.name
    const corrections = c.type === 'rectification' && c.correct_value ? { value: c.correct_value } : undefined
    return { taskId: String(task.id), caseReference: c.reference, action: task.action as TaskAction, subject: { email, name }, ...(corrections ? { corrections } : {}), lang: c.lang === 'en' ? 'en' : 'sv' }
  }

  /** What each task waiting for approval would change, as the connector plans it (no change made); null: the owner does it by hand. */
  async plans(caseId: number): Promise<Map<number, string | null>> {
    const c = await this.caseOf(this.deps.db, caseId)
    const out = new Map<number, string | null>()
    for (const task of await tasksOfCase(this.deps.db, caseId)) {
      if (task.status !== 'awaiting_approval') continue
      out.set(task.id, await this.planSummary(c, task))
    }
    return out
  }

  private configOf(key: string): Promise<SystemConfig | null> {
    return this.deps.systemConfig ? this.deps.systemConfig(this.deps.db, key) : taskSystemConfig(this.deps.db, key, this.deps.config)
  }

  private async kindOf(key: string): Promise<string> {
    return (await systemKind(this.deps.db, key)) ?? 'other'
  }

  private async planSummary(c: Case, task: CaseTask): Promise<string | null> {
    const connector = await this.deps.connectors(task.system_key)
    if (!connector) {
      // An email supplier: the plan is the request emailed to its address.
      const to = (await this.kindOf(task.system_key)) === 'email' ? (await this.configOf(task.system_key))?.to : undefined
      return to ? `email: ${to}` : null
    }
    const plan = await connector.plan(this.request(c, task))
    return plan.possible ? plan.summary : null
  }

  /**
   * Approves the changes waiting (all of them, or those named): each with the plan summary the
   * connector gives now, recorded as what was approved, then queued for the worker. A system whose
   * connector cannot make the change (none, or a plan not possible) goes to its owner (pending).
   */
  async approve(actor: StaffActor, caseId: number, taskIds?: number[]): Promise<TaskView[]> {
    const c = await this.caseOf(this.deps.db, caseId)
    const waiting = (await tasksOfCase(this.deps.db, caseId)).filter((x) => x.status === 'awaiting_approval' && (!taskIds || taskIds.includes(x.id)))
    if (taskIds) for (const id of taskIds) if (!waiting.some((x) => x.id === id)) await this.refuseApproval(caseId, id)
    if (waiting.length === 0) throw taskFail('nothing_to_approve')
    // Plans are read before the transaction: a connector call is I/O and holds no lock of ours.
    const summaries = new Map<number, string | null>()
    for (const task of waiting) summaries.set(task.id, await this.planSummary(c, task))
    const approved = await this.tx(async (trx, at) => {
      const iso = at.toISOString()
      const done: CaseTask[] = []
      for (const task of waiting) {
        const summary = summaries.get(task.id) ?? null
        const to = summary === null ? 'pending' : 'running'
        const ok = await updateTaskFrom(trx, task.id, 'awaiting_approval', {
          status: to,
          approved_by: actor.id,
          approved_at: iso,
          plan_summary: summary,
          next_attempt_at: to === 'running' ? iso : null,
          updated_at: iso,
        })
        if (!ok) continue
        await addCaseEvent(trx, { caseId, kind: 'task_approved', actor: { type: 'staff', id: actor.id }, data: { system: task.system_key, action: task.action, plan: summary }, at: iso })
        await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'task.approve', caseId, target: `task:${task.id}`, data: { system: task.system_key, plan: summary }, at })
        done.push((await findTask(trx, task.id))!)
      }
      return done
    })
    return this.views(this.deps.db, approved)
  }

  private async refuseApproval(caseId: number, id: number): Promise<never> {
    const task = await this.taskOf(this.deps.db, caseId, id)
    throw taskFail(isFinal(task.status) ? 'task_final' : 'task_transition')
  }

  /**
   * A handler adds a system the map did not bring to the case (the person named it, or it holds a
   * copy), with a reason on the timeline; the task starts as a new one would.
   */
  async addSystem(actor: StaffActor, caseId: number, systemKey: string, reason: string): Promise<TaskView> {
    const why = reason.trim()
    if (!why) throw taskFail('reason_required', {}, 'reason')
    if (why.length > MAX_NOTE) throw taskFail('too_long', { max: MAX_NOTE }, 'reason')
    const task = await this.tx(async (trx, at) => {
      const c = await this.caseOf(trx, caseId)
      const added = await addCaseTask(trx, c, systemKey, at, this.deps.config.suppressionKey)
      if (!added) throw taskFail('system_unavailable', {}, 'system')
      await addCaseEvent(trx, { caseId, kind: 'task_added', actor: { type: 'staff', id: actor.id }, data: { system: systemKey, note: why }, at })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'task.add', caseId, target: `task:${added.id}`, data: { system: systemKey }, at })
      return added
    })
    return (await this.views(this.deps.db, [task]))[0]
  }

  /** A handler takes a system off the case (it cannot hold the person's data), with a reason: the task is cancelled. */
  async removeSystem(actor: StaffActor, caseId: number, taskId: number, reason: string): Promise<TaskView> {
    const why = reason.trim()
    if (!why) throw taskFail('reason_required', {}, 'reason')
    if (why.length > MAX_NOTE) throw taskFail('too_long', { max: MAX_NOTE }, 'reason')
    return this.move(actor, caseId, taskId, 'cancelled', { by: 'hand', reason: why }, why, 'task_removed', 'task.remove')
  }

  /** A handler or the owner team marks a task done, not found or failed, with an optional note. */
  async complete(actor: StaffActor, caseId: number, taskId: number, status: string, note?: string | null): Promise<TaskView> {
    if (!(HAND_OUTCOMES as readonly string[]).includes(status)) throw taskFail('invalid_outcome', {}, 'status')
    const text = note?.trim() || null
    if (text && text.length > MAX_NOTE) throw taskFail('too_long', { max: MAX_NOTE }, 'note')
    return this.move(actor, caseId, taskId, status as HandOutcome, { by: 'hand' }, text, 'task_finished', 'task.complete')
  }

  /** A handler decides a system need not be done: the reason is on the timeline (and, for erasure, in the closing letter). */
  async waive(actor: StaffActor, caseId: number, taskId: number, reason: string): Promise<TaskView> {
    const why = reason.trim()
    if (!why) throw taskFail('reason_required', {}, 'reason')
    if (why.length > MAX_NOTE) throw taskFail('too_long', { max: MAX_NOTE }, 'reason')
    return this.move(actor, caseId, taskId, 'waived', { by: 'hand', reason: why }, why, 'task_waived', 'task.waive')
  }

  private async move(actor: StaffActor, caseId: number, taskId: number, to: string, move: TaskMove, note: string | null, event: string, audit: string): Promise<TaskView> {
    const task = await this.tx(async (trx, at) => {
      await this.caseOf(trx, caseId)
      const task = await this.taskOf(trx, caseId, taskId)
      const check = taskTransition(task.status, to, move)
      if (!check.ok) throw taskFail(check.code)
      const iso = at.toISOString()
      if (!(await updateTaskFrom(trx, task.id, task.status, { status: to, note, next_attempt_at: null, lease_until: null, updated_at: iso }))) throw taskFail('task_transition')
      await addCaseEvent(trx, { caseId, kind: event, actor: { type: 'staff', id: actor.id }, data: { system: task.system_key, status: to, ...(note ? { note } : {}) }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: audit, caseId, target: `task:${task.id}`, data: { system: task.system_key, from: task.status, to }, at })
      return (await findTask(trx, task.id))!
    })
    return (await this.views(this.deps.db, [task]))[0]
  }

  /**
   * A webhook's later answer (POST /api/v1/tasks/:taskId/callback): the bearer token must be the
   * task's (only its hash is stored); the first answer finishes the task, a second is refused.
   */
  async callback(taskId: number, token: string | null, body: CallbackBody): Promise<void> {
    await this.tx(async (trx, at) => {
      const task = Number.isSafeInteger(taskId) ? await findTask(trx, taskId) : undefined
      if (!task || !token || task.callback_token_hash === null || hashToken(token) !== task.callback_token_hash) throw taskFail('unauthorized')
      if (task.status !== 'running') throw taskFail('already_answered')
      await this.finish(trx, task, { status: body.status, records: body.records, message: body.message }, at, 'callback')
    })
  }

  /** Stores a connector's answer; only a running task is finished (a late answer to a cancelled one is dropped). */
  private async finish(trx: Executor, task: CaseTask, outcome: { status: HandOutcome; records?: TaskResult['records']; rows?: Record<string, number>; message?: string }, at: Date, how: string): Promise<boolean> {
    const iso = at.toISOString()
    const result: TaskResult = {
      ...(outcome.rows ? { rows: outcome.rows } : {}),
      ...(outcome.records !== undefined ? { records: outcome.records } : {}),
      ...(outcome.message ? { message: outcome.message.slice(0, MAX_NOTE) } : {}),
    }
    const ok = await updateTaskFrom(trx, task.id, 'running', { status: outcome.status, result: JSON.stringify(result), next_attempt_at: null, lease_until: null, updated_at: iso })
    if (!ok) throw taskFail('already_answered')
    await addCaseEvent(trx, { caseId: task.case_id, kind: 'task_finished', actor: { type: 'system' }, data: { system: task.system_key, status: outcome.status, how }, at: iso })
    await appendAudit(trx, { actorType: 'system', actorId: null, action: 'task.finish', caseId: task.case_id, target: `task:${task.id}`, data: { system: task.system_key, status: outcome.status, how }, at })
    return ok
  }

  /**
   * The worker's turn (a scheduler job): leases the due tasks and calls each one's connector once.
   * Unreachable: tried again after backoffMs, failed after MAX_ATTEMPTS. `later`: the task runs
   * until its callback. Returns what it did, for the job log (no personal data).
   */
  async runDue(limit = 20): Promise<{ done: number; later: number; retried: number; failed: number }> {
    const counts = { done: 0, later: 0, retried: 0, failed: 0 }
    const now = this.deps.now()
    for (const task of await claimDueTasks(this.deps.db, now, LEASE_MS, limit)) {
      const c = await findCaseById(this.deps.db, task.case_id)
      const connector = c ? await this.deps.connectors(task.system_key) : null
      if (c && !connector && (await this.kindOf(task.system_key)) === 'email') {
        const to = (await this.configOf(task.system_key))?.to
        if (to) {
          await this.emailSupplier(c, task, to, false)
          counts.later++
          continue
        }
      }
      if (!c || !connector) {
        await this.tx(async (trx, at) => this.fail(trx, task, 'no connector for this system', at))
        counts.failed++
        continue
      }
      const token = newToken()
      await updateTask(this.deps.db, task.id, { callback_token_hash: hashToken(token) })
      try {
        const outcome = await connector.run(this.request(c, task), { url: `${this.deps.config.publicUrl}/api/v1/tasks/${task.id}/callback`, token })
        if (outcome.kind === 'later') {
          await updateTask(this.deps.db, task.id, { next_attempt_at: null, lease_until: null, attempts: task.attempts + 1, last_error: null, updated_at: this.deps.now().toISOString() })
          counts.later++
        } else {
          // A task cancelled or answered meanwhile (the case was rejected, a callback came first) keeps that answer.
          await this.tx((trx, at) => this.finish(trx, { ...task, status: 'running' }, outcome, at, 'connector')).catch((error: unknown) => {
            if (!(error instanceof DomainError)) throw error
          })
          counts.done++
        }
      } catch (error) {
        const attempts = task.attempts + 1
        const message = error instanceof Error ? error.message.slice(0, 500) : 'unreachable'
        if (attempts >= MAX_ATTEMPTS) {
          await this.tx(async (trx, at) => this.fail(trx, { ...task, attempts }, message, at))
          counts.failed++
        } else {
          const next = new Date(this.deps.now().getTime() + backoffMs(attempts)).toISOString()
          await updateTask(this.deps.db, task.id, { attempts, next_attempt_at: next, lease_until: null, last_error: message })
          counts.retried++
        }
      }
    }
    return counts
  }

  /**
   * Emails an email-kind system's supplier the request, in the case's language, through the outbox
   * (sealed: it carries the link's token), with a one-time link to the answer page; the task then
   * runs until the supplier answers. A reminder sends a fresh link (the old one stops working).
   */
  private async emailSupplier(c: Case, task: CaseTask, to: string, reminder: boolean): Promise<void> {
    const lang = c.lang === 'en' ? 'en' : 'sv'
    const token = newToken()
    const req = this.request(c, task)
    const mail = this.deps.renderEmail('task-request', lang, reminder ? 'tasks.email.reminderSubject' : 'tasks.email.subject', {
      reference: c.reference,
      action: t(lang, `tasks.actions.${task.action as TaskAction}`),
      subjectEmail: req.subject.email,
      reminder,
      link: `${this.deps.config.publicUrl}/tasks/respond/${token}`,
    })
    await this.tx(async (trx, at) => {
      const iso = at.toISOString()
      await updateTask(trx, task.id, { callback_token_hash: hashToken(token), next_attempt_at: null, lease_until: null, attempts: task.attempts + 1, ...(reminder ? { reminded_at: iso } : {}), updated_at: iso })
      await enqueueEmail(trx, { kind: 'task_request', to, caseId: c.id, ...mail, headers: { 'Content-Language': lang, 'Auto-Submitted': 'auto-generated' } }, { from: this.deps.config.mailFrom, now: at, seal: sealKey(this.deps.config.sessionSecret) })
      await addCaseEvent(trx, { caseId: c.id, kind: 'task_emailed', actor: { type: 'system' }, data: { system: task.system_key, reminder }, at: iso })
    })
    this.deps.mailQueued()
  }

  /** Email suppliers who have not answered for TASK_REMINDER_DAYS get a reminder with a fresh link. */
  async remindSuppliers(limit = 50): Promise<number> {
    const cutoff = new Date(this.deps.now().getTime() - this.deps.config.taskReminderDays * 86_400_000).toISOString()
    let sent = 0
    for (const task of await tasksToRemind(this.deps.db, cutoff, limit)) {
      // A webhook waiting for its callback is not reminded (its token must stay); it is looked at again after as many days.
      if ((await this.kindOf(task.system_key)) !== 'email') {
        await updateTask(this.deps.db, task.id, { reminded_at: this.deps.now().toISOString() })
        continue
      }
      const c = await findCaseById(this.deps.db, task.case_id)
      const to = c ? (await this.configOf(task.system_key))?.to : undefined
      if (!c || !to) continue
      await this.emailSupplier(c, task, to, true)
      sent++
    }
    return sent
  }

  /** The supplier's answer page: the task its link names, while it still waits. */
  async bySupplierToken(token: string): Promise<{ task: CaseTask; c: Case } | null> {
    if (!looksLikeToken(token)) return null
    const task = await findTaskByTokenHash(this.deps.db, hashToken(token))
    if (!task || task.status !== 'running') return null
    const c = await findCaseById(this.deps.db, task.case_id)
    return c ? { task, c } : null
  }

  /** The supplier marks the task done or not found, with an optional note; the link is then used up. */
  async supplierAnswer(token: string, outcome: 'completed' | 'not_found', note: string | null): Promise<boolean> {
    const found = await this.bySupplierToken(token)
    if (!found) return false
    await this.tx(async (trx, at) => {
      await this.finish(trx, found.task, { status: outcome, ...(note ? { message: note } : {}) }, at, 'email')
      await updateTask(trx, found.task.id, { callback_token_hash: null })
    })
    return true
  }

  /** What the answer page shows about the request. */
  supplierView(found: { task: CaseTask; c: Case }, lang: 'sv' | 'en') {
    return { reference: found.c.reference, action: t(lang, `tasks.actions.${found.task.action as TaskAction}`), subjectEmail: this.request(found.c, found.task).subject.email }
  }

  private async fail(trx: Executor, task: CaseTask, message: string, at: Date): Promise<void> {
    const iso = at.toISOString()
    if (!(await updateTaskFrom(trx, task.id, 'running', { status: 'failed', attempts: task.attempts, last_error: message, next_attempt_at: null, lease_until: null, updated_at: iso }))) return
    await addCaseEvent(trx, { caseId: task.case_id, kind: 'task_finished', actor: { type: 'system' }, data: { system: task.system_key, status: 'failed' }, at: iso })
  }

  /**
   * The queue's "Systems for your teams": open tasks (pending, failed) on the systems the member's
   * teams own that the portal does not reach itself (manual, email, register, other).
   */
  async ownerQueue(staffId: number, limit = 50): Promise<Array<{ caseId: number; reference: string; taskId: number; system: { sv: string; en: string }; action: TaskAction; status: string }>> {
    const teams = new Set(await teamIdsOf(this.deps.db, staffId))
    if (teams.size === 0) return []
    const { systems } = await mapSystemsAndPurposes(this.deps.db)
    const owned = systems.filter((s) => s.ownerTeam && teams.has(s.ownerTeam.id) && !isConnectorKind(s.kind))
    const names = new Map(owned.map((s) => [s.key, s.name]))
    const out = []
    for (const task of await openTasksOfSystems(this.deps.db, owned.map((s) => s.key), limit)) {
      const c = await findCaseById(this.deps.db, task.case_id)
      if (!c || c.minimised_at) continue
      out.push({ caseId: c.id, reference: c.reference, taskId: task.id, system: names.get(task.system_key) ?? { sv: task.system_key, en: task.system_key }, action: task.action as TaskAction, status: task.status })
    }
    return out
  }
}
