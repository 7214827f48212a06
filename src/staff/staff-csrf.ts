import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Csrf } from '../security/csrf.js'

/**
 * CSRF tokens for staff forms (src/security/csrf.ts). With a session, the token is bound to the
 * session's id hash: it changes at every login and dies with the session. Without one (the login
 * and first-admin forms) it is the anonymous token, as are anonymousToken/verifyAnonymous. The
 * form field is `_csrf` either way.
 */
export class StaffCsrf {
  constructor(private readonly tokens: Csrf) {}

  private whom(request: FastifyRequest): string | undefined {
    const session = request.staffSession
    return session ? 'staff-session:' + session.idHash : undefined
  }

  /** The `_csrf` value for a form on this page. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    return this.tokens.token(request, reply, this.whom(request))
  }

  /**
   * For the forms that start a session (login, first-admin setup): always the anonymous token,
   * so a stale session cookie in the browser does not spoil the form.
   */
  anonymousToken(request: FastifyRequest, reply: FastifyReply): string {
    return this.tokens.token(request, reply)
  }

  verifyAnonymous(request: FastifyRequest, field: unknown): boolean {
    return this.tokens.verify(request, field)
  }

  verify(request: FastifyRequest, field: unknown): boolean {
    return this.tokens.verify(request, field, this.whom(request))
  }
}
