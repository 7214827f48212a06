import type { FastifyInstance } from 'fastify'
import { IdParams, Type, type Static, type TypeBoxTypeProvider } from '../http/schema.js'
import { ApiErrors } from '../http/schema.js'
import { ApproveBody, CallbackErrors, CallbackIn, CaseTaskParams, CompleteBody, TaskList, TaskOut, TaskParams, WaiveBody, WriteErrors } from './api-schemas.js'
import { taskFail } from './errors.js'
import type { TaskService, TaskView } from './service.js'

/** The API's view of a task: the contract's fields only. */
function out(v: TaskView) {
  return {
    id: v.id,
    system: v.system,
    action: v.action,
    status: v.status,
    ...(v.approvedBy ? { approvedBy: v.approvedBy } : {}),
    ...(v.planSummary ? { planSummary: v.planSummary } : {}),
    ...(v.note ? { note: v.note } : {}),
    ...(v.result ? { result: v.result } : {}),
    updatedAt: v.updatedAt,
  } as Static<typeof TaskOut>
}

/** An id in a path: a positive whole number, or no such thing (404). */
function idOf(text: string): number {
  const n = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(n)) throw taskFail('not_found')
  return n
}

/**
 * GET /api/v1/cases/:id/tasks (viewer); POST …/tasks/approve, …/tasks/:taskId/complete and
 * …/tasks/:taskId/waive (handler); POST /api/v1/tasks/:taskId/callback (the task's callback token,
 * at most TASK_RESULT_MAX_BYTES).
 */
export function taskApiRoutes(deps: { tasks: TaskService; resultMaxBytes: number }) {
  const { tasks } = deps
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const viewer = { preValidation: app.requireStaff('viewer') }
    const handler = { preValidation: app.requireStaff('handler') }

    r.get('/cases/:id/tasks', { ...viewer, schema: { params: IdParams, response: { 200: TaskList, ...ApiErrors } } }, async (request) => ({
      items: (await tasks.list(idOf(request.params.id))).map(out),
    }))

    r.post('/cases/:id/tasks/approve', { ...handler, schema: { params: IdParams, body: Type.Union([ApproveBody, Type.Null()]), response: { 200: TaskList, ...WriteErrors } } }, async (request) => ({
      items: (await tasks.approve(request.staff!, idOf(request.params.id), request.body?.taskIds)).map(out),
    }))

    r.post('/cases/:id/tasks/:taskId/complete', { ...handler, schema: { params: CaseTaskParams, body: CompleteBody, response: { 200: TaskOut, ...WriteErrors } } }, async (request) =>
      out(await tasks.complete(request.staff!, idOf(request.params.id), idOf(request.params.taskId), request.body.status, request.body.note)),
    )

    r.post('/cases/:id/tasks/:taskId/waive', { ...handler, schema: { params: CaseTaskParams, body: WaiveBody, response: { 200: TaskOut, ...WriteErrors } } }, async (request) =>
      out(await tasks.waive(request.staff!, idOf(request.params.id), idOf(request.params.taskId), request.body.reason)),
    )

    // A connected system's later answer: signed in by the task's own one-time token, not a staff token.
    r.post(
      '/tasks/:taskId/callback',
      { config: { auth: 'public' }, bodyLimit: deps.resultMaxBytes, schema: { security: [], params: TaskParams, body: CallbackIn, response: { 204: Type.Null(), ...CallbackErrors } } },
      async (request, reply) => {
        const header = request.headers.authorization ?? ''
        const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null
        const id = /^[1-9]\d{0,9}$/.test(request.params.taskId) ? Number(request.params.taskId) : -1
        await tasks.callback(id, token, request.body)
        return reply.code(204).send(null)
      },
    )
  }
}
