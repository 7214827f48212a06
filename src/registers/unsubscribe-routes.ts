import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, t } from '../i18n/index.js'
import { linkTarget, unsubscribeByToken } from './unsubscribe-service.js'
import { controller } from './controller.js'

/** Shows an address half-hidden (a forwarded newsletter should not hand the address to the next reader). */
const TokenParams = Type.Object({ token: Type.String() })
/**
 * Any body unsubscribes (RFC 8058 asks for List-Unsubscribe=One-Click, form-encoded or multipart;
 * a provider that sends something else must not be refused), so the schema names the shapes
 * without constraining them; only the page's own `lang` field tells its button from a one-click POST.
 */
const OneClickBody = Type.Unsafe<{ lang?: unknown } | string | null | undefined>({ description: 'List-Unsubscribe=One-Click (RFC 8058), form-encoded or multipart' })

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '***'
  return `${email[0]}***${email.slice(at)}`
}

/**
 * /u/<token>: the List-Unsubscribe link.
 *  - GET shows one button and changes nothing: mail scanners and link previews open links.
 *  - POST unsubscribes (RFC 8058 one-click: body List-Unsubscribe=One-Click, form-urlencoded or
 *    multipart, no cookies, no CSRF token) and answers 200 with a page, never a redirect.
 * An unknown token gets the same 404 page for both.
 */
export async function unsubscribeRoutes(app: FastifyInstance) {
  // Multipart only here (and not for the whole app): mail providers may send the one-click body that way.
  await app.register(multipart, { limits: { fields: 10, fieldSize: 1024, files: 0, parts: 10 } })
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  /**
   * An unknown link (an old one, one cut short, or one from before SESSION_SECRET was rotated): still
   * a 404, but a page that offers the unsubscribe form, which asks for the address alone (issue 18).
   */
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    reply.page('unsubscribe', { invalid: true, csrf: app.csrf.token(request, reply) }, { status: 404, title: t(request.lang, 'registers.unsubscribe.invalidTitle') })
  /** A link whose subscriber row was deleted (SUPPRESSION_MINIMISE_DAYS): still unsubscribed, the address no longer known. */
  const gonePage = (request: FastifyRequest, reply: FastifyReply) =>
    reply.page('unsubscribe', { done: true, email: null, contact: controller.email }, { title: t(request.lang, 'registers.unsubscribe.doneTitle') })
  const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').header('X-Robots-Tag', 'noindex, nofollow')

  r.get('/u/:token', { schema: { params: TokenParams } }, async (request, reply) => {
    noStore(reply)
    const target = await linkTarget(app.db, request.params.token)
    if (target.state === 'unknown') return notFound(request, reply)
    if (target.state === 'gone') return gonePage(request, reply)
    const subscriber = target.subscriber
    const done = subscriber.status === 'unsubscribed'
    return reply.page('unsubscribe', { token: request.params.token, email: maskEmail(subscriber.email), done, contact: controller.email }, { title: t(request.lang, done ? 'registers.unsubscribe.doneTitle' : 'registers.unsubscribe.title') })
  })

  r.post('/u/:token', { config: { csrf: false }, schema: { params: TokenParams, body: OneClickBody } }, async (request, reply) => {
    noStore(reply)
    // Drain multipart fields so the request completes; their content does not change what happens.
    if (request.isMultipart()) {
      for await (const part of request.parts()) {
        if (part.type === 'file') part.file.resume()
      }
    }
    const body = request.body
    const fromPage = body !== null && typeof body === 'object' && isLang(body.lang)
    const outcome = await unsubscribeByToken(app.db, app.config.suppressionKey, request.params.token, fromPage ? 'unsubscribe_page' : 'one_click', request.lang, app.clock())
    if (outcome.state === 'unknown') return notFound(request, reply)
    if (outcome.state === 'gone') return gonePage(request, reply)
    return reply.page('unsubscribe', { done: true, email: maskEmail(outcome.subscriber.email), reference: outcome.reference, contact: controller.email }, { title: t(request.lang, 'registers.unsubscribe.doneTitle') })
  })
}
