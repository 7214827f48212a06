import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isLang, t, type Lang } from '../i18n/index.js'
import { translateErrors } from '../http/render.js'
import { sendMessagePage } from '../http/errors.js'
import { controller, localise, rightsSummary } from '../registers/controller.js'
import type { Csrf } from '../security/csrf.js'
import { looksLikeToken } from '../security/tokens.js'
import { CONSENT_KINDS, RELATIONSHIPS, REQUEST_TYPES, isRequestType, type RequestType } from './request-types.js'
import { typeTitle, type IntakeService } from './service.js'
import { addressNote, reviewRows } from './review.js'
import { validateRequest, type FieldErrors } from './validate.js'
import multipart from '@fastify/multipart'
import { readMultipartForm, type MultipartForm } from '../http/multipart-form.js'
import { cleanFilename } from '../registers/cv-storage.js'
import { behalfFormView } from './on-behalf-form.js'
import { formatBytes } from '../access/errors.js'
import { sniffProof, storeProof } from './proof.js'
import { privacyNotice } from './privacy-notice.js'
import { formatArticles } from '../i18n/articles.js'
import { Nullable, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import type { Config } from '../config.js'

const FORM_FIELDS = ['email', 'name', 'relationship', 'consent', 'details', 'incorrect', 'correct', 'keep', 'about', 'behalf_kind', 'subject_name', 'subject_email'] as const

/** The links on the home page, one group per situation named in the privacy policy. */
const SITUATIONS: Array<{ key: string; links: Array<[string, string]> }> = [
  { key: 'candidate', links: [['withdraw', '/request/withdraw_consent?consent=recruitment&relationship=candidate'], ['update', '/request/rectification?relationship=candidate']] },
  { key: 'newsletter', links: [['unsubscribe', '/request/unsubscribe'], ['object', '/request/objection?relationship=newsletter']] },
  { key: 'customer', links: [['access', '/request/access?relationship=customer_contact'], ['rectify', '/request/rectification?relationship=customer_contact']] },
  { key: 'support', links: [['access', '/request/access?relationship=customer_contact'], ['erase', '/request/erasure?relationship=customer_contact']] },
  { key: 'events', links: [['erase', '/request/erasure?relationship=event_participant'], ['access', '/request/access?relationship=event_participant']] },
  { key: 'other', links: [['question', '/request/question'], ['access', '/request/access?relationship=other'], ['all', '/request']] },
]

const TypeParams = Type.Object({ type: Type.String() })
const TokenParams = Type.Object({ token: Type.String() })
/** Links may open a form with these chosen; a value not on the lists is ignored. */
const FormQuery = Type.Object({ relationship: Type.Optional(Type.String()), consent: Type.Optional(Type.String()), about: Type.Optional(Type.String()) })
/** The confirmation page's buttons post only the CSRF field. */
const VerifyForm = Nullable(Type.Object({ _csrf: Type.Optional(Type.String()) }))

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

export function publicRoutes(deps: { intake: IntakeService; csrf: Csrf; verifyTtlHours: number; dataDir: string; proofMaxBytes: number; config: Config }) {
  const { intake, csrf } = deps

  function renderForm(request: FastifyRequest, reply: FastifyReply, type: RequestType, values: Record<string, string>, errors: FieldErrors | null, status = 200, extraError?: string) {
    const lang = request.lang
    const translated = errors ? translateErrors(lang, errors) : { map: {}, list: [] as Array<{ id: string; message: string }> }
    if (extraError) translated.list.unshift({ id: 'email', message: extraError })
    const title = typeTitle(lang, type)
    return reply.page(
      'request-form',
      {
        type,
        typeTitle: title,
        typeText: t(lang, `types.${type}.text`),
        values,
        errors: translated.map,
        errorList: translated.list,
        csrf: csrf.token(request, reply),
        relationshipOptions: RELATIONSHIPS.map((value) => ({ value, label: t(lang, `relationships.${value}`) })),
        consentOptions: CONSENT_KINDS.map((value) => ({ value, label: t(lang, `consents.${value}`) })),
        // Issue 15 §5: every form but the unsubscribe asks whether the request is about the person filling it in.
        behalf: type === 'unsubscribe' ? null : behalfFormView(lang, values, deps.proofMaxBytes),
      },
      { status, title: errors || extraError ? `${t(lang, 'form.errorSummary')}: ${title}` : title },
    )
  }

  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    // The request forms are multipart (a proof of authority may come with them); form-urlencoded still works.
    await app.register(multipart, { limits: { fileSize: deps.proofMaxBytes, files: 1, fields: 40, fieldSize: 64 * 1024, parts: 41 }, throwFileSizeLimit: false })
    // The home page's content depends only on the language: built once per language.
    const homeData = new Map<Lang, Record<string, unknown>>()
    function homeFor(lang: Lang): Record<string, unknown> {
      let data = homeData.get(lang)
      if (!data) {
        const situations = SITUATIONS.map((s) => ({
          title: t(lang, `situations.${s.key}.title`),
          text: t(lang, `situations.${s.key}.text`),
          links: s.links.map(([k, href]) => ({ text: t(lang, `situations.${s.key}.links.${k}`), href })),
        }))
        const rights = rightsSummary.map((r) => ({
          title: localise(r.title, lang),
          description: localise(r.description, lang),
          articles: formatArticles(r.articles, lang),
          href: isRequestType(r.id) ? `/request/${r.id}` : null,
        }))
        data = { situations, rights, controller }
        homeData.set(lang, data)
      }
      return data
    }

    app.get('/', async (request, reply) => {
      const lang = request.lang
      return reply.page('home', homeFor(lang), { title: t(lang, 'home.title'), cache: true })
    })

    // /register is the data map's (src/datamap/public-routes.ts).

    // Art. 13: the portal's own processing, with the numbers of the settings in force.
    app.get('/privacy/requests', async (request, reply) => {
      const notice = privacyNotice(deps.config, request.lang)
      return reply.page('privacy-requests', { notice }, { title: notice.title, cache: true })
    })

    app.get('/request', async (request, reply) => {
      const lang = request.lang
      const types = REQUEST_TYPES.map((id) => ({ id, title: typeTitle(lang, id), text: t(lang, `types.${id}.text`) }))
      return reply.page('request-index', { types }, { title: t(lang, 'home.allRequests') })
    })

    r.get('/request/:type', { schema: { params: TypeParams, querystring: FormQuery } }, async (request, reply) => {
      const { type } = request.params
      if (!isRequestType(type)) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
      const q = request.query
      const values: Record<string, string> = {}
      if ((RELATIONSHIPS as readonly string[]).includes(str(q.relationship))) values.relationship = str(q.relationship)
      if ((CONSENT_KINDS as readonly string[]).includes(str(q.consent))) values.consent = str(q.consent)
      // A link may open the form with the representative's part chosen (?about=other).
      if (q.about === 'other' && type !== 'unsubscribe') values.about = 'other'
      return renderForm(request, reply, type, values, null)
    })

    // The body is read here, multipart or form-urlencoded, and checked field by field by validateRequest: no body schema.
    r.post('/request/:type', { schema: { params: TypeParams } }, async (request, reply) => {
      const { type } = request.params
      if (!isRequestType(type)) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
      let form: MultipartForm
      try {
        form = request.isMultipart() ? await readMultipartForm(request, deps.proofMaxBytes, { fields: 40, fieldSize: 64 * 1024 }) : { fields: {}, file: null }
      } catch (error) {
        // The multipart parser's refusals (too many parts, a broken body) are bad input, not a fault.
        const status = (error as { statusCode?: number }).statusCode
        if (typeof status === 'number' && status >= 400 && status < 500) return sendMessagePage(reply, 400, 'errors.badRequestTitle', 'errors.badRequest')
        throw error
      }
      const body: Record<string, unknown> = request.isMultipart() ? form.fields : request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {}
      // A multipart body is read only here, after the language was chosen: its lang field counts too.
      if (isLang(body.lang)) request.lang = body.lang
      const values: Record<string, string> = {}
      // The unsubscribe form asks for the address alone (issue 18): nothing else it could be sent is read.
      for (const f of type === 'unsubscribe' ? (['email'] as const) : FORM_FIELDS) values[f] = str(body[f])
      const file = form.file && form.file.field === 'proof' && form.file.filename !== '' && form.file.bytes.length > 0 ? form.file : null

      if (!csrf.verify(request, body._csrf)) {
        return renderForm(request, reply, type, values, null, 403, t(request.lang, 'errors.csrf'))
      }
      const result = validateRequest({ ...values, type }, { strictConsent: true })
      const proofError = file && values.about === 'other' ? (file.truncated ? 'behalf.errors.proofTooLarge' : !sniffProof(file.bytes) ? 'behalf.errors.proofType' : null) : null
      if (!result.ok || proofError) {
        const errors = result.ok ? {} : result.errors
        if (proofError) errors.proof = { key: proofError, params: { size: formatBytes(deps.proofMaxBytes) } }
        else if (file && values.about === 'other') errors.proof = { key: 'behalf.errors.proofAgain' }
        return renderForm(request, reply, type, values, errors, 400)
      }

      // A filled honeypot is a bot: it gets the same page, and nothing is stored or sent.
      if (str(body.website) === '') {
        const kind = file && result.value.onBehalfOf ? sniffProof(file.bytes) : null
        const proof = file && kind ? { file: await storeProof(deps.dataDir, file.bytes, kind), name: cleanFilename(file.filename), type: kind.contentType } : null
        await intake.submit(result.value, { ip: request.ip, lang: request.lang, channel: 'web', proof })
      }
      return inboxPage(request, reply, type)
    })

    /**
     * "Check your inbox", answered to the POST and shown again here: the page's language switch leads
     * here, so switching keeps the page (issue 18). It holds nothing personal.
     */
    function inboxPage(request: FastifyRequest, reply: FastifyReply, type: RequestType) {
      const lang = request.lang
      return reply.page(
        'message',
        { title: t(lang, 'inbox.title'), paragraphs: [t(lang, 'inbox.text', { hours: deps.verifyTtlHours }), t(lang, 'inbox.noMail')] },
        { title: t(lang, 'inbox.title'), switchPath: `/request/${type}/sent` },
      )
    }

    r.get('/request/:type/sent', { schema: { params: TypeParams } }, async (request, reply) => {
      const { type } = request.params
      if (!isRequestType(type)) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
      return inboxPage(request, reply, type)
    })

    /** The request as confirming it would open it, with both buttons; or the new-address page. */
    async function renderVerify(request: FastifyRequest, reply: FastifyReply, token: string, csrfError?: string) {
      const lang = request.lang
      const status = csrfError ? 403 : 200
      const state = await intake.inspectToken(token)
      if (state.state === 'unknown') {
        const address = await intake.inspectAddressToken(token)
        if (address.state !== 'valid') return sendTokenProblem(reply, address.state, deps.verifyTtlHours)
        return reply.page('verify-address', { token, email: address.email, csrf: csrf.token(request, reply), csrfError }, { status, title: t(lang, 'confirm.address.title') })
      }
      if (state.state !== 'valid') return sendTokenProblem(reply, state.state, deps.verifyTtlHours)
      const { submission } = state
      return reply.page(
        'verify-confirm',
        { token, typeTitle: typeTitle(lang, submission.type), rows: reviewRows(lang, submission), addressNote: addressNote(lang, submission), csrf: csrf.token(request, reply), csrfError },
        { status, title: t(lang, 'verify.title') },
      )
    }

    r.get('/verify/:token', { schema: { params: TokenParams } }, async (request, reply) => {
      const { token } = request.params
      if (!looksLikeToken(token)) return sendTokenProblem(reply, 'unknown', deps.verifyTtlHours)
      // The link itself changes nothing: mail scanners open links, only the button confirms.
      return renderVerify(request, reply, token)
    })

    r.post('/verify/:token', { schema: { params: TokenParams, body: VerifyForm } }, async (request, reply) => {
      const { token } = request.params
      if (!looksLikeToken(token)) return sendTokenProblem(reply, 'unknown', deps.verifyTtlHours)
      if (!csrf.verify(request, request.body?._csrf)) return renderVerify(request, reply, token, t(request.lang, 'errors.csrf'))
      const outcome = await intake.confirm(token)
      if (outcome.state === 'confirmed') return reply.code(303).header('Cache-Control', 'no-store').redirect(`/status/${outcome.statusToken}`, 303)
      if (outcome.state !== 'unknown') return sendTokenProblem(reply, outcome.state, deps.verifyTtlHours)
      const address = await intake.decideAddress(token, 'confirm')
      if (address.state !== 'done') return sendTokenProblem(reply, address.state, deps.verifyTtlHours)
      return sendMessagePage(reply, 200, 'confirm.address.confirmedTitle', 'confirm.address.confirmed')
    })

    // "This wasn't me": the submission is deleted (or the new address refused) and the link answers 410.
    r.post('/verify/:token/discard', { schema: { params: TokenParams, body: VerifyForm } }, async (request, reply) => {
      const { token } = request.params
      if (!looksLikeToken(token)) return sendTokenProblem(reply, 'unknown', deps.verifyTtlHours)
      if (!csrf.verify(request, request.body?._csrf)) return renderVerify(request, reply, token, t(request.lang, 'errors.csrf'))
      const outcome = await intake.discard(token)
      if (outcome.state === 'discarded_now') return sendMessagePage(reply, 200, 'confirm.discardedTitle', 'confirm.discarded')
      if (outcome.state !== 'unknown') return sendTokenProblem(reply, outcome.state, deps.verifyTtlHours)
      const address = await intake.decideAddress(token, 'decline')
      if (address.state !== 'done') return sendTokenProblem(reply, address.state, deps.verifyTtlHours)
      return sendMessagePage(reply, 200, 'confirm.address.declinedTitle', 'confirm.address.declined')
    })
  }
}

const TOKEN_PROBLEMS = {
  used: ['verify.usedTitle', 'verify.used', 410],
  discarded: ['confirm.discardedTitle', 'confirm.discarded', 410],
  expired: ['verify.expiredTitle', 'verify.expired', 410],
  unknown: ['verify.invalidTitle', 'verify.invalid', 404],
} as const

export function sendTokenProblem(reply: FastifyReply, state: keyof typeof TOKEN_PROBLEMS, hours: number): FastifyReply {
  const lang = reply.request.lang
  const [titleKey, textKey, status] = TOKEN_PROBLEMS[state]
  return reply.page(
    'message',
    { title: t(lang, titleKey), paragraphs: [t(lang, textKey, { hours })], link: { href: '/request', text: t(lang, 'verify.newRequest') } },
    { status: status as number, title: t(lang, titleKey) },
  )
}
