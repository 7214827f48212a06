import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Case } from '../db/schema.js'
import { DomainError } from '../domain/errors.js'
import { domainMessage, sendMessagePage } from '../http/errors.js'
import { Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { formBody } from './form-body.js'
import { t } from '../i18n/index.js'
import { findCaseById } from './repository.js'

/**
 * What the staff forms on a case share, the case page's and the package page's alike: they must
 * refuse a forged form and an unknown case the same way, and answer a refusal from the service
 * the same way, or the two pages drift apart.
 */

export type Body = Record<string, unknown>
/** A case form's path: the case, and for a package file the file. */
export const CaseParams = Type.Object({ id: Type.String(), fileId: Type.Optional(Type.String()) })
export type CaseActionRequest = FastifyRequest<{ Params: { id: string; fileId?: string }; Body: Body }>

/** The case named by :id, or null once a 404 page has been sent (a malformed id is just unknown). */
export async function loadCase(app: FastifyInstance, request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<Case | null> {
  const id = /^\d{1,12}$/.test(request.params.id) ? Number(request.params.id) : null
  const c = id === null ? undefined : await findCaseById(app.db, id)
  if (!c) {
    sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
    return null
  }
  return c
}

/** Why the page is shown again: a forged form (csrf) or the service's refusal, in the reader's language. */
export interface ActionProblem {
  csrf: boolean
  message: string
  status: number
}

export interface CaseAction {
  /** The form's URL, with :id for the case. */
  url: string
  /** The change itself, through a service that checks the case's state and writes the audit entry. */
  run: (request: CaseActionRequest, c: Case, body: Body) => Promise<unknown>
  /** The page again with the problem and what was typed (it is in `body`). */
  showAgain: (request: CaseActionRequest, reply: FastifyReply, c: Case, problem: ActionProblem, body: Body) => Promise<unknown>
  /** The page a done action returns to; it is shown with ?done=<code>. */
  page: (c: Case) => string
  /** The form's fields, for the route's schema. */
  fields?: readonly string[]
  /** Which confirmation the page shows (`?done=`), from what was sent; '1' (a plain "Saved.") when not given. */
  done?: (body: Body) => string
  /**
   * A refusal the page answers by a redirect to itself (Post/Redirect/Get) with `?refused=<name>`
   * instead of showing the page again at the form's URL: for a form whose refusal means the case
   * changed under it (a race), where nothing typed is worth keeping. Returns null for the others.
   */
  redirectRefusal?: (error: DomainError) => string | null
}

/**
 * A form that changes a case: handlers only, the case must exist, the CSRF token must match, then
 * the action runs; a DomainError shows the page again, anything else is a server error.
 */
export function caseAction(app: FastifyInstance, action: CaseAction): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const schema = { params: CaseParams, body: formBody(action.fields ?? []) }
  r.post(action.url, { schema, preValidation: app.requireStaff('handler'), config: { csrf: 'form' } }, async (request, reply) => {
    const c = await loadCase(app, request, reply)
    if (!c) return reply
    const body: Body = request.body ?? {}
    if (!app.staffCsrf.verify(request, body._csrf)) return action.showAgain(request as CaseActionRequest, reply, c, { csrf: true, message: t(request.lang, 'errors.csrf'), status: 403 }, body)
    try {
      await action.run(request as CaseActionRequest, c, body)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      const refused = action.redirectRefusal?.(error) ?? null
      if (refused !== null) return reply.code(303).redirect(`${action.page(c)}?refused=${encodeURIComponent(refused)}`, 303)
      return action.showAgain(request as CaseActionRequest, reply, c, { csrf: false, message: domainMessage(error, request.lang), status: error.status }, body)
    }
    return reply.code(303).redirect(`${action.page(c)}?done=${encodeURIComponent(action.done?.(body) ?? '1')}`, 303)
  })
}
