import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { t, type MessageKey } from '../i18n/index.js'
import { staffActor } from './actor.js'
import { StaffError } from './errors.js'
import { bodyOf, formErrors, staffErrorKeys, str, type FormErrors } from './form-helpers.js'
import { ROLES } from './roles.js'

/** /staff/admin/staff: administrators list, add, re-role and disable staff accounts. */
export async function adminRoutes(app: FastifyInstance) {
  const { accounts } = app.staffService
  const admin = app.requireStaff('admin')
  const csrf = app.staffCsrfCheck

  async function listPage(request: FastifyRequest, reply: FastifyReply, o: { values?: Record<string, string>; errors?: FormErrors; notice?: string; status?: number } = {}) {
    const lang = request.lang
    const me = request.staff!
    const e = o.errors ?? { map: {}, list: [] }
    const roleOptions = ROLES.map((value) => ({ value, label: t(lang, `staff.roles.${value}`) }))
    const members = (await accounts.list()).map((m) => ({
      ...m,
      roleLabel: t(lang, `staff.roles.${m.role}`),
      isMe: m.id === me.id,
      roleOptions: roleOptions.map((r) => ({ ...r, selected: r.value === m.role })),
    }))
    return reply.staffPage(
      'staff/admin-staff',
      { members, roleOptions, values: o.values ?? { role: 'handler' }, errors: e.map, errorList: e.list, notice: o.notice, csrf: app.staffCsrf.token(request, reply) },
      { status: o.status, title: t(lang, 'staff.admin.title') },
    )
  }

  const NOTICES: Record<string, MessageKey> = { added: 'staff.admin.added', role: 'staff.admin.roleChanged', disabled: 'staff.admin.disabledNow' }

  app.get('/admin/staff', { preHandler: admin }, async (request, reply) => {
    const done = str((request.query as Record<string, unknown>)?.done)
    return listPage(request, reply, { notice: NOTICES[done] ? t(request.lang, NOTICES[done]) : undefined })
  })

  app.post('/admin/staff', { preHandler: [admin, csrf] }, async (request, reply) => {
    const body = bodyOf(request)
    const values = { email: str(body.email).trim().slice(0, 320), name: str(body.name).slice(0, 400), role: str(body.role) }
    const input = { ...values, password: str(body.password).slice(0, 1024) }
    const lang = request.lang
    const problems = accounts.problems(input, str(body.password2))
    if (problems.length) return listPage(request, reply, { values, status: 400, errors: formErrors(lang, staffErrorKeys(problems)) })
    try {
      await accounts.create({ ...input, lang: 'sv' }, staffActor(request.staff!.id), 'web')
    } catch (error) {
      if (error instanceof StaffError) return listPage(request, reply, { values, status: error.code === 'exists' ? 409 : 400, errors: formErrors(lang, staffErrorKeys([error])) })
      throw error
    }
    return reply.redirect('/staff/admin/staff?done=added', 303)
  })

  async function act(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: (id: number) => Promise<unknown>, done: string) {
    const id = Number(request.params.id)
    if (!Number.isSafeInteger(id) || id <= 0) return listPage(request, reply, { status: 404, errors: formErrors(request.lang, [{ field: null, key: 'staff.errors.not_found' }]) })
    try {
      await action(id)
    } catch (error) {
      if (error instanceof StaffError) {
        return listPage(request, reply, { status: error.code === 'not_found' ? 404 : 409, errors: formErrors(request.lang, [{ field: null, key: `staff.errors.${error.code}` }]) })
      }
      throw error
    }
    return reply.redirect(`/staff/admin/staff?done=${done}`, 303)
  }

  app.post<{ Params: { id: string } }>('/admin/staff/:id/role', { preHandler: [admin, csrf] }, async (request, reply) =>
    act(request, reply, (id) => accounts.setRole(id, str(bodyOf(request).role), staffActor(request.staff!.id)), 'role'),
  )

  app.post<{ Params: { id: string } }>('/admin/staff/:id/disable', { preHandler: [admin, csrf] }, async (request, reply) =>
    act(request, reply, (id) => accounts.disable(id, staffActor(request.staff!.id)), 'disabled'),
  )
}
