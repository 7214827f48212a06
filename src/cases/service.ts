import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { t, type Lang } from '../i18n/index.js'
import type { Channel } from '../intake/request-types.js'
import { cleanLine, emailKey, isValidEmail, normaliseEmail, type RequestInput } from '../intake/validate.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { RenderEmail } from '../mail/render.js'
import { hashToken, newToken } from '../security/tokens.js'
import { deadlineOf, extensionCheck, loadPauses } from './deadline.js'
import { DomainError } from '../domain/errors.js'
import { caseFail } from './errors.js'
import { registerKey, requireAuthority } from './authority.js'
import { applyImmediateActions } from '../registers/immediate-actions.js'
import { cancelCaseTasks, createCaseTasks, requireTasksClosed, startCaseTasks, waivedErasures } from '../tasks/engine.js'
import { sealKey } from '../mail/seal.js'
import { routeNewCase } from '../routing/route-case.js'
import { saveClient } from '../routing/clients.js'
import { minimiseCase } from './minimise.js'
import { openPause, pauseRefusal } from './pauses.js'
import { dropCaseProof } from '../intake/proof.js'
import {
  addCaseEvent,
  endOpenPause,
  findCaseById,
  insertAccessToken,
  insertCase,
  insertCaseMessage,
  insertPause,
  markAuthorityChecked,
  updateCase,
} from './repository.js'
import { findStaffForAssignment, findStaffIdByEmailKey, staffByIds } from '../staff/directory.js'
import { findClientById, findTeamById, findTeamIdByKey, teamsByIds } from '../routing/directory.js'
import { toCaseJson, type CaseJson } from './case-json.js'
import { addressChangesByCase } from '../intake/address-change.js'
import { isClosed, isPausing, transition } from './state-machine.js'
import { fillPlaceholders, loadTemplate, type TemplateKey } from './templates.js'
import { REFUSAL_TEMPLATES, withRefusalNotice } from './refusal-notice.js'
import { checkEvidence, checkRefusalInput, cleanReason, refusalColumns, refusalLetter, type RefusalInput } from './refusal.js'

export interface Actor {
  id: number
  role: string
}

export interface CaseServiceDeps {
  db: Db
  config: Config
  now: () => Date
  renderEmail: RenderEmail
  mailQueued: () => void
}

/** A request that came another way: what the person asked is stated as on the public form. */
export interface ManualCaseInput extends Pick<RequestInput, 'type' | 'email' | 'name' | 'relationship' | 'consentKind' | 'details'> {
  channel: Exclude<Channel, 'web' | 'api'>
  receivedAt: string
  lang: Lang
}

const MAX_TEXT = 20_000

/** The client (controller) of a processor case: one from the list, or a new one typed in. */
export interface ControllerInput {
  clientId?: number | null
  name?: string | null
  email?: string | null
}

/** The waived erasure tasks' reasons, added to the closing letter's partial refusal. */
async function withWaivedErasures(trx: Executor, c: Case, partial: string | null): Promise<string | null> {
  const kept = await waivedErasures(trx, c.id)
  if (kept.length === 0) return partial
  const lang = c.lang === 'en' ? 'en' : 'sv'
  const lines = kept.map((k) => t(lang, 'tasks.closing.waived', { system: k.system, reason: k.reason }))
  return [partial, ...lines].filter(Boolean).join('\n')
}

