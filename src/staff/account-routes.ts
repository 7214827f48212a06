import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import QRCode from 'qrcode'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t } from '../i18n/index.js'
import { mustEnrol } from './auth-plugin.js'
import { isStaffError } from './errors.js'
import { formErrors, staffErrorKeys, type FormErrors } from './form-helpers.js'
import { CodeForm, DoneQuery, PasswordForm } from './form-schemas.js'

/** /staff/account (own details, password change) and /staff/account/mfa (TOTP enrolment and removal). */
export async function accountRoutes(app: FastifyInstance) {
  const { accounts, mfa } = app.staffService
  const viewer = app.requireStaff('viewer')
  const enrolling = app.requireStaff('viewer', { allowPendingEnrolment: true })
  const csrf = app.staffCsrfCheck
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  async function accountPage(request: FastifyRequest, reply: FastifyReply, o: { errors?: FormErrors; notice?: string; status?: number } = {}) {
    const staff = request.staff!
    const row = await accounts.findById(staff.id)
    const lang = request.lang
    const e = o.errors ?? { map: {}, list: [] }
    return reply.staffPage(
      'staff/account',
      {
        me: { email: staff.email, name: staff.name, roleLabel: t(lang, `staff.roles.${staff.role}`), mfa: row?.totp_enabled === 1 },
        errors: e.map,
        errorList: e.list,
        notice: o.notice,
        csrf: app.staffCsrf.token(request, reply),
      },
      { status: o.status, title: t(lang, 'staff.account.title') },
    )
  }

  async function mfaPage(request: FastifyRequest, reply: FastifyReply, o: { errors?: FormErrors; notice?: string; status?: number } = {}) {
    const staff = request.staff!
    const lang = request.lang
    const enrolment = await mfa.enrolment(staff.id)
    const e = o.errors ?? { map: {}, list: [] }
    let qrSvg: string | null = null
    let secretGroups: string | null = null
    if (!enrolment.enabled) {
      // Inline SVG: drawn with attributes only, so the strict CSP (no inline styles) allows it.
      qrSvg = (await QRCode.toString(enrolment.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })).replace(
        '<svg ',
        `<svg role="img" aria-label="${t(lang, 'staff.mfa.qrAlt')}" class="qr" `,
      )
      secretGroups = enrolment.secret.replace(/(.{4})/g, '$1 ').trim()
    }
    return reply.staffPage(
      'staff/mfa',
      {
        enabled: enrolment.enabled,
        forced: mustEnrol(app.config, request),
        canDisable: !(app.config.staffRequireMfa && staff.role === 'admin'),
        qrSvg,
        secretGroups,
        errors: e.map,
        errorList: e.list,
        notice: o.notice,
        csrf: app.staffCsrf.token(request, reply),
      },
      { status: o.status, title: t(lang, 'staff.mfa.title') },
    )
  }

  r.get('/account', { preValidation: viewer, schema: { querystring: DoneQuery } }, async (request, reply) => {
    const done = request.query.done
    return accountPage(request, reply, { notice: done === 'password' ? t(request.lang, 'staff.account.passwordChanged') : undefined })
  })

  r.post('/account/password', { preValidation: [viewer, csrf], schema: { body: PasswordForm } }, async (request, reply) => {
    const body = request.body
    const lang = request.lang
    const next = (body.password ?? '').slice(0, 1024)
    if (next !== (body.password2 ?? '')) return accountPage(request, reply, { status: 400, errors: formErrors(lang, [{ field: 'password2', key: 'staff.errors.password_mismatch' }]) })
    try {
      const result = await accounts.changeOwnPassword(request.staff!.id, (body.current ?? '').slice(0, 1024), next, request.staffSession!.idHash)
      if (result === 'wrong') return accountPage(request, reply, { status: 400, errors: formErrors(lang, [{ field: 'current', key: 'staff.account.wrongPassword' }]) })
      if (result === 'throttled') return accountPage(request, reply, { status: 429, errors: formErrors(lang, [{ field: 'current', key: 'staff.login.throttledMinute' }]) })
    } catch (error) {
      if (isStaffError(error)) return accountPage(request, reply, { status: 400, errors: formErrors(lang, staffErrorKeys([error])) })
      throw error
    }
    return reply.redirect('/staff/account?done=password', 303)
  })

  r.get('/account/mfa', { preValidation: enrolling, schema: { querystring: DoneQuery } }, async (request, reply) => {
    const done = request.query.done
    const notice = done === 'enabled' ? t(request.lang, 'staff.mfa.enabledNow') : done === 'disabled' ? t(request.lang, 'staff.mfa.disabledNow') : undefined
    return mfaPage(request, reply, { notice })
  })

  r.post('/account/mfa/enable', { preValidation: [enrolling, csrf], schema: { body: CodeForm } }, async (request, reply) => {
    const ok = await mfa.enable(request.staff!.id, (request.body.code ?? '').slice(0, 20))
    if (!ok) return mfaPage(request, reply, { status: 400, errors: formErrors(request.lang, [{ field: 'code', key: 'staff.mfa.invalid' }]) })
    // The session now belongs to a member with MFA; STAFF_REQUIRE_MFA stops redirecting here.
    if (request.staffSession) request.staffSession.totpEnabled = true
    return reply.redirect('/staff/account/mfa?done=enabled', 303)
  })

  r.post('/account/mfa/disable', { preValidation: [enrolling, csrf], schema: { body: CodeForm } }, async (request, reply) => {
    const staff = request.staff!
    if (app.config.staffRequireMfa && staff.role === 'admin') {
      return mfaPage(request, reply, { status: 400, errors: formErrors(request.lang, [{ field: 'code', key: 'staff.mfa.cannotDisable' }]) })
    }
    const ok = await mfa.disable(staff.id, (request.body.code ?? '').slice(0, 20))
    if (!ok) return mfaPage(request, reply, { status: 400, errors: formErrors(request.lang, [{ field: 'code', key: 'staff.mfa.invalid' }]) })
    return reply.redirect('/staff/account/mfa?done=disabled', 303)
  })
}
