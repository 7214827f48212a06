import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t } from '../i18n/index.js'
import { sessionCookieOptions } from './auth-plugin.js'
import { formErrors, type FormErrors } from './form-helpers.js'
import { LoginForm, LogoutForm, MfaStepForm, NextQuery } from './form-schemas.js'
import { DEVICE_COOKIE } from './login-throttle.js'
import { safeNextPath } from './next-path.js'
import { SESSION_COOKIE } from './sessions.js'

const DEVICE_MAX_AGE = 180 * 24 * 3600

/** /staff/login (password, then the TOTP code when the member has one) and /staff/logout. */
export async function loginRoutes(app: FastifyInstance) {
  const { sessions } = app.staffService
  const secure = app.config.publicUrl.startsWith('https:')
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  function setSession(reply: FastifyReply, sessionId: string, deviceCookie: string | null) {
    reply.setCookie(SESSION_COOKIE, sessionId, sessionCookieOptions(secure))
    if (deviceCookie) reply.setCookie(DEVICE_COOKIE, deviceCookie, { path: '/staff', httpOnly: true, sameSite: 'lax', secure, maxAge: DEVICE_MAX_AGE })
  }

  function loginPage(request: FastifyRequest, reply: FastifyReply, o: { email?: string; next: string; errors?: FormErrors; notice?: string; status?: number }) {
    const lang = request.lang
    const errors = o.errors ?? { map: {}, list: [] }
    return reply.staffPage(
      'staff/login',
      { values: { email: o.email ?? '' }, next: o.next, errors: errors.map, errorList: errors.list, notice: o.notice, csrf: app.staffCsrf.anonymousToken(request, reply) },
      { status: o.status, title: errors.list.length ? `${t(lang, 'form.errorSummary')}: ${t(lang, 'staff.login.title')}` : t(lang, 'staff.login.title') },
    )
  }

  function mfaPage(request: FastifyRequest, reply: FastifyReply, o: { next: string; errors?: FormErrors; status?: number }) {
    const lang = request.lang
    const errors = o.errors ?? { map: {}, list: [] }
    return reply.staffPage(
      'staff/login-mfa',
      { next: o.next, errors: errors.map, errorList: errors.list, csrf: app.staffCsrf.token(request, reply) },
      { status: o.status, title: t(lang, 'staff.mfaStep.title') },
    )
  }

  const mfaUrl = (next: string) => (next === '/staff' ? '/staff/login/mfa' : `/staff/login/mfa?next=${encodeURIComponent(next)}`)

  r.get('/login', { config: { auth: 'public' }, schema: { querystring: NextQuery } }, async (request, reply) => {
    const next = safeNextPath(request.query.next)
    if (request.staff) return reply.redirect(next, 303)
    if (request.staffSession) return reply.redirect(mfaUrl(next), 303)
    const notice = request.query.done === 'setup' ? t(request.lang, 'staff.login.setupDone') : request.query.done === 'logout' ? t(request.lang, 'staff.login.loggedOut') : undefined
    return loginPage(request, reply, { next, notice })
  })

  r.post('/login', { config: { auth: 'public', csrf: 'form' }, schema: { body: LoginForm } }, async (request, reply) => {
    const body = request.body
    const email = (body.email ?? '').trim().slice(0, 320)
    const password = (body.password ?? '').slice(0, 1024)
    const next = safeNextPath(body.next)
    const lang = request.lang
    if (!app.staffCsrf.verifyAnonymous(request, body._csrf)) {
      return loginPage(request, reply, { email, next, status: 403, errors: formErrors(lang, [{ field: 'email', key: 'errors.csrf' }]) })
    }
    if (email === '' || password === '') {
      return loginPage(request, reply, { email, next, status: 400, errors: formErrors(lang, [{ field: email === '' ? 'email' : 'password', key: 'staff.login.required' }]) })
    }
    const result = await sessions.login({ email, password, ip: request.ip, deviceCookie: request.cookies[DEVICE_COOKIE], previousSessionId: request.cookies[SESSION_COOKIE] })
    if (result.outcome === 'throttled') {
      return loginPage(request, reply, { email, next, status: 429, errors: throttled(lang, result.waitMinutes) })
    }
    if (result.outcome === 'invalid') {
      // One message for an unknown address, a wrong password and a disabled account.
      return loginPage(request, reply, { email, next, status: 401, errors: formErrors(lang, [{ field: 'email', key: 'staff.login.invalid' }]) })
    }
    setSession(reply, result.sessionId, result.deviceCookie)
    return reply.redirect(result.mfaRequired ? mfaUrl(next) : next, 303)
  })

  r.get('/login/mfa', { config: { auth: 'public' }, schema: { querystring: NextQuery } }, async (request, reply) => {
    const next = safeNextPath(request.query.next)
    if (request.staff) return reply.redirect(next, 303)
    if (!request.staffSession) return reply.redirect('/staff/login', 303)
    return mfaPage(request, reply, { next })
  })

  r.post('/login/mfa', { config: { auth: 'public', csrf: 'form' }, schema: { body: MfaStepForm } }, async (request, reply) => {
    const body = request.body
    const next = safeNextPath(body.next)
    const lang = request.lang
    const session = request.staffSession
    const sessionId = request.cookies[SESSION_COOKIE]
    if (request.staff) return reply.redirect(next, 303)
    if (!session || !sessionId) return reply.redirect('/staff/login', 303)
    if (!app.staffCsrf.verify(request, body._csrf)) {
      return mfaPage(request, reply, { next, status: 403, errors: formErrors(lang, [{ field: 'code', key: 'errors.csrf' }]) })
    }
    const result = await sessions.completeMfa({ sessionId, code: (body.code ?? '').slice(0, 20), ip: request.ip, deviceCookie: request.cookies[DEVICE_COOKIE] })
    if (result.outcome === 'ok') {
      setSession(reply, result.sessionId, result.deviceCookie)
      return reply.redirect(next, 303)
    }
    if (result.outcome === 'ended') {
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure))
      request.staffSession = null
      return loginPage(request, reply, { next, status: 401, errors: formErrors(lang, [{ field: 'email', key: 'staff.login.ended' }]) })
    }
    if (result.outcome === 'throttled') return mfaPage(request, reply, { next, status: 429, errors: throttled(lang, result.waitMinutes, 'code') })
    return mfaPage(request, reply, { next, status: 401, errors: formErrors(lang, [{ field: 'code', key: 'staff.mfaStep.invalid' }]) })
  })

  r.post('/logout', { config: { auth: 'public', csrf: 'form' }, schema: { body: LogoutForm } }, async (request, reply) => {
    const session = request.staffSession
    if (!session) return reply.redirect('/staff/login', 303)
    if (!app.staffCsrf.verify(request, request.body._csrf)) return app.staffCsrfCheck.call(app, request, reply)
    await sessions.logout(session)
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure))
    return reply.redirect('/staff/login?done=logout', 303)
  })
}

function throttled(lang: Parameters<typeof t>[0], minutes: number, field = 'email'): FormErrors {
  const message = minutes <= 1 ? t(lang, 'staff.login.throttledMinute') : t(lang, 'staff.login.throttled', { minutes })
  return { map: { [field]: message }, list: [{ id: field, message }] }
}
