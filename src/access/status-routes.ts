import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Nullable, Type, type Static, type TypeBoxTypeProvider } from '../http/schema.js'
import { findCaseByStatusToken } from '../cases/records.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'
import type { Case } from '../db/schema.js'
import { sendMessagePage } from '../http/errors.js'
import { t, type Lang } from '../i18n/index.js'
import { normaliseCode } from './codes.js'
import type { AccessPackageService } from './service.js'
import { sendZip } from './staff-routes.js'

const TokenParams = Type.Object({ token: Type.String() })
/** Both forms post the CSRF field; the download form the code too. Other fields (lang) pass. */
const PackageFormBody = Nullable(Type.Object({ _csrf: Type.Optional(Type.String()), code: Type.Optional(Type.String()), started: Type.Optional(Type.String()) }))
/** The page's script sends a random value with the code and looks for it in this cookie (public/package-download.js). */
const STARTED_COOKIE = 'dsr_download'
const STARTED_VALUE = /^[0-9a-f]{32}$/
type PackageFormFields = NonNullable<Static<typeof PackageFormBody>>

/**
 * The requester's side, under their status link: /status/:token/package shows the package, a
 * button that emails a one-time code, and the form to enter it; the right code answers with the ZIP.
 * A wrong or unknown link, or one for a case without a sent package, gets the same "not found".
 */
export function packageStatusRoutes(service: AccessPackageService) {
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    async function resolve(token: string) {
      const c = await findCaseByStatusToken(app.db, token)
      const p = c ? await service.find(c.id) : undefined
      return c && p && (p.status === 'sent' || p.status === 'deleted') ? { c, p } : null
    }

    function notFound(reply: FastifyReply) {
      return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
    }

    interface RenderOptions {
      error?: string
      code?: string
      sent?: boolean
      status?: number
    }

    async function render(request: FastifyRequest, reply: FastifyReply, c: Case, token: string, opts: RenderOptions = {}) {
      const lang: Lang = request.lang
      const p = (await service.find(c.id))!
      const gone = service.isGone(p)
      return reply.page(
        'package-download',
        {
          token,
          reference: c.reference,
          gone,
          deletedText: gone ? t(lang, 'access.status.deleted', { when: stockholmDateTime(p.deleted_at ?? p.delete_after!).slice(0, 10), days: app.config.packageRetentionDays }) : null,
          readyText: gone ? null : t(lang, 'access.status.ready', { until: p.delete_after!.slice(0, 10) }),
          sent: opts.sent ?? false,
          codeValue: opts.code ?? '',
          codeError: opts.error ?? null,
          errorList: opts.error ? [{ id: 'code', message: opts.error }] : [],
          csrf: app.csrf.token(request, reply),
        },
        { status: opts.status ?? (gone ? 410 : 200), title: t(lang, 'access.status.title') },
      )
    }

    r.get('/status/:token/package', { schema: { params: TokenParams, querystring: Type.Object({ sent: Type.Optional(Type.String()) }) } }, async (request, reply) => {
      const found = await resolve(request.params.token)
      if (!found) return notFound(reply)
      return render(request, reply, found.c, request.params.token, { sent: request.query.sent === '1' })
    })

    interface PackageForm {
      request: FastifyRequest
      reply: FastifyReply
      c: Case
      token: string
      body: PackageFormFields
      lang: Lang
      show: (opts?: RenderOptions) => Promise<FastifyReply>
    }

    /**
     * Both forms on the page are posted to the status link, so both first answer a wrong link with
     * "not found" and a deleted package with the page that says so; `handle` sees only a live package.
     */
    function packageForm(path: string, handle: (form: PackageForm) => Promise<unknown>) {
      r.post(path, { schema: { params: TokenParams, body: PackageFormBody } }, async (request, reply) => {
        const { token } = request.params
        const found = await resolve(token)
        if (!found) return notFound(reply)
        const show = (opts?: RenderOptions) => render(request, reply, found.c, token, opts)
        // A deleted package has nothing to protect: say so plainly whatever the form held.
        if (service.isGone(found.p)) return show()
        return handle({ request, reply, c: found.c, token, body: request.body ?? {}, lang: request.lang, show })
      })
    }

    packageForm('/status/:token/package/code', async ({ request, reply, c, token, body, lang, show }) => {
      if (!app.csrf.verify(request, body._csrf)) return show({ error: t(lang, 'errors.csrf'), status: 403 })
      const result = await service.requestCode(c)
      if (!result.ok) {
        if (result.problem === 'gone') return show()
        return show({ error: t(lang, 'access.status.rateLimited'), status: 429 })
      }
      return reply.code(303).header('Cache-Control', 'no-store').redirect(`/status/${token}/package?sent=1`, 303)
    })

    packageForm('/status/:token/package/download', async ({ request, reply, c, body, lang, show }) => {
      const typed = (body.code ?? '').slice(0, 20)
      if (!app.csrf.verify(request, body._csrf)) return show({ error: t(lang, 'errors.csrf'), code: typed, status: 403 })
      const code = normaliseCode(typed)
      if (!/^\d{6}$/.test(code)) return show({ error: t(lang, 'access.status.codeFormat'), code: typed, status: 400 })
      const result = await service.download(c, code)
      if (result.ok) {
        // Tells the page the download has started; holds nothing but the page's own random value.
        if (STARTED_VALUE.test(body.started ?? '')) reply.setCookie(STARTED_COOKIE, body.started!, { path: '/status', sameSite: 'strict', maxAge: 120, secure: app.config.publicUrl.startsWith('https:') })
        return sendZip(reply, result.zip, result.filename)
      }
      const messages = {
        gone: null,
        no_code: t(lang, 'access.status.noCode'),
        expired: t(lang, 'access.status.expired'),
        used_up: t(lang, 'access.status.usedUp'),
        wrong: t(lang, 'access.status.wrong', { left: result.triesLeft ?? 0 }),
      }
      const error = messages[result.problem]
      if (error === null) return show()
      return show({ error, code: result.problem === 'wrong' ? typed : '', status: result.problem === 'wrong' ? 400 : 409 })
    })
  }
}
