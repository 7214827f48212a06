import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { searchProgress } from '../tasks/engine.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { sendMessagePage } from '../http/errors.js'
import { fieldErrorText } from '../http/render.js'
import { t } from '../i18n/index.js'
import { typeTitle } from '../intake/service.js'
import { cleanText } from '../intake/validate.js'
import type { Csrf } from '../security/csrf.js'
import type { Case } from '../db/schema.js'
import { listCaseEvents, listCaseMessages } from './repository.js'
import { statusSteps } from './status-steps.js'
import { immediateOutcome, outcomeText } from '../registers/immediate-actions.js'
import { findCaseByStatusToken } from './records.js'
type Body = Record<string, unknown>
import { formBody, QueryFlag } from './form-body.js'
import { Type, type TypeBoxTypeProvider } from '../http/schema.js'
import type { CaseService } from './service.js'
import { isClosed } from './state-machine.js'
import { openPause } from './pauses.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'

const MAX_REPLY = 5000

/** The status link's token; one that is not ours is answered like an unknown one. */
const TokenParams = Type.Object({ token: Type.String() })
const SentQuery = Type.Object({ sent: QueryFlag })
const ReplyForm = formBody(['reply'])

export function statusRoutes(deps: { cases: CaseService; csrf: Csrf }) {
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    async function caseFor(token: string): Promise<Case | undefined> {
      return findCaseByStatusToken(app.db, token)
    }

    async function render(request: FastifyRequest, reply: FastifyReply, c: Case, token: string, form: { value?: string; error?: string; sent?: boolean; status?: number } = {}) {
      const lang = request.lang
      const messages = await listCaseMessages(app.db, c.id)
      const deadline = await deps.cases.deadline(c)
      const pause = await openPause(app.db, c.id)
      const pkg = await app.accessPackages.find(c.id)
      const sentPackage = pkg && (pkg.status === 'sent' || pkg.status === 'deleted') ? pkg : null
      const packageGone = sentPackage ? app.accessPackages.isGone(sentPackage) : false
      const closed = isClosed(c.status)
      const statusText = t(lang, `status.values.${c.status}`)
      // A case the registers closed at once says what was done (issue 18).
      const outcome = closed ? immediateOutcome(c, await listCaseEvents(app.db, c.id)) : null
      // How many of the systems the request reaches have been searched (src/tasks); none for a request that reaches none.
      const progress = await searchProgress(app.db, c.id)
      const steps = statusSteps(c).map((s) => ({
        ...s,
        // The last step of a withdrawn or forwarded case is not an answer: it says what happened.
        label: s.key === 'answered' && (c.status === 'withdrawn' || c.status === 'forwarded') ? statusText : t(lang, `status.steps.${s.key}`),
        // Where the case waits for the requester, the step says so.
        state: s.current && !closed ? (c.status === 'awaiting_requester' ? statusText : t(lang, 'status.steps.now')) : t(lang, s.done ? 'status.steps.done' : 'status.steps.notYet'),
      }))
      return reply.page(
        'status',
        {
          case: c,
          token,
          typeTitle: typeTitle(lang, c.type),
          statusText,
          steps,
          outcome: outcome ? outcomeText(lang, outcome) : null,
          receivedDate: stockholmDate(c.received_at),
          dueDate: deadline.dueDate,
          searchedText: progress.total > 0 ? t(lang, 'tasks.status.searched', { searched: progress.searched, total: progress.total }) : null,
          closed,
          // Says the clock stands still only when a pause runs, and why (EDPB 01/2022 §159).
          awaitingText: pause ? t(lang, `status.paused.${pause.reason}`) : c.status === 'awaiting_requester' ? t(lang, 'status.awaiting') : null,
          messages: messages.map((m) => ({ direction: m.direction, text: m.body, when: stockholmDateTime(m.created_at), from: t(lang, m.direction === 'in' ? 'status.fromYou' : 'status.fromUs') })),
          csrf: deps.csrf.token(request, reply),
          replyValue: form.value ?? '',
          replyError: form.error ?? null,
          errorList: form.error ? [{ id: 'reply', message: form.error }] : [],
          sent: form.sent ?? false,
          // A sent access/portability package: where to download it, or plainly that it was deleted.
          accessPackage: sentPackage
            ? {
                gone: packageGone,
                text: packageGone
                  ? t(lang, 'access.status.deleted', { when: (sentPackage.deleted_at ?? sentPackage.delete_after!).slice(0, 10), days: app.config.packageRetentionDays })
                  : t(lang, 'access.status.ready', { until: sentPackage.delete_after!.slice(0, 10) }),
              }
            : null,
        },
        { status: form.status ?? 200, title: t(lang, 'status.title', { reference: c.reference }) },
      )
    }

    r.get('/status/:token', { schema: { params: TokenParams, querystring: SentQuery } }, async (request, reply) => {
      const c = await caseFor(request.params.token)
      if (!c) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
      return render(request, reply, c, request.params.token, { sent: request.query.sent === '1' })
    })

    r.post('/status/:token/reply', { schema: { params: TokenParams, body: ReplyForm } }, async (request, reply) => {
      const { token } = request.params
      const c = await caseFor(token)
      if (!c) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
      const body: Body = request.body ?? {}
      const raw = typeof body.reply === 'string' ? body.reply : ''
      const lang = request.lang
      if (!deps.csrf.verify(request, body._csrf)) return render(request, reply, c, token, { value: raw, error: t(lang, 'errors.csrf'), status: 403 })
      if (isClosed(c.status)) return render(request, reply, c, token, { value: raw, error: t(lang, 'status.closedReply'), status: 409 })
      const text = cleanText(raw)
      if (!text) return render(request, reply, c, token, { value: raw, error: t(lang, 'status.replyRequired'), status: 400 })
      if (text.length > MAX_REPLY) return render(request, reply, c, token, { value: raw, error: fieldErrorText(lang, { key: 'formErrors.replyTooLong', params: { max: MAX_REPLY } }), status: 400 })
      await deps.cases.requesterReply(c.id, text)
      return reply.code(303).header('Cache-Control', 'no-store').redirect(`/status/${token}?sent=1`, 303)
    })
  }
}