export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  private get eves() {
    return this.deps.config.holidayEves
  }

  async get(id: number, db: Executor = this.deps.db): Promise<Case> {
    const c = await findCaseById(db, id)
    if (!c) throw caseFail('notFound')
    return c
  }

  async deadline(c: Case, db: Executor = this.deps.db) {
    return deadlineOf(c, await loadPauses(db, c.id), this.deps.now(), this.eves)
  }

  /** Whether the deadline may be extended today (Art. 12(3)); the case page offers the form only then. */
  async extensionCheck(c: Case, db: Executor = this.deps.db) {
    return extensionCheck(c, await loadPauses(db, c.id), this.deps.now(), this.eves)
  }

  /** The deadline and the pauses it counts, read once (case JSON). */
  async deadlineWithPauses(c: Case, db: Executor = this.deps.db) {
    const pauses = await loadPauses(db, c.id)
    return { deadline: deadlineOf(c, pauses, this.deps.now(), this.eves), pauses }
  }

  /** The case as the staff API answers it. */
  async json(id: number, lang: Lang): Promise<CaseJson> {
    const [item] = await this.jsonList([await this.get(id)], lang)
    return item
  }

  /** Cases as the staff API answers them, with their people, teams and address changes read once per page. */
  async jsonList(rows: Case[], lang: Lang): Promise<CaseJson[]> {
    const db = this.deps.db
    const people = await staffByIds(db, rows.map((c) => c.assignee_id))
    const teams = await teamsByIds(db, rows.map((c) => c.team_id))
    const changes = await addressChangesByCase(db, rows.map((c) => c.id), this.deps.now())
    const items: CaseJson[] = []
    for (const c of rows) {
      const { deadline, pauses } = await this.deadlineWithPauses(c)
      const assignee = c.assignee_id ? (people.get(c.assignee_id) ?? null) : null
      items.push(toCaseJson(c, deadline, assignee, c.team_id ? (teams.get(c.team_id) ?? null) : null, lang, pauses, changes.get(c.id) ?? null))
    }
    return items
  }

  /** The id of the staff member with this address, if any (the API names people by address). */
  async staffIdByEmail(email: string): Promise<number | undefined> {
    return findStaffIdByEmailKey(this.deps.db, emailKey(email))
  }

  /** Assigns to the staff member with this address (null: nobody). */
  async assignByEmail(actor: Actor, caseId: number, email: string | null): Promise<Case> {
    if (email === null) return this.assign(actor, caseId, null)
    const id = await this.staffIdByEmail(email)
    if (id === undefined) throw caseFail('assigneeUnknown')
    return this.assign(actor, caseId, id)
  }

  /** Moves the case to the team with this key. */
  async moveToTeamKey(actor: Actor, caseId: number, key: string): Promise<Case> {
    return this.moveToTeam(actor, caseId, (await findTeamIdByKey(this.deps.db, key)) ?? -1)
  }

  /** Keeps the stored due date (used to sort the queue) equal to the computed one. */
  private async refreshDue(trx: Executor, c: Case, at: string): Promise<Case> {
    const d = deadlineOf(c, await loadPauses(trx, c.id), this.deps.now(), this.eves)
    if (d.dueDate === c.due_date) return c
    await updateCase(trx, c.id, { due_date: d.dueDate, updated_at: at })
    return { ...c, due_date: d.dueDate, updated_at: at }
  }

  /** Runs one staff action: the change, its timeline event and its audit entry commit together. */
  private async act<T>(fn: (trx: Executor, at: Date) => Promise<T>, queuesMail = false): Promise<T> {
    const result = await this.deps.db.transaction().execute((trx) => fn(trx, this.deps.now()))
    if (queuesMail) this.deps.mailQueued()
    return result
  }

  async recordView(actor: Actor, caseId: number): Promise<void> {
    await appendAudit(this.deps.db, { actorType: 'staff', actorId: actor.id, action: 'case.view', caseId, at: this.deps.now() })
  }

  async assign(actor: Actor, caseId: number, assigneeId: number | null): Promise<Case> {
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      if (assigneeId !== null) {
        const staff = await findStaffForAssignment(trx, assigneeId)
        if (!staff || staff.disabled || staff.role === 'viewer') {
          throw caseFail('assigneeRole')
        }
      }
      const iso = at.toISOString()
      await updateCase(trx, caseId, { assignee_id: assigneeId, updated_at: iso })
      await addCaseEvent(trx, { caseId, kind: 'assigned', actor: { type: 'staff', id: actor.id }, data: { from: c.assignee_id, to: assigneeId }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.assign', caseId, data: { from: c.assignee_id, to: assigneeId }, at })
      return { ...c, assignee_id: assigneeId, updated_at: iso }
    })
  }

  async addNote(actor: Actor, caseId: number, text: string): Promise<void> {
    const body = text.trim()
    if (!body) throw caseFail('noteRequired')
    if (body.length > MAX_TEXT) throw caseFail('noteTooLong', { max: MAX_TEXT })
    await this.act(async (trx, at) => {
      await this.get(caseId, trx)
      await addCaseEvent(trx, { caseId, kind: 'note', actor: { type: 'staff', id: actor.id }, data: { text: body }, at })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.note', caseId, at })
    })
  }

  /**
   * Moves the case through the state machine. Leaving awaiting_requester ends a running pause
   * (entering it does not start one: only a message with a reason does, see sendMessage), and
   * every refusal, in whole or in part, tells the requester why and where to complain (Art. 12(4)):
   * a rejection, an Art. 12(5) refusal (which may link the earlier cases it relies on) and a
   * completion with `partialRefusal`.
   */
  async changeStatus(actor: Actor, caseId: number, to: string, reason?: string | null, opts: RefusalInput = {}): Promise<Case> {
    let partial = opts.partialRefusal === undefined || opts.partialRefusal === null ? null : cleanReason(opts.partialRefusal)
    let letter: { key: TemplateKey; reason: string } | null = null
    const result = await this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      const why = cleanReason(reason) || null
      // An erasure left undone in a system (a waived task) is a refusal in part: the letter says what is kept and why (Art. 12(4)).
      if (to === 'completed') partial = await withWaivedErasures(trx, c, partial)
      checkRefusalInput(to, partial, opts.evidence)
      const check = transition(c.status, to, { reason: why, role: actor.role })
      if (!check.ok) throw new DomainError(check.code, check.code === 'reason_required' ? 400 : 409, check.key, check.params)
      const evidence = to === 'refused_excessive' ? await checkEvidence(trx, c, opts.evidence ?? []) : []
      const iso = at.toISOString()
      let updated = await this.applyStatus(trx, c, to, iso, { type: 'staff', id: actor.id }, to === 'completed' && partial ? partial : why)
      const refusal = refusalColumns(c.status, to, why, partial, evidence)
      if (refusal) {
        await updateCase(trx, c.id, refusal)
        updated = { ...updated, ...refusal }
      }
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.status', caseId, data: { from: c.status, to, ...(partial ? { partialRefusal: true } : {}), ...(evidence.length ? { evidence } : {}) }, at })
      letter = refusalLetter(to, why, partial)
      if (letter) await this.queueTemplateMessage(trx, updated, actor.id, letter.key, c.lang as Lang, { reason: letter.reason }, at)
      return updated
    })
    if (letter) this.deps.mailQueued()
    return result
  }

  /** Also used by feature services (access packages) inside their own transaction; the caller audits. */
  async applyStatus(trx: Executor, c: Case, to: string, iso: string, actor: { type: 'staff' | 'requester' | 'system'; id?: number }, reason: string | null): Promise<Case> {
    if (to === 'completed') {
      requireAuthority(c)
      await requireTasksClosed(trx, c.id)
    }
    // Nothing more is done in the systems of a case that closes any other way.
    if (isClosed(to) && to !== 'completed') await cancelCaseTasks(trx, c.id, iso)
    if (!isPausing(to) && isPausing(c.status)) {
      if (await endOpenPause(trx, c.id, iso)) await addCaseEvent(trx, { caseId: c.id, kind: 'pause_ended', actor: { type: 'system' }, at: iso })
    }
    const closedAt = isClosed(to) ? iso : null
    await updateCase(trx, c.id, { status: to, closed_at: closedAt, updated_at: iso })
    await addCaseEvent(trx, { caseId: c.id, kind: 'status_changed', actor, data: { from: c.status, to, ...(reason ? { reason } : {}) }, at: iso })
    return this.refreshDue(trx, { ...c, status: to, closed_at: closedAt, updated_at: iso }, iso)
  }

  /**
   * Staff tick that a representative's authority is checked (issue 15 §5). Only then are the
   * registers searched for the data subject's address, and what the portal otherwise does at
   * confirmation (an opt-out, a withdrawal of recruitment consent, a rectification proposal) is done.
   */
  async checkAuthority(actor: Actor, caseId: number): Promise<Case> {
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      if (!c.on_behalf_kind) throw caseFail('notOnBehalf')
      if (c.authority_checked_at) throw caseFail('authorityChecked')
      if (isClosed(c.status)) throw caseFail('caseClosed')
      const iso = at.toISOString()
      // Two ticks at once: only one carries out what follows.
      if (!(await markAuthorityChecked(trx, c.id, actor.id, iso))) throw caseFail('authorityChecked')
      await addCaseEvent(trx, { caseId: c.id, kind: 'authority_checked', actor: { type: 'staff', id: actor.id }, data: { kind: c.on_behalf_kind }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.authority_check', caseId: c.id, data: { kind: c.on_behalf_kind }, at })
      const now = { ...c, authority_checked_at: iso, authority_checked_by: actor.id, updated_at: iso }
      await startCaseTasks(trx, now, at, this.deps.config.suppressionKey)
      const key = registerKey(now)
      if (key === null) return now
      return applyImmediateActions(trx, now, { config: this.deps.config, renderEmail: this.deps.renderEmail, seal: sealKey(this.deps.config.sessionSecret) }, at, key)
    }, true)
  }

  /**
   * Sends free text or a template to the requester through the outbox; it shows on their status
   * page. With `pause` the same message stops the clock for that reason (src/cases/pauses.ts):
   * the case waits for the requester, and the message says why the clock stands still.
   * `awaitReply` alone waits for the requester with the clock running. `refusal`: the message
   * refuses something (e.g. a rectification), so it ends with the Art. 12(4) notice.
   */
  async sendMessage(actor: Actor, caseId: number, input: { text?: string | null; template?: TemplateKey | null; lang?: Lang | null; awaitReply?: boolean; pause?: string | null; refusal?: boolean }): Promise<Case> {
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      const lang = input.lang ?? (c.lang as Lang)
      let subject: string | null = null
      let body = input.text?.trim() ?? ''
      if (input.template) {
        const tpl = await loadTemplate(trx, input.template, lang)
        subject = tpl.subject
        if (!body) body = tpl.body
      }
      if (!body) throw caseFail('messageRequired')
      if (body.length > MAX_TEXT) throw caseFail('messageTooLong', { max: MAX_TEXT })
      let current = c
      const pause = input.pause ?? null
      if (pause !== null) {
        await this.checkPause(trx, c, pause)
        body = `${body}\n\n${t(lang, `cases.pause.notice.${pause}`)}`
        // new → awaiting_requester goes through in_progress (the state machine's rule): asking is work on the case.
        if (current.status === 'new') current = await this.applyStatus(trx, current, 'in_progress', at.toISOString(), { type: 'staff', id: actor.id }, null)
      }
      if ((input.awaitReply || pause !== null) && current.status !== 'awaiting_requester') {
        const check = transition(current.status, 'awaiting_requester', {})
        if (!check.ok) throw new DomainError(check.code, 409, check.key, check.params)
        current = await this.applyStatus(trx, current, 'awaiting_requester', at.toISOString(), { type: 'staff', id: actor.id }, null)
      }
      const messageId = await this.queueMessage(trx, current, actor.id, { subject, body, template: input.template ?? null, lang, refusal: input.refusal === true }, at)
      if (pause !== null) {
        const iso = at.toISOString()
        await insertPause(trx, c.id, pause, iso, messageId)
        await addCaseEvent(trx, { caseId: c.id, kind: 'pause_started', actor: { type: 'staff', id: actor.id }, data: { reason: pause, messageId }, at: iso })
      }
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.message', caseId, data: { template: input.template ?? null, ...(pause ? { pause } : {}) }, at })
      return current
    }, true)
  }

  /** EDPB 01/2022 §159: a lawful reason, an open case, and no pause already running. */
  private async checkPause(trx: Executor, c: Case, reason: string): Promise<void> {
    const refusal = pauseRefusal(reason, c.type)
    if (refusal) throw refusal
    if (isClosed(c.status)) throw new DomainError('case_closed', 409, 'cases.pause.closed')
    if (await openPause(trx, c.id)) throw new DomainError('already_paused', 409, 'cases.pause.alreadyPaused')
  }

  private async queueTemplateMessage(trx: Executor, c: Case, staffId: number | null, key: TemplateKey, lang: Lang, extra: Record<string, string>, at: Date): Promise<void> {
    const tpl = await loadTemplate(trx, key, lang)
    await this.queueMessage(trx, c, staffId, { subject: tpl.subject, body: tpl.body, template: key, lang, extra }, at)
  }

  private async queueMessage(
    trx: Executor,
    c: Case,
    staffId: number | null,
    m: { subject: string | null; body: string; template: string | null; lang: Lang; extra?: Record<string, string>; refusal?: boolean },
    at: Date,
  ): Promise<number> {
    const iso = at.toISOString()
    const values = { name: c.name ?? '', reference: c.reference, dueDate: c.due_date, type: t(m.lang, `types.${c.type}.title`), ...m.extra }
    const filled = fillPlaceholders(m.body, values)
    const body = m.refusal || (m.template !== null && REFUSAL_TEMPLATES.includes(m.template)) ? withRefusalNotice(filled, m.lang) : filled
    const subject = fillPlaceholders(m.subject ?? t(m.lang, 'email.messageSubject', { reference: c.reference }), values)
    const messageId = await insertCaseMessage(trx, { caseId: c.id, direction: 'out', body, staffId, template: m.template, lang: m.lang, at: iso })
    // A fresh link for this email: the requester can answer from it, and tokens stay hashed at rest.
    const token = newToken()
    await insertAccessToken(trx, c.id, hashToken(token), iso)
    const mail = this.deps.renderEmail('case-message', m.lang, 'email.messageSubject', { body, statusUrl: `${this.deps.config.publicUrl}/status/${token}`, reference: c.reference })
    await enqueueEmail(trx, { kind: 'case_message', to: c.email, toName: c.name, caseId: c.id, ...mail, subject }, { from: this.deps.config.mailFrom, now: at })
    await addCaseEvent(trx, { caseId: c.id, kind: 'message_out', actor: staffId ? { type: 'staff', id: staffId } : { type: 'system' }, data: { messageId, template: m.template }, at: iso })
    return messageId
  }

  /** The requester answers from their status page: the clock restarts if it was waiting on them. */
  async requesterReply(caseId: number, text: string): Promise<Case> {
    const body = text.trim()
    return this.act(async (trx, at) => {
      let c = await this.get(caseId, trx)
      const iso = at.toISOString()
      const messageId = await insertCaseMessage(trx, { caseId: c.id, direction: 'in', body, staffId: null, template: null, lang: c.lang, at: iso })
      await addCaseEvent(trx, { caseId: c.id, kind: 'message_in', actor: { type: 'requester' }, data: { messageId }, at: iso })
      if (c.status === 'awaiting_requester') c = await this.applyStatus(trx, c, 'in_progress', iso, { type: 'requester' }, null)
      await appendAudit(trx, { actorType: 'requester', actorId: null, action: 'case.reply', caseId, at })
      return c
    })
  }

  /** A request that came by email, phone, letter or in person, registered by staff. */
  async registerManual(actor: Actor, input: ManualCaseInput): Promise<Case> {
    return this.act(async (trx, at) => {
      const iso = at.toISOString()
      const draft = {
        type: input.type,
        status: 'new',
        email: input.email,
        email_key: emailKey(input.email),
        name: input.name,
        relationship: input.relationship,
        consent_kind: input.consentKind,
        details: input.details,
        incorrect_value: null,
        correct_value: null,
        lang: input.lang,
        channel: input.channel,
        received_at: input.receivedAt,
        verified_at: null,
        due_date: '',
        assignee_id: null,
        extended: 0,
        extension_reason: null,
        closed_at: null,
        created_at: iso,
        updated_at: iso,
        team_id: null,
        routed_by: null,
        escalated_at: null,
        escalation_reason: null,
        on_behalf_of_client: 0,
        controller_name: null,
        controller_email: null,
        keep_data: 0,
        minimised_at: null,
        refusal_reason: null,
        refusal_evidence: null,
        partial_refusal_reason: null,
        on_behalf_kind: null,
        subject_name: null,
        subject_email: null,
        proof_file: null,
        proof_name: null,
        proof_type: null,
        authority_checked_at: null,
        authority_checked_by: null,
      }
      const due = deadlineOf({ ...draft, id: 0, reference: '' }, [], at, this.eves).dueDate
      const created = await insertCase(trx, { ...draft, due_date: due }, Number(stockholmDate(at).slice(0, 4)))
      await addCaseEvent(trx, { caseId: created.id, kind: 'submitted', actor: { type: 'staff', id: actor.id }, data: { channel: input.channel }, at: input.receivedAt })
      await addCaseEvent(trx, { caseId: created.id, kind: 'registered', actor: { type: 'staff', id: actor.id }, data: { channel: input.channel }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.register', caseId: created.id, data: { channel: input.channel }, at })
      const routed = await routeNewCase(trx, created, at)
      await createCaseTasks(trx, routed, at, this.deps.config.suppressionKey)
      return routed
    })
  }

  /** Moves the case to another team's queue (a correction of the routing); the assignee stays. */
  async moveToTeam(actor: Actor, caseId: number, teamId: number): Promise<Case> {
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      const team = await findTeamById(trx, teamId)
      if (!team) throw caseFail('unknownTeam')
      const iso = at.toISOString()
      await updateCase(trx, caseId, { team_id: team.id, updated_at: iso })
      await addCaseEvent(trx, { caseId, kind: 'team_changed', actor: { type: 'staff', id: actor.id }, data: { from: c.team_id, to: team.id, team: team.name }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.team', caseId, data: { from: c.team_id, to: team.id }, at })
      return { ...c, team_id: team.id, updated_at: iso }
    })
  }

  /** Marks the case as held on behalf of a client and records the client (the controller). */
  async markClient(actor: Actor, caseId: number, input: ControllerInput): Promise<Case> {
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      if (isClosed(c.status)) throw caseFail('caseClosed')
      const controller = await this.resolveController(trx, input, at.toISOString())
      const iso = at.toISOString()
      await updateCase(trx, caseId, { on_behalf_of_client: 1, controller_name: controller.name, controller_email: controller.email, updated_at: iso })
      await addCaseEvent(trx, { caseId, kind: 'client_marked', actor: { type: 'staff', id: actor.id }, data: { controller: controller.name }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.client', caseId, data: { clientId: controller.clientId }, at })
      return { ...c, on_behalf_of_client: 1, controller_name: controller.name, controller_email: controller.email, updated_at: iso }
    })
  }

  private async resolveController(trx: Executor, input: ControllerInput, iso: string): Promise<{ clientId: number; name: string; email: string }> {
    if (input.clientId) {
      const client = await findClientById(trx, input.clientId)
      if (!client) throw caseFail('unknownClient')
      return { clientId: client.id, name: client.name, email: client.email }
    }
    const name = cleanLine(input.name)
    const email = normaliseEmail(input.email ?? '')
    if (!name || name.length > 200) throw caseFail('controllerRequired')
    if (!isValidEmail(email)) throw caseFail('controllerEmail')
    return { clientId: await saveClient(trx, name, email, iso), name, email }
  }

  /**
   * The company only processes the data for a client: the request goes to the client from a
   * template, the requester is told who the controller is, and the case closes as forwarded.
   */
  async forwardToController(actor: Actor, caseId: number, input: ControllerInput & { lang?: Lang | null }): Promise<Case> {
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      const check = transition(c.status, 'forwarded', { forward: true, role: actor.role })
      if (!check.ok) throw new DomainError(check.code, 409, check.key, check.params)
      if (c.minimised_at) throw caseFail('minimised')
      const iso = at.toISOString()
      const stored = !input.clientId && !input.name && c.controller_name && c.controller_email ? { name: c.controller_name, email: c.controller_email } : null
      const controller = stored ? { ...stored, clientId: null } : await this.resolveController(trx, input, iso)
      const lang: Lang = input.lang ?? 'sv'
      await updateCase(trx, caseId, { on_behalf_of_client: 1, controller_name: controller.name, controller_email: controller.email, updated_at: iso })
      const current = { ...c, on_behalf_of_client: 1, controller_name: controller.name, controller_email: controller.email }
      const tpl = await loadTemplate(trx, 'forward_controller', lang)
      const values = {
        controller: controller.name,
        reference: c.reference,
        type: t(lang, `types.${c.type}.title`),
        received: stockholmDate(c.received_at),
        name: c.name ?? '–',
        email: c.email,
        details: [c.details, c.incorrect_value, c.correct_value].filter(Boolean).join('\n\n') || '–',
      }
      const body = fillPlaceholders(tpl.body, values)
      const mail = this.deps.renderEmail('case-message', lang, 'email.messageSubject', { body, statusUrl: null, reference: c.reference })
      await enqueueEmail(trx, { kind: 'forward_controller', to: controller.email, toName: controller.name, caseId, ...mail, subject: fillPlaceholders(tpl.subject, values) }, { from: this.deps.config.mailFrom, now: at })
      await addCaseEvent(trx, { caseId, kind: 'forwarded', actor: { type: 'staff', id: actor.id }, data: { controller: controller.name, email: controller.email, lang, body }, at: iso })
      await this.queueTemplateMessage(trx, current, actor.id, 'forward_requester', c.lang as Lang, { controller: controller.name, controllerEmail: controller.email }, at)
      const updated = await this.applyStatus(trx, current, 'forwarded', iso, { type: 'staff', id: actor.id }, null)
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.forward', caseId, data: { clientId: controller.clientId }, at })
      return updated
    }, true)
  }

  /**
   * Answers a `question` case and closes it. Unless the person consented to keeping their data,
   * the case is then reduced to its reference, dates and outcome (src/cases/minimise.ts).
   */
  async answerQuestion(actor: Actor, caseId: number, input: { text: string; lang?: Lang | null }): Promise<Case> {
    const answer = input.text.trim()
    return this.act(async (trx, at) => {
      let c = await this.get(caseId, trx)
      if (c.type !== 'question') throw caseFail('notAQuestion')
      if (isClosed(c.status)) throw caseFail('questionClosed')
      if (!answer) throw caseFail('answerRequired')
      if (answer.length > MAX_TEXT) throw caseFail('answerTooLong', { max: MAX_TEXT })
      const iso = at.toISOString()
      const staffActor = { type: 'staff' as const, id: actor.id }
      if (c.status !== 'in_progress') c = await this.applyStatus(trx, c, 'in_progress', iso, staffActor, null)
      await this.queueTemplateMessage(trx, c, actor.id, 'question_answer', input.lang ?? (c.lang as Lang), { answer }, at)
      c = await this.applyStatus(trx, c, 'completed', iso, staffActor, null)
      const minimise = c.keep_data !== 1
      if (minimise) {
        // The proof goes first: minimiseCase deletes the submission that may name it too.
        await dropCaseProof(trx, this.deps.config.dataDir, c.id)
        await minimiseCase(trx, c.id, iso)
      }
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.answer', caseId, data: { minimised: minimise }, at })
      return this.get(caseId, trx)
    }, true)
  }

  /** Art. 12(3): once, with a reason, within the first month; the requester is told why and the new date. */
  async extend(actor: Actor, caseId: number, reason: string): Promise<Case> {
    const why = reason.trim()
    return this.act(async (trx, at) => {
      const c = await this.get(caseId, trx)
      if (!why) throw caseFail('extensionReasonRequired')
      if (isClosed(c.status)) throw caseFail('extensionClosed')
      const check = extensionCheck(c, await loadPauses(trx, c.id), at, this.eves)
      if (!check.ok) throw caseFail(({ already_extended: 'extensionAlreadyExtended', one_month_passed: 'extensionMonthPassed', immediate: 'extensionImmediate' } as const)[check.reason])
      const iso = at.toISOString()
      await updateCase(trx, c.id, { extended: 1, extension_reason: why, updated_at: iso })
      const updated = await this.refreshDue(trx, { ...c, extended: 1, extension_reason: why, updated_at: iso }, iso)
      await addCaseEvent(trx, { caseId: c.id, kind: 'extended', actor: { type: 'staff', id: actor.id }, data: { reason: why, dueDate: updated.due_date }, at: iso })
      await appendAudit(trx, { actorType: 'staff', actorId: actor.id, action: 'case.extend', caseId, at })
      await this.queueTemplateMessage(trx, updated, actor.id, 'extension', c.lang as Lang, { reason: why }, at)
      return updated
    }, true)
  }
}
