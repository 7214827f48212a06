import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t } from '../i18n/index.js'
import { looksLikeToken } from '../security/tokens.js'
import type { SetupTokenState } from './accounts.js'
import { isStaffError } from './errors.js'
import { formErrors, staffErrorKeys, type FormErrors } from './form-helpers.js'
import { SetupForm, TokenParams } from './form-schemas.js'

/** /staff/setup/<token>: the one-time page that creates the first administrator. */
export async function setupRoutes(app: FastifyInstance) {
  const { accounts } = app.staffService
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  function problemPage(request: FastifyRequest, reply: FastifyReply, state: Exclude<SetupTokenState, 'valid'>) {
    const lang = request.lang
    const [key, status] = state === 'done' ? ['done', 410] : state === 'used' ? ['used', 410] : state === 'expired' ? ['expired', 410] : ['invalid', 404]
    const title = t(lang, `staff.setup.${key}Title`)
    return reply.staffPage('message', { title, paragraphs: [t(lang, `staff.setup.${key}`)], link: { href: '/staff/login', text: t(lang, 'staff.login.title') } }, { status: status as number, title })
  }

  function form(request: FastifyRequest, reply: FastifyReply, token: string, values: Record<string, string>, errors?: FormErrors, status?: number) {
    const lang = request.lang
    const e = errors ?? { map: {}, list: [] }
    return reply.staffPage(
      'staff/setup',
      { token, values, errors: e.map, errorList: e.list, csrf: app.staffCsrf.anonymousToken(request, reply) },
      { status, title: t(lang, 'staff.setup.title') },
    )
  }

  r.get('/setup/:token', { config: { auth: 'public' }, schema: { params: TokenParams } }, async (request, reply) => {
    const { token } = request.params
    const { state } = looksLikeToken(token) ? await accounts.setupTokenState(token) : { state: 'unknown' as const }
    if (state !== 'valid') return problemPage(request, reply, state)
    return form(request, reply, token, { email: '', name: '' })
  })

  r.post('/setup/:token', { config: { auth: 'public', csrf: 'form' }, schema: { params: TokenParams, body: SetupForm } }, async (request, reply) => {
    const { token } = request.params
    if (!looksLikeToken(token)) return problemPage(request, reply, 'unknown')
    const { state } = await accounts.setupTokenState(token)
    if (state !== 'valid') return problemPage(request, reply, state)
    const body = request.body
    const values = { email: (body.email ?? '').trim().slice(0, 320), name: (body.name ?? '').slice(0, 400) }
    const lang = request.lang
    if (!app.staffCsrf.verifyAnonymous(request, body._csrf)) return form(request, reply, token, values, formErrors(lang, [{ field: 'email', key: 'errors.csrf' }]), 403)
    const input = { ...values, password: (body.password ?? '').slice(0, 1024), lang }
    const problems = accounts.problems({ ...input, role: 'admin' }, body.password2 ?? '')
    if (problems.length) return form(request, reply, token, values, formErrors(lang, staffErrorKeys(problems)), 400)
    try {
      const result = await accounts.completeSetup(token, input)
      if (!result.ok) return problemPage(request, reply, result.state)
    } catch (error) {
      if (isStaffError(error)) return form(request, reply, token, values, formErrors(lang, staffErrorKeys([error])), 400)
      throw error
    }
    return reply.redirect('/staff/login?done=setup', 303)
  })
}
