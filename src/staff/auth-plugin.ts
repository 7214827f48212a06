import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { Config } from '../config.js'
import { DomainError } from '../domain/errors.js'
import { sendDomainError } from '../http/errors.js'
import { isLang, t } from '../i18n/index.js'
import { Csrf } from '../security/csrf.js'
import { staffNavLinks } from './nav.js'
import { safeNextPath } from './next-path.js'
import { roleAtLeast, type Role } from './roles.js'
import { createStaffServices, type StaffServices } from './service.js'
import { SESSION_COOKIE, type ResolvedSession, type SignedInStaff } from './sessions.js'
import { StaffCsrf } from './staff-csrf.js'

/**
 * Staff identity, shared at the root: app.staffService (accounts, sessions, mfa), app.staffCsrf
 * (.token for a form's `_csrf`, .verify), request.staff / request.staffSession (null until a
 * scope's hook sets them), reply.staffPage() (reply.page() in the staff layout).
 *
 * Each scope adds its own sign-in: useSessionAuth (the /staff pages, cookie; anonymous → 303 to
 * /staff/login, low role → 403 page) and useTokenAuth (/api/v1, bearer token, never the cookie;
 * 401/403 JSON). Both give the scope app.requireStaff(min) and answer with Cache-Control: no-store.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'public': the scope lets callers in without signing in (login, intake, verification). */
    auth?: 'public'
    /** 'form': the handler checks the token itself to show the form again; false: no token (one-click links). */
    csrf?: 'form' | false
  }
  interface FastifyInstance {
    staffService: StaffServices
    staffCsrf: StaffCsrf
    requireStaff(minRole: Role, opts?: { allowPendingEnrolment?: boolean }): preHandlerAsyncHookHandler
    staffCsrfCheck: preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    staff: SignedInStaff | null
    staffSession: ResolvedSession | null
  }
  interface FastifyReply {
    /** reply.page() with the staff header: the signed-in member's name, role, links and logout button. */
    staffPage(view: string, data?: Record<string, unknown>, opts?: { status?: number; title?: string }): FastifyReply
  }
}

export interface StaffAuthOptions {
  config: Config
  now: () => Date
  /** Where the first-admin setup link is printed at start; null: not printed (tests read it otherwise). */
  announce: ((line: string) => void) | null
}

/** Admins must have TOTP when STAFF_REQUIRE_MFA is on (browser sessions only; API tokens are made on the server's command line). */
export function mustEnrol(config: Config, request: FastifyRequest): boolean {
  const s = request.staffSession
  return config.staffRequireMfa && s !== null && s.mfaPassed && s.staff.role === 'admin' && !s.totpEnabled
}

export function sessionCookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure }
}

async function staffAuth(app: FastifyInstance, opts: StaffAuthOptions) {
  const { config } = opts
  const secure = config.publicUrl.startsWith('https:')
  const services = createStaffServices({ db: app.db, config, now: opts.now })
  const csrf = new StaffCsrf(new Csrf(config.sessionSecret, secure))

  app.decorate('staffService', services)
  app.decorate('staffCsrf', csrf)
  app.decorateRequest('staff', null)
  app.decorateRequest('staffSession', null)

  // After the render plugin's hook has picked request.lang from the browser: once signed in, the
  // member's own language setting wins on every staff page, over the language cookie, a form's
  // `lang` field (the template editor's says which template it saves) and Accept-Language; the
  // switch (?lang=) changes that setting (audited). The login page, before anyone is signed in,
  // follows the browser as before. In preValidation, as the render plugin's, so the refusals that
  // the scopes' guards answer there are in that language too.
  app.addHook('preValidation', async (request) => {
    const staff = request.staff
    if (!staff || !request.staffSession) return
    const query = request.query as Record<string, unknown> | undefined
    if (query && isLang(query.lang) && query.lang !== staff.lang) {
      await services.sessions.setLang(staff.id, query.lang)
      staff.lang = query.lang
    }
    request.lang = staff.lang
  })

  app.decorateReply('staffPage', function (this: FastifyReply, view: string, data: Record<string, unknown> = {}, o: { status?: number; title?: string } = {}) {
    const request = this.request
    const staff = request.staff
    const lang = request.lang
    const staffNav = staff
      ? {
          name: staff.name,
          roleLabel: t(lang, `staff.roles.${staff.role}`),
          links: staffNavLinks(lang, staff.role, request.url),
          csrf: csrf.token(request, this),
        }
      : null
    return this.page(view, { ...data, staffArea: true, staffNav }, o)
  })

  if (opts.announce) {
    const announce = opts.announce
    app.addHook('onReady', async () => {
      const token = await services.accounts.issueSetupToken()
      // console, not the log: the link is a credential and log lines are shipped elsewhere.
      if (token) announce(`No staff accounts yet. Create the first administrator within one hour at: ${config.publicUrl}/staff/setup/${token}`)
    })
  }
}

