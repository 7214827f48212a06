import { createHmac } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Csrf } from '../security/csrf.js'
import { safeEqual } from '../security/tokens.js'

/**
 * CSRF tokens for staff forms. With a session, the token is an HMAC of the session's id hash
 * under the server secret: it changes at every login and dies with the session, and needs no
 * extra cookie. Without one (the login and first-admin forms) it falls back to the public
 * double-submit cookie (src/security/csrf.ts), as do anonymousToken/verifyAnonymous. The form
 * field is `_csrf` either way.
 */
export class StaffCsrf {
  constructor(
    private readonly secret: string,
    private readonly fallback: Csrf,
  ) {}

  private bound(idHash: string): string {
    return createHmac('sha256', this.secret).update('staff-csrf:' + idHash).digest('base64url')
  }

  /** The `_csrf` value for a form on this page. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    const session = request.staffSession
    return session ? this.bound(session.idHash) : this.fallback.token(request, reply)
  }

  /**
   * For the forms that start a session (login, first-admin setup): always the double-submit
   * cookie, so a stale session cookie in the browser does not spoil the form.
   */
  anonymousToken(request: FastifyRequest, reply: FastifyReply): string {
    return this.fallback.token(request, reply)
  }

  verifyAnonymous(request: FastifyRequest, field: unknown): boolean {
    return this.fallback.verify(request, field)
  }

  verify(request: FastifyRequest, field: unknown): boolean {
    const session = request.staffSession
    if (!session) return this.fallback.verify(request, field)
    return typeof field === 'string' && safeEqual(this.bound(session.idHash), field)
  }
}
