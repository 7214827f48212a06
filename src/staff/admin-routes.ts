import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t, type MessageKey } from '../i18n/index.js'
import { staffActor } from './actor.js'
import { isStaffError } from './errors.js'
import { formErrors, staffErrorKeys, type FormErrors } from './form-helpers.js'
import { DoneQuery, EmptyForm, IdParams, NewStaffForm, RoleForm } from './form-schemas.js'
import { ROLES } from './roles.js'

/** /staff/admin/staff: administrators list, add, re-role and disable staff accounts. */
export async function adminRoutes(app: FastifyInstance) {
  const { accounts } = app.staffService
  const admin = app.requireStaff('admin')
  const csrf = app.staffCsrfCheck
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

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

  r.get('/admin/staff', { preValidation: admin, schema: { querystring: DoneQuery } }, async (request, reply) => {
    const notice = Object.hasOwn(NOTICES, request.query.done ?? '') ? NOTICES[request.query.done!] : undefined
    return listPage(request, reply, { notice: notice ? t(request.lang, notice) : undefined })
  })

  r.post('/admin/staff', { preValidation: [admin, csrf], schema: { body: NewStaffForm } }, async (request, reply) => {
    const body = request.body
    const values = { email: (body.email ?? '').trim().slice(0, 320), name: (body.name ?? '').slice(0, 400), role: body.role ?? '' }
    const input = { ...values, password: (body.password ?? '').slice(0, 1024) }
    const lang = request.lang
    const problems = accounts.problems(input, body.password2 ?? '')
    if (problems.length) return listPage(request, reply, { values, status: 400, errors: formErrors(lang, staffErrorKeys(problems)) })
    try {
      await accounts.create({ ...input, lang: 'sv' }, staffActor(request.staff!.id), 'web')
    } catch (error) {
      if (isStaffError(error)) return listPage(request, reply, { values, status: error.status, errors: formErrors(lang, staffErrorKeys([error])) })
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
      if (isStaffError(error)) {
        return listPage(request, reply, { status: error.code === 'not_found' ? 404 : 409, errors: formErrors(request.lang, [{ field: null, key: error.key }]) })
      }
      throw error
    }
    return reply.redirect(`/staff/admin/staff?done=${done}`, 303)
  }

  r.post('/admin/staff/:id/role', { preValidation: [admin, csrf], schema: { params: IdParams, body: RoleForm } }, async (request, reply) =>
    act(request, reply, (id) => accounts.setRole(id, request.body.role ?? '', staffActor(request.staff!.id)), 'role'),
  )

  r.post('/admin/staff/:id/disable', { preValidation: [admin, csrf], schema: { params: IdParams, body: EmptyForm } }, async (request, reply) =>
    act(request, reply, (id) => accounts.disable(id, staffActor(request.staff!.id)), 'disabled'),
  )
}
