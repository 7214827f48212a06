import Tokens from '@fastify/csrf'
import type { FastifyReply, FastifyRequest } from 'fastify'

const COOKIE = 'dsr_csrf'
/** Whom a token is for: a staff session's id hash, or nobody (public forms, login, first-admin setup). */
const ANONYMOUS = 'anonymous'

/**
 * Form tokens from @fastify/csrf, the token library that @fastify/csrf-protection is built on:
 * the secret lives in a signed `dsr_csrf` cookie (a planted cookie is refused, so a sibling host
 * cannot choose it), and each token is salted and bound by an HMAC under the server secret to
 * whom it is for, so a session's tokens die with it. The plugin's own hook is not used: it
 * answers a bad token with a bare 403, where our routes show their form again with what was
 * typed and a message, so they ask this class for a yes or no.
 */
export class Csrf {
  private readonly tokens: Tokens.TokensUserinfo

  constructor(
    serverSecret: string,
    private readonly secure: boolean,
  ) {
    // The typings' call signature keeps only the last overload; with userInfo it is the bound kind.
    this.tokens = Tokens({ userInfo: true, hmacKey: serverSecret }) as unknown as Tokens.TokensUserinfo
  }

  /** The field value for a form; sets the cookie when the browser has none (one cookie for every form on the page). */
  token(request: FastifyRequest, reply: FastifyReply, userInfo = ANONYMOUS): string {
    let secret = this.secretOf(request)
    if (secret === null) {
      secret = this.tokens.secretSync()
      reply.setCookie(COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure, signed: true })
      // The same request's later token() calls read it again.
      request.cookies[COOKIE] = reply.signCookie(secret)
    }
    return this.tokens.create(secret, userInfo)
  }

  verify(request: FastifyRequest, field: unknown, userInfo = ANONYMOUS): boolean {
    if (typeof field !== 'string' || field.length > 200) return false
    const secret = this.secretOf(request)
    return secret !== null && this.tokens.verify(secret, field, userInfo)
  }

  private secretOf(request: FastifyRequest): string | null {
    const raw = request.cookies[COOKIE]
    if (!raw) return null
    const unsigned = request.unsignCookie(raw)
    return unsigned.valid ? unsigned.value : null
  }
}
