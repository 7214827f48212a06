import { randomBytes } from 'node:crypto'
import csrfProtection from '@fastify/csrf-protection'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

const COOKIE = 'dsr_csrf'
/** Whom a token is for: a staff session's id hash, or nobody (public forms, login, first-admin setup). */
const ANONYMOUS = 'anonymous'

function cookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, signed: true }
}

const fieldOf = new WeakMap<FastifyRequest, { field: string; userInfo: string }>()

/**
 * Form tokens on @fastify/csrf-protection: the secret lives in a signed `dsr_csrf` cookie
 * (a planted cookie is refused, so a sibling host cannot choose it), and the token is an HMAC
 * under the server secret of that secret and whom it is for, so a session's tokens die with it.
 * Registered once at the root; routes use the Csrf class below, which answers yes/no so each
 * route can show its form again with a message.
 */
export const formTokens = fp(
  async function formTokens(app: FastifyInstance, opts: { secret: string; secure: boolean }) {
    await app.register(csrfProtection, {
      cookieKey: COOKIE,
      cookieOpts: cookieOptions(opts.secure),
      csrfOpts: { userInfo: true, hmacKey: opts.secret },
      getToken: (request) => fieldOf.get(request)?.field,
      getUserInfo: (request) => fieldOf.get(request)?.userInfo ?? ANONYMOUS,
      // A forged form is the sender's fault, not ours.
      logLevel: 'debug',
    })
  },
  { name: 'form-tokens', dependencies: ['@fastify/cookie'] },
)

/** The `_csrf` field of a form: made with reply.generateCsrf, checked with app.csrfProtection. */
export class Csrf {
  constructor(private readonly secure: boolean) {}

  /** The field value for a form; sets the cookie when the browser has none yet. */
  token(request: FastifyRequest, reply: FastifyReply, userInfo = ANONYMOUS): string {
    if (reply.unsignCookie(request.cookies[COOKIE] ?? '').value === null) {
      // Chosen here, not by the library, so that every form on this page shares one cookie.
      const secret = randomBytes(18).toString('base64url')
      reply.setCookie(COOKIE, secret, cookieOptions(this.secure))
      request.cookies[COOKIE] = reply.signCookie(secret)
    }
    return reply.generateCsrf({ userInfo })
  }

  verify(request: FastifyRequest, field: unknown, userInfo = ANONYMOUS): boolean {
    if (typeof field !== 'string') return false
    let ok = false
    fieldOf.set(request, { field, userInfo })
    // The library's check is a hook that sends its own 403; given a reply that only records the
    // outcome, it answers yes (done) or no (send) synchronously, and the route decides the page.
    const outcome = { unsignCookie: (value: string) => request.server.unsignCookie(value), send: () => outcome }
    request.server.csrfProtection(request, outcome as unknown as FastifyReply, () => {
      ok = true
    })
    fieldOf.delete(request)
    return ok
  }
}
