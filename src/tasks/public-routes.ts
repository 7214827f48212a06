import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '../http/schema.js'
import { t } from '../i18n/index.js'
import type { Csrf } from '../security/csrf.js'
import { MAX_NOTE, type TaskService } from './service.js'

const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) })
const AnswerForm = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))
const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '')

/**
 * GET/POST /tasks/respond/:token: the page an email supplier's one-time link opens, where they
 * mark the task done or not found with an optional note. A used or replaced link answers 404.
 */
export function taskPublicRoutes(deps: { tasks: TaskService; csrf: Csrf }) {
  const { tasks, csrf } = deps
  return async function routes(app: FastifyInstance) {
    const invalid = (request: FastifyRequest, reply: FastifyReply) =>
      reply.code(404).header('Cache-Control', 'no-store').page('task-respond', { invalid: true }, { status: 404, title: t(request.lang, 'tasks.respond.invalidTitle') })

    app.get<{ Params: { token: string } }>('/tasks/respond/:token', { schema: { params: TokenParams } }, async (request, reply) => {
      const found = await tasks.bySupplierToken(request.params.token)
      if (!found) return invalid(request, reply)
      const view = tasks.supplierView(found, request.lang)
      return reply.header('Cache-Control', 'no-store').page('task-respond', { ...view, token: request.params.token, csrf: csrf.token(request, reply) }, { title: t(request.lang, 'tasks.respond.title', { reference: view.reference }) })
    })

    app.post<{ Params: { token: string }; Body: Record<string, string | string[]> }>('/tasks/respond/:token', { schema: { params: TokenParams, body: AnswerForm } }, async (request, reply) => {
      const { token } = request.params
      const found = await tasks.bySupplierToken(token)
      if (!found) return invalid(request, reply)
      const lang = request.lang
      const body = request.body ?? {}
      const outcome = one(body.outcome)
      const note = one(body.note).trim().slice(0, MAX_NOTE)
      const view = tasks.supplierView(found, lang)
      const again = (error: string, status: number) =>
        reply.code(status).header('Cache-Control', 'no-store').page('task-respond', { ...view, token, note, error, errorList: [{ id: 'outcome-completed', message: error }], csrf: csrf.token(request, reply) }, { status, title: t(lang, 'tasks.respond.title', { reference: view.reference }) })
      if (!csrf.verify(request, body._csrf)) return again(t(lang, 'errors.csrf'), 403)
      if (outcome !== 'completed' && outcome !== 'not_found') return again(t(lang, 'tasks.respond.choose'), 400)
      if (!(await tasks.supplierAnswer(token, outcome, note || null))) return invalid(request, reply)
      return reply.header('Cache-Control', 'no-store').page('task-respond', { ...view, done: true }, { title: t(lang, 'tasks.respond.title', { reference: view.reference }) })
    })
  }
}