/**
 * The staff scope (/staff): who is signed in comes from the session cookie; anonymous visitors are
 * sent to the login page, except on routes declared `config: { auth: 'public' }` (login, setup);
 * every POST carries the form token, checked after the route's own guards, except on routes that
 * check it in the handler to show the form again (`config: { csrf: 'form' }`).
 */
export function useSessionAuth(scope: FastifyInstance, config: Config): void {
  const services = scope.staffService
  const csrf = scope.staffCsrf
  const secure = config.publicUrl.startsWith('https:')
  scope.addHook('onRequest', async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE]
    if (!cookie) return
    const session = await services.sessions.resolve(cookie)
    if (!session) {
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(secure))
      return
    }
    request.staffSession = session
    if (session.mfaPassed) request.staff = session.staff
  })
  scope.addHook('onSend', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store')
  })

  function forbidden(request: FastifyRequest, reply: FastifyReply) {
    const lang = request.lang
    return reply.staffPage('message', { title: t(lang, 'staff.forbiddenTitle'), paragraphs: [t(lang, 'staff.forbidden')], link: { href: '/staff', text: t(lang, 'staff.nav.queue') } }, { status: 403, title: t(lang, 'staff.forbiddenTitle') })
  }

  function requireStaff(minRole: Role, ro: { allowPendingEnrolment?: boolean } = {}): preHandlerAsyncHookHandler {
    return async function (request, reply) {
      const staff = request.staff
      if (!staff) {
        const next = request.method === 'GET' ? safeNextPath(request.url) : '/staff'
        const target = next === '/staff' ? '/staff/login' : `/staff/login?next=${encodeURIComponent(next)}`
        await reply.header('Cache-Control', 'no-store').redirect(target, 303)
        return reply
      }
      if (!ro.allowPendingEnrolment && mustEnrol(config, request)) {
        await reply.header('Cache-Control', 'no-store').redirect('/staff/account/mfa', 303)
        return reply
      }
      if (!roleAtLeast(staff.role, minRole)) {
        await forbidden(request, reply)
        return reply
      }
    }
  }
  scope.decorate('requireStaff', requireStaff)

  const csrfCheck: preHandlerAsyncHookHandler = async function (request, reply) {
    const body = request.body as Record<string, unknown> | undefined
    if (csrf.verify(request, body?._csrf)) return
    const lang = request.lang
    await reply.staffPage('message', { title: t(lang, 'staff.csrfTitle'), paragraphs: [t(lang, 'errors.csrf')], link: { href: '/staff', text: t(lang, 'staff.nav.queue') } }, { status: 403, title: t(lang, 'staff.csrfTitle') })
    return reply
  }
  scope.decorate('staffCsrfCheck', csrfCheck)

  const signedIn = requireStaff('viewer', { allowPendingEnrolment: true })
  scope.addHook('onRoute', (route) => {
    if (route.config?.auth !== 'public') route.preValidation = [signedIn, ...[route.preValidation ?? []].flat()]
    const methods = [route.method].flat()
    if (route.config?.csrf === undefined && methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
      // With the guards, before the body is validated: a forged form learns nothing of the route's schema.
      const own = [route.preValidation ?? []].flat()
      if (!own.includes(csrfCheck)) route.preValidation = [...own, csrfCheck]
    }
  })
}

/**
 * The API scope (/api/v1): who is calling comes from `Authorization: Bearer dsr_…`, never the
 * cookie, so the API cannot be driven cross-site and needs no form token. A route without
 * `config: { auth: 'public' }` answers 401 to a caller without a valid token.
 */
export function useTokenAuth(scope: FastifyInstance): void {
  const services = scope.staffService
  scope.addHook('onRequest', async (request) => {
    const header = request.headers.authorization
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
    if (m) request.staff = await services.sessions.resolveApiToken(m[1])
  })
  scope.addHook('onSend', async (request, reply) => {
    if (request.headers.authorization !== undefined) reply.header('Cache-Control', 'no-store')
  })
  function requireStaff(minRole: Role): preHandlerAsyncHookHandler {
    return async function (request, reply) {
      const staff = request.staff
      // In the caller's language: the request's (Accept-Language) without a token, the account's with one.
      if (!staff) {
        await sendDomainError(reply, new DomainError('unauthorized', 401, 'staff.apiAuth.unauthorized'), request.lang)
        return reply
      }
      if (!roleAtLeast(staff.role, minRole)) {
        await sendDomainError(reply, new DomainError('forbidden', 403, 'staff.apiAuth.forbidden'), isLang(staff.lang) ? staff.lang : request.lang)
        return reply
      }
    }
  }
  scope.decorate('requireStaff', requireStaff)
  const signedIn = requireStaff('viewer')
  scope.addHook('onRoute', (route) => {
    if (route.config?.auth !== 'public') route.preValidation = [signedIn, ...[route.preValidation ?? []].flat()]
  })
}

export default fp(staffAuth, { name: 'staff-auth', dependencies: ['db', 'render', '@fastify/cookie'] })
