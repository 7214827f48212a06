import { createHmac, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { safeEqual } from './tokens.js'

const COOKIE = 'dsr_csrf'

/**
 * Double-submit: a random cookie, and a form field that is its HMAC under the server secret.
 * A cross-site form can make the browser send the cookie but cannot read it to compute the field.
 */
export class Csrf {
  constructor(private readonly secret: string, private readonly secure: boolean) {}

  private sign(value: string): string {
    return createHmac('sha256', this.secret).update('csrf:' + value).digest('base64url')
  }

  /** The field value for a form; sets the cookie when the browser has none yet. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let value = request.cookies[COOKIE]
    if (!value || !/^[A-Za-z0-9_-]{20,64}$/.test(value)) {
      value = randomBytes(24).toString('base64url')
      reply.setCookie(COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure })
      // The cookie is read again by the same request's later token() calls.
      request.cookies[COOKIE] = value
    }
    return this.sign(value)
  }

  verify(request: FastifyRequest, field: unknown): boolean {
    const value = request.cookies[COOKIE]
    if (!value || typeof field !== 'string') return false
    return safeEqual(this.sign(value), field)
  }
}
