import fp from 'fastify-plugin'
import type { FastifyReply } from 'fastify'
import { detectLang, LANG_COOKIE, isLang, t, type Lang } from '../i18n/index.js'
import type { FieldError, FieldErrors } from '../intake/validate.js'

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang
  }
  interface FastifyReply {
    /** Renders views/pages/<view>.hbs in the layout, in the request's language, never cached. */
    page(view: string, data?: Record<string, unknown>, opts?: PageOptions): FastifyReply
  }
}

/**
 * The same page in the other language: the current path and (for GET) query, with lang swapped.
 * Built by hand: `new URL()` throws on a path like '//' and reads '//host' as another site.
 * An answer to a POST links to the page that shows the same thing (`path`, e.g. the check-your-inbox
 * page), else to the nearest GET page above the posted path (/status/x/reply → /status/x), else home.
 */
export function switchUrl(
  request: { url: string; method: string; routeOptions?: { url?: string } },
  other: Lang,
  opts: { path?: string; hasGet?: (pattern: string) => boolean } = {},
): string {
  const raw = request.url
  const q = raw.indexOf('?')
  const isGet = request.method === 'GET' || request.method === 'HEAD'
  let path = q < 0 ? raw : raw.slice(0, q)
  if (opts.path !== undefined) path = opts.path
  else if (!isGet) path = nearestGet(path, request.routeOptions?.url, opts.hasGet)
  const params = new URLSearchParams(isGet && opts.path === undefined && q >= 0 ? raw.slice(q + 1) : '')
  params.set('lang', other)
  return `${samePath(path)}?${params.toString()}`
}

/**
 * A path on this site whatever it is given: what a URL path may not hold is percent-encoded (a
 * browser drops a tab and reads a backslash as a slash, so '/\t/evil' or '/\\evil' would lead
 * away), then one leading slash only.
 */
function samePath(path: string): string {
  const encoded = path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@%/]/gu, (c) => {
    try {
      return encodeURIComponent(c)
    } catch {
      return ''
    }
  })
  return '/' + encoded.replace(/^\/+/, '')
}

function nearestGet(path: string, pattern: string | undefined, hasGet: ((pattern: string) => boolean) | undefined): string {
  if (!pattern || !hasGet) return '/'
  const segments = path.split('/')
  const patternSegments = pattern.split('/')
  if (segments.length !== patternSegments.length) return '/'
  for (let n = segments.length; n > 1; n--) {
    if (hasGet(patternSegments.slice(0, n).join('/') || '/')) return segments.slice(0, n).join('/') || '/'
  }
  return '/'
}

export interface PageOptions {
  status?: number
  title?: string
  /** An answer to a POST: the GET page that shows the same, where the language switch leads. */
  switchPath?: string
  /**
   * The page is the same for everyone in a language (no form token, no personal data): rendered
   * once per language and path, and served from memory after that. Never for pages with a query.
   */
  cache?: boolean
}

/**
 * A field's error in the page's language: each field has whole sentences of its own in the
 * catalogue (formErrors), so no label is glued into a sentence; numbers read as the language
 * writes them (5 000, 5,000).
 */
export function fieldErrorText(lang: Lang, error: FieldError): string {
  const params: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(error.params ?? {})) params[name] = typeof value === 'number' ? value.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB') : value
  return t(lang, error.key, params)
}

export function translateErrors(lang: Lang, errors: FieldErrors): { map: Record<string, string>; list: Array<{ id: string; message: string }> } {
  const map: Record<string, string> = {}
  const list: Array<{ id: string; message: string }> = []
  for (const [field, error] of Object.entries(errors)) {
    if (!error) continue
    const message = fieldErrorText(lang, error)
    map[field] = message
    list.push({ id: field, message })
  }
  return { map, list }
}

/** The brand in the page header (BRAND_NAME, BRAND_LOGO): text by default. */
export interface BrandOptions {
  name: string | null
  logo: { width: number | null; height: number | null } | null
}

/** The header's logo is drawn 40 px high: the width its own proportions give, when the file says. */
function logoView(logo: BrandOptions['logo']) {
  if (!logo) return null
  return logo.width && logo.height ? { width: Math.max(1, Math.round((logo.width * 40) / logo.height)), height: 40 } : {}
}

export default fp(
  async function renderPlugin(app, opts: { secureCookies: boolean; brand?: BrandOptions }) {
    const logo = logoView(opts.brand?.logo ?? null)
    app.decorateRequest('lang', 'sv')
    // Set as soon as the request arrives, so pages for errors met before the handler (413, 415, bad
    // JSON) are in the person's language too; refined once the body (a form's lang field) is read.
    app.addHook('onRequest', async (request) => {
      request.lang = detectLang(request)
    })
    // preValidation: the body is parsed there already, and the scopes' guards answer there.
    app.addHook('preValidation', async (request, reply) => {
      request.lang = detectLang(request)
      const query = request.query as Record<string, unknown> | undefined
      // The switch remembers the choice so every later page keeps it.
      if (query && isLang(query.lang) && request.cookies[LANG_COOKIE] !== query.lang) {
        reply.setCookie(LANG_COOKIE, query.lang, { path: '/', sameSite: 'lax', httpOnly: true, secure: opts.secureCookies, maxAge: 365 * 24 * 3600 })
      }
    })
    const rendered = new Map<string, Buffer>()
    app.decorateReply('page', function (this: FastifyReply, view: string, data: Record<string, unknown> = {}, o: PageOptions = {}) {
      const request = this.request
      const lang: Lang = request.lang ?? detectLang(request)
      const other: Lang = lang === 'sv' ? 'en' : 'sv'
      this.code(o.status ?? 200)
      this.header('Cache-Control', 'no-store')
      this.header('Content-Language', lang)
      const brand = { name: opts.brand?.name ?? t(lang, 'site.owner'), logo }
      const full = { ...data, lang, brand, otherLang: other, switchUrl: switchUrl(request, other, { path: o.switchPath, hasGet: (url) => app.hasRoute({ method: 'GET', url }) }), title: o.title }
      if (!o.cache || request.url.includes('?')) return this.view(`pages/${view}.hbs`, full)
      const key = `${lang} ${request.url}`
      const hit = rendered.get(key)
      this.type('text/html; charset=utf-8')
      if (hit !== undefined) return this.send(hit)
      return app.view(`pages/${view}.hbs`, full).then((html: string) => {
        const body = Buffer.from(html)
        // Bounded: only routes that opt in, without a query, in two languages.
        if (rendered.size < 100) rendered.set(key, body)
        return this.send(body)
      }) as unknown as FastifyReply
    })
  },
  { name: 'render', dependencies: ['@fastify/view', '@fastify/cookie'] },
)
