import type { FastifyInstance, FastifyReply } from 'fastify'
import { DomainError } from '../domain/errors.js'
import { Type } from '../http/schema.js'
import type { TaskService } from './service.js'

const CaseParams = Type.Object({ id: Type.String() })
const TaskParams = Type.Object({ id: Type.String(), taskId: Type.String() })
const Form = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))
type Body = Record<string, string | string[] | undefined>

const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '')
const idOf = (text: string): number => (/^[1-9]\d{0,9}$/.test(text) ? Number(text) : -1)

/**
 * The case page's task forms: POST /staff/cases/:id/tasks/approve (all waiting, or `taskId`),
 * …/tasks/:taskId/complete, …/tasks/:taskId/waive, …/tasks/add and …/tasks/:taskId/remove (handler). Post/Redirect/Get back to the
 * case's Systems section; a refusal comes back as a code (no typed text in the URL).
 */
export function taskStaffRoutes(deps: { tasks: TaskService }) {
  const { tasks } = deps
  return async function routes(app: FastifyInstance) {
    const handler = { preValidation: app.requireStaff('handler') }

    async function run(reply: FastifyReply, caseId: number, taskId: number | null, fn: () => Promise<unknown>) {
      const page = `/staff/cases/${caseId}`
      try {
        await fn()
        return reply.code(303).redirect(`${page}?done=tasks#tasks`, 303)
      } catch (error) {
        if (!(error instanceof DomainError) || error.status === 404) throw error
        const task = taskId === null ? '' : `&task=${taskId}`
        return reply.code(303).redirect(`${page}?taskProblem=${encodeURIComponent(error.code)}${task}#tasks`, 303)
      }
    }

    app.post<{ Params: { id: string }; Body: Body }>('/cases/:id/tasks/approve', { ...handler, schema: { params: CaseParams, body: Form } }, async (request, reply) => {
      const caseId = idOf(request.params.id)
      const one_ = one(request.body?.taskId)
      const ids = one_ ? [idOf(one_)] : undefined
      return run(reply, caseId, ids?.[0] ?? null, () => tasks.approve(request.staff!, caseId, ids))
    })

    app.post<{ Params: { id: string; taskId: string }; Body: Body }>('/cases/:id/tasks/:taskId/complete', { ...handler, schema: { params: TaskParams, body: Form } }, async (request, reply) => {
      const caseId = idOf(request.params.id)
      const taskId = idOf(request.params.taskId)
      return run(reply, caseId, taskId, () => tasks.complete(request.staff!, caseId, taskId, one(request.body?.status), one(request.body?.note)))
    })

    app.post<{ Params: { id: string }; Body: Body }>('/cases/:id/tasks/add', { ...handler, schema: { params: CaseParams, body: Form } }, async (request, reply) => {
      const caseId = idOf(request.params.id)
      return run(reply, caseId, null, () => tasks.addSystem(request.staff!, caseId, one(request.body?.system), one(request.body?.reason)))
    })

    app.post<{ Params: { id: string; taskId: string }; Body: Body }>('/cases/:id/tasks/:taskId/remove', { ...handler, schema: { params: TaskParams, body: Form } }, async (request, reply) => {
      const caseId = idOf(request.params.id)
      const taskId = idOf(request.params.taskId)
      return run(reply, caseId, taskId, () => tasks.removeSystem(request.staff!, caseId, taskId, one(request.body?.reason)))
    })

    app.post<{ Params: { id: string; taskId: string }; Body: Body }>('/cases/:id/tasks/:taskId/waive', { ...handler, schema: { params: TaskParams, body: Form } }, async (request, reply) => {
      const caseId = idOf(request.params.id)
      const taskId = idOf(request.params.taskId)
      return run(reply, caseId, taskId, () => tasks.waive(request.staff!, caseId, taskId, one(request.body?.reason)))
    })
  }
}
