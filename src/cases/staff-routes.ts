import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { appendAudit } from '../audit/log.js'
import { proofPath } from '../intake/proof.js'
import { sendPrivateFile } from '../http/private-download.js'
import type { Case } from '../db/schema.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { isLang, t, type Lang } from '../i18n/index.js'
import { CHANNELS, CONSENT_KINDS, RELATIONSHIPS, REQUEST_TYPES, isRequestType } from '../intake/request-types.js'
import { emailProblemKey, emailWarning, parseEmail } from '../intake/email-address.js'
import { isLinkLikeName } from '../intake/name-rule.js'
import { cleanLine, cleanText } from '../intake/validate.js'
import { caseAction, loadCase, type Body, type CaseAction, type CaseActionRequest } from './staff-action.js'
import { confirmation, deadlineBar, extensionOffer, isDoneCode, isExtendRefusal, nextSteps, runningPause, threadView, type PageFacts } from './case-page.js'
import type { DomainError } from '../domain/errors.js'
import { formBody, QueryFlag } from './form-body.js'
import { listAssignable, staffNamesByIds } from '../staff/directory.js'
import { listTeamNames } from '../routing/directory.js'
import { IdParams, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { parseReceivedAt, receivedAtProblem } from './received-at.js'
import type { CaseService } from './service.js'
import { isClosed, nextStatuses } from './state-machine.js'
import { MESSAGE_TEMPLATE_KEYS, DEFAULT_TEMPLATES, isTemplateKey } from './templates.js'
import { listClients } from '../routing/clients.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'
import { caseTimeline } from './timeline.js'
import { loadPauses } from './deadline.js'
import { pauseReasonsFor } from './pauses.js'
import { caseRegisterPanel } from '../registers/case-panel.js'
import { packageSummary } from '../access/view-model.js'
import { taskPanel } from '../tasks/case-panel.js'
import { evidenceFromForm, refusalView } from './refusal-view.js'
import { addressChangeNotice } from '../intake/address-change.js'

/** An extension refused because the case changed under the form (extended meanwhile, the month ran out): back to the page with it. */
function refusalName(error: DomainError): string | null {
  const name = error.key.replace(/^cases\.errors\./, '')
  return isExtendRefusal(name) ? name : null
}

const MANUAL_CHANNELS = CHANNELS.filter((c) => c !== 'web' && c !== 'api')

const s = (v: unknown) => (typeof v === 'string' ? v : '')

const MANUAL_FIELDS = ['type', 'email', 'name', 'relationship', 'consent', 'details', 'channel', 'receivedAt', 'lang'] as const
/** ?done=<what was done> after a saved form, ?refused=<refusal> after a refused extension (?lang= is the language switch's). */
const PageQuery = Type.Object({ done: QueryFlag, refused: QueryFlag, taskProblem: QueryFlag, task: QueryFlag })

interface Problem {
  section: 'assign' | 'team' | 'status' | 'note' | 'message' | 'extend' | 'client' | 'forward' | 'answer' | 'authority' | 'csrf'
  message: string
  values: Record<string, string>
}

export function staffCaseRoutes(deps: { cases: CaseService }) {
  const { cases } = deps
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: app.requireStaff('handler') }

    async function renderCase(request: FastifyRequest, reply: FastifyReply, c: Case, problem: Problem | null = null, status = 200) {
      const lang = request.lang
      const me = request.staff!
      const query = (request.query ?? {}) as Record<string, unknown>
      const deadline = await cases.deadline(c)
      const pauses = await loadPauses(app.db, c.id)
      const running = pauses.find((p) => p.ended_at === null)
      const reasonLabel = (r: string) => t(lang, `cases.pause.reasons.${r}`)
      const handlers = await listAssignable(app.db)
      const timeline = await caseTimeline(app.db, c.id, lang)
      const canWork = me.role === 'handler' || me.role === 'admin'
      const closed = isClosed(c.status)
      const transitions = nextStatuses(c.status, { role: me.role }).map((value) => ({ value, label: t(lang, `cases.statuses.${value}`) }))
      // A refused extension comes back here by a redirect (?refused=<name>): the case changed under the form.
      if (!problem && isExtendRefusal(query.refused)) problem = { section: 'extend', message: t(lang, `cases.errors.${query.refused}`), values: {} }
      const values = problem?.values ?? {}
      let routedReason: string | null = null
      try {
        routedReason = c.routed_by ? ((JSON.parse(c.routed_by) as { reason: Record<Lang, string> }).reason[lang] ?? null) : null
      } catch {
        routedReason = null
      }
      const clients = await listClients(app.db)
      const allTeams = await listTeamNames(app.db)
      const team = allTeams.find((x) => x.id === c.team_id)
      const assigneeName = c.assignee_id === null ? null : ((await staffNamesByIds(app.db, [c.assignee_id])).get(c.assignee_id) ?? '?')
      const facts: PageFacts = { lang, c, me, deadline, assigneeName, teamName: team?.name ?? null, runningPause: runningPause(lang, running) }
      const refusal = await refusalView(app.db, c, deadline.dueDate)
      const extension = canWork ? extensionOffer(facts, await cases.extensionCheck(c)) : null
      // Offered while no pause runs; the reasons the law allows for this type of request.
      const pauseOptions =
        running || closed ? null : [{ value: '', label: t(lang, 'cases.pause.none'), selected: !values.pause }, ...pauseReasonsFor(c.type).map((r) => ({ value: r, label: reasonLabel(r), selected: values.pause === r }))]
      const canWrite = canWork && !closed && !c.minimised_at
      const moreOpen = problem !== null && ['team', 'forward', 'client'].includes(problem.section)
      const done = isDoneCode(query.done) ? confirmation(query.done, facts) : null
      return reply.staffPage(
        'staff-case',
        {
          staffArea: true,
          c,
          typeTitle: t(lang, `types.${c.type}.title`),
          statusLabel: t(lang, `cases.statuses.${c.status}`),
          channelLabel: t(lang, `cases.channels.${c.channel}`),
          relationshipLabel: c.relationship ? t(lang, `relationships.${c.relationship}`) : null,
          consentLabel: c.consent_kind ? t(lang, `consents.${c.consent_kind}`) : null,
          verified: c.verified_at !== null,
          emailWarning: emailWarning(c.email),
          receivedDate: stockholmDate(c.received_at),
          assigneeName,
          deadline,
          bar: deadlineBar(facts, refusal),
          stateLabel: t(lang, `cases.state.${deadline.state}`),
          closed,
          canWork,
          canWrite,
          assignedToMe: c.assignee_id === me.id,
          handlers: handlers.map((h) => ({ value: String(h.id), label: `${h.name} (${h.email})`, selected: h.id === c.assignee_id })),
          transitions,
          next: canWork ? nextSteps(lang, c, { transitions: transitions.map((x) => x.value), canPause: canWrite && pauseOptions !== null, offerExtend: extension?.offer === true, canWrite, isQuestion: c.type === 'question' }) : null,
          closeTitle: t(lang, closed ? 'cases.bench.reopenTitle' : 'cases.bench.closeTitle'),
          extension,
          offerPartial: transitions.some((x) => x.value === 'completed'),
          offerExcessive: transitions.some((x) => x.value === 'refused_excessive'),
          offersAwaiting: transitions.some((x) => x.value === 'awaiting_requester'),
          pauses: pauses.map((p) => ({ from: stockholmDateTime(p.started_at), to: p.ended_at ? stockholmDateTime(p.ended_at) : null, reason: reasonLabel(p.reason) })),
          pauseRunning: running ? t(lang, 'cases.pause.running', { date: stockholmDateTime(running.started_at), reason: reasonLabel(running.reason) }) : null,
          pauseOptions,
          ...refusal,
          // The package cover letter is written on the package page, not sent as a message.
          templates: MESSAGE_TEMPLATE_KEYS.filter((key) => key !== 'access_package').map((key) => ({ value: key, label: DEFAULT_TEMPLATES[key][lang].title, selected: values.template === key })),
          langs: [
            { value: 'sv', label: 'Svenska', selected: (values.lang || c.lang) === 'sv' },
            { value: 'en', label: 'English', selected: (values.lang || c.lang) === 'en' },
          ],
          timeline: threadView(timeline, lang),
          registers: await caseRegisterPanel(app.db, c, lang, app.config.suppressionKey),
          // Access and portability cases: the package panel (src/access).
          accessPackage: await packageSummary(app.db, app.accessPackages, c, lang),
          // The systems the request reaches (src/tasks): owners, states, results, approval and the forms.
          tasks: await taskPanel(app.tasks, c.id, lang, canWork, { code: query.taskProblem, task: query.task }, await app.dataMap.systems()),
          teamName: team?.name ?? null,
          routedReason,
          escalated: c.escalated_at !== null,
          escalationLabel: c.escalation_reason ? t(lang, `routing.escalation.reasons.${c.escalation_reason}`) : null,
          isQuestion: c.type === 'question',
          addressChange: await addressChangeNotice(app.db, c.id, lang, app.clock()),
          minimisedText: c.minimised_at ? t(lang, 'routing.casePage.minimised', { date: stockholmDateTime(c.minimised_at) }) : null,
          canForward: !closed && !c.minimised_at,
          moreOpen,
          teamOptions: allTeams.map((x) => ({ value: String(x.id), label: x.name, selected: x.id === c.team_id })),
          clientOptions: clients.map((x) => ({ value: String(x.id), label: `${x.name} (${x.email})` })),
          forwardLangs: [
            { value: 'sv', label: 'Svenska', selected: (values.forwardLang || 'sv') === 'sv' },
            { value: 'en', label: 'English', selected: values.forwardLang === 'en' },
          ],
          behalf: c.on_behalf_kind ? { kindLabel: t(lang, `behalf.kindShort.${c.on_behalf_kind}`), checkedAt: c.authority_checked_at ? stockholmDateTime(c.authority_checked_at) : null } : null,
          problem,
          errorList: problem ? [{ id: problem.section === 'csrf' ? 'main' : problem.section === 'extend' ? (extension ? 'extend-group' : 'main') : `${problem.section}-form`, message: problem.message }] : [],
          values,
          done,
          csrf: app.staffCsrf.token(request, reply),
        },
        { status, title: `${c.reference} – ${t(lang, `types.${c.type}.title`)}` },
      )
    }

    app.get<{ Params: { id: string } }>('/cases/:id', { ...viewer, schema: { params: IdParams, querystring: PageQuery } }, async (request, reply) => {
      const c = await loadCase(app, request, reply)
      if (!c) return reply
      await cases.recordView(request.staff!, c.id)
      return renderCase(request, reply, c)
    })

    /**
     * A case page form (src/cases/staff-action.ts). A refusal shows the page again with the typed
     * `fields`, and with the case read again: a refusal often means it changed meanwhile.
     */
    function action(
      path: string,
      section: Problem['section'],
      fields: string[],
      run: (request: CaseActionRequest, c: Case, body: Body) => Promise<unknown>,
      more: Pick<CaseAction, 'done' | 'redirectRefusal'> = {},
    ) {
      caseAction(app, {
        url: `/cases/:id/${path}`,
        run,
        page: (c) => `/staff/cases/${c.id}`,
        fields,
        ...more,
        showAgain: async (request, reply, c, problem, body) => {
          const values: Record<string, string> = { section }
          for (const f of fields) values[f] = s(body[f])
          return renderCase(request, reply, problem.csrf ? c : await cases.get(c.id), { section: problem.csrf ? 'csrf' : section, message: problem.message, values }, problem.status)
        },
      })
    }

    action('assign', 'assign', ['assignee'], async (request, c, body) => {
      // The "assign to me" button shares the select's name, so a browser sends both (assignee=&assignee=me): the button wins.
      const sent = Array.isArray(body.assignee) ? body.assignee : [body.assignee]
      const raw = sent.includes('me') ? 'me' : s(sent[0])
      const target = raw === 'me' ? request.staff!.id : raw === '' ? null : /^\d+$/.test(raw) ? Number(raw) : -1
      await cases.assign(request.staff!, c.id, target)
    }, { done: () => 'assigned' })
    action('status', 'status', ['status', 'reason', 'partial', 'partialReason', 'evidence'], async (request, c, body) => {
      // A ticked box or a typed reason both mean a partial refusal: the reason then must be given (Art. 12(4)).
      const partialText = cleanText(body.partialReason) ?? ''
      const partial = s(body.partial) === 'on' || partialText ? partialText : null
      const evidence = await evidenceFromForm(app.db, s(body.evidence))
      await cases.changeStatus(request.staff!, c.id, s(body.status), cleanText(body.reason), { partialRefusal: partial, evidence })
    }, { done: () => 'status' })
    action('notes', 'note', ['text'], async (request, c, body) => {
      await cases.addNote(request.staff!, c.id, s(body.text))
    }, { done: () => 'note' })
    action('messages', 'message', ['text', 'template', 'lang', 'awaitReply', 'pause'], async (request, c, body) => {
      await cases.sendMessage(request.staff!, c.id, {
        text: cleanText(body.text),
        template: isTemplateKey(body.template) ? body.template : null,
        lang: isLang(body.lang) ? body.lang : null,
        awaitReply: body.awaitReply === 'on' || body.awaitReply === 'true',
        pause: s(body.pause) || null,
      })
    }, { done: (body) => (s(body.pause) ? 'paused' : body.awaitReply === 'on' || body.awaitReply === 'true' ? 'awaiting' : 'message') })
    action('extend', 'extend', ['reason'], async (request, c, body) => {
      await cases.extend(request.staff!, c.id, s(body.reason))
    }, { done: () => 'extended', redirectRefusal: (error) => refusalName(error) })
    const controllerOf = (body: Body) => ({ clientId: /^\d{1,12}$/.test(s(body.clientId)) ? Number(s(body.clientId)) : null, name: cleanLine(body.clientName), email: s(body.clientEmail) })
    action('team', 'team', ['team'], async (request, c, body) => {
      await cases.moveToTeam(request.staff!, c.id, /^\d{1,12}$/.test(s(body.team)) ? Number(s(body.team)) : -1)
    }, { done: () => 'team' })
    action('client', 'client', ['clientId', 'clientName', 'clientEmail'], async (request, c, body) => {
      await cases.markClient(request.staff!, c.id, controllerOf(body))
    }, { done: () => 'client' })
    action('forward', 'forward', ['clientId', 'clientName', 'clientEmail', 'forwardLang'], async (request, c, body) => {
      await cases.forwardToController(request.staff!, c.id, { ...controllerOf(body), lang: isLang(body.forwardLang) ? body.forwardLang : null })
    }, { done: () => 'forwarded' })
    action('answer', 'answer', ['answer'], async (request, c, body) => {
      await cases.answerQuestion(request.staff!, c.id, { text: s(body.answer) })
    }, { done: () => 'answered' })
    action('authority', 'authority', [], async (request, c) => {
      await cases.checkAuthority(request.staff!, c.id)
    }, { done: () => 'authority' })

    // The representative's proof of authority: never from a served folder, always as a download.
    app.get<{ Params: { id: string } }>('/cases/:id/proof', { ...viewer, schema: { params: IdParams } }, async (request, reply) => {
      const c = await loadCase(app, request, reply)
      if (!c) return reply
      // The case exists and the caller may read it: say what is missing, not that the case is.
      if (!c.proof_file) return reply.code(404).staffPage('message', { title: t(request.lang, 'errors.notFoundTitle'), paragraphs: [t(request.lang, 'behalf.staff.noProof')] }, { status: 404, title: t(request.lang, 'errors.notFoundTitle') })
      await appendAudit(app.db, { actorType: 'staff', actorId: request.staff!.id, action: 'case.proof_download', caseId: c.id, at: app.clock() })
      return sendPrivateFile(reply, proofPath(app.config.dataDir, c.proof_file), { contentType: c.proof_type, name: c.proof_name, fallbackName: 'proof' })
    })

    function manualForm(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, status = 200) {
      const lang: Lang = request.lang
      const errorList = Object.entries(errors).map(([id, message]) => ({ id, message }))
      return reply.staffPage(
        'staff-case-new',
        {
          staffArea: true,
          values,
          errors,
          errorList,
          csrf: app.staffCsrf.token(request, reply),
          typeOptions: REQUEST_TYPES.map((value) => ({ value, label: t(lang, `types.${value}.title`) })),
          channelOptions: MANUAL_CHANNELS.map((value) => ({ value, label: t(lang, `cases.channels.${value}`) })),
          relationshipOptions: RELATIONSHIPS.map((value) => ({ value, label: t(lang, `relationships.${value}`) })),
          consentOptions: CONSENT_KINDS.map((value) => ({ value, label: t(lang, `consents.${value}`) })),
          langOptions: [
            { value: 'sv', label: 'Svenska' },
            { value: 'en', label: 'English' },
          ],
        },
        { status, title: t(lang, 'cases.manual.title') },
      )
    }

    app.get('/cases/new', handler, async (request, reply) =>
      manualForm(request, reply, { receivedAt: stockholmDate(app.clock()), lang: 'sv', channel: 'email' }, {}),
    )

    r.post('/cases/new', { ...handler, schema: { body: formBody(MANUAL_FIELDS) }, config: { csrf: 'form' } }, async (request, reply) => {
      const body: Body = request.body ?? {}
      const lang = request.lang
      const values: Record<string, string> = {}
      for (const f of MANUAL_FIELDS) values[f] = s(body[f])
      if (!app.staffCsrf.verify(request, body._csrf)) return manualForm(request, reply, values, { type: t(lang, 'errors.csrf') }, 403)
      const errors: Record<string, string> = {}
      if (!isRequestType(values.type)) errors.type = t(lang, 'errors.choice', { field: t(lang, 'cases.type').toLowerCase() })
      const parsed = parseEmail(values.email)
      const email = parsed.ok ? parsed.email : ''
      if (!parsed.ok) errors.email = parsed.problem === 'required' ? t(lang, 'errors.required', { field: t(lang, 'form.email').toLowerCase() }) : t(lang, emailProblemKey(parsed.problem))
      if (!(MANUAL_CHANNELS as readonly string[]).includes(values.channel)) errors.channel = t(lang, 'errors.choice', { field: t(lang, 'cases.manual.channel').toLowerCase() })
      if (values.relationship && !(RELATIONSHIPS as readonly string[]).includes(values.relationship)) errors.relationship = t(lang, 'errors.choice', { field: t(lang, 'form.relationship').toLowerCase() })
      if (values.consent && !(CONSENT_KINDS as readonly string[]).includes(values.consent)) errors.consent = t(lang, 'errors.choice', { field: t(lang, 'form.consent').toLowerCase() })
      const name = cleanLine(values.name)
      if (name && name.length > 200) errors.name = t(lang, 'errors.tooLong', { field: t(lang, 'form.name'), max: 200 })
      else if (name && isLinkLikeName(name)) errors.name = t(lang, 'errors.nameLink')
      const details = cleanText(values.details)
      if (details && details.length > 5000) errors.details = t(lang, 'errors.tooLong', { field: t(lang, 'form.details'), max: 5000 })
      const received = parseReceivedAt(values.receivedAt, app.clock())
      if (!received.ok) errors.receivedAt = receivedAtProblem(lang, received.problem)
      if (Object.keys(errors).length > 0 || !received.ok) return manualForm(request, reply, values, errors, 400)
      const created = await cases.registerManual(request.staff!, {
        type: values.type as (typeof REQUEST_TYPES)[number],
        email,
        name,
        relationship: (values.relationship || null) as (typeof RELATIONSHIPS)[number] | null,
        consentKind: values.type === 'withdraw_consent' ? ((values.consent || null) as (typeof CONSENT_KINDS)[number] | null) : null,
        details,
        channel: values.channel as (typeof MANUAL_CHANNELS)[number],
        receivedAt: received.iso,
        lang: isLang(values.lang) ? values.lang : 'sv',
      })
      return reply.code(303).redirect(`/staff/cases/${created.id}`, 303)
    })
  }
}
