import type { FastifyRequest } from 'fastify'
import { en } from './en.js'
import { sv, type Messages } from './sv.js'

export type Lang = 'sv' | 'en'
export const LANGS: readonly Lang[] = ['sv', 'en']
export const DEFAULT_LANG: Lang = 'sv'
export const LANG_COOKIE = 'lang'

const catalogs: Record<Lang, Messages> = { sv, en }

export function isLang(value: unknown): value is Lang {
  return value === 'sv' || value === 'en'
}

export function messages(lang: Lang): Messages {
  return catalogs[lang]
}

/**
 * A text that depends on a number: `{ one: '{count} öppet ärende', other: '{count} öppna ärenden' }`.
 * `t(lang, key, { count })` picks the form by the language's plural rules (Intl.PluralRules), so
 * no sentence says "1 open cases". Swedish and English need only these two forms.
 */
export interface Plural {
  one: string
  other: string
}

/** The dotted paths of the catalogue's texts: `t` takes only these, so a misspelt key fails to compile. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string | Plural ? `${P}${K}` : T[K] extends object ? Leaves<T[K], `${P}${K}.`> : never
}[keyof T & string]
/** The dotted paths of the catalogue's sections, for keys built at run time (`types.${type}.title`). */
type Branches<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string | Plural ? never : T[K] extends object ? `${P}${K}` | Branches<T[K], `${P}${K}.`> : never
}[keyof T & string]
export type MessageSection = Branches<Messages>
/** A text's key: a whole path, or a section's path followed by a part known only at run time. */
export type MessageKey = Leaves<Messages> | `${MessageSection}.${string}`

/**
 * A key written out whole must name a text; only a key with a part known at run time
 * (`cases.statuses.${status}`) is taken on its section's word. (`{} extends Record<K, 1>` holds
 * only for a pattern, not for a single literal.)
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the empty object is the probe
type Checked<K extends string> = {} extends Record<K, 1> ? K : K extends Leaves<Messages> ? K : never

/** A text of the catalogue, its `{name}` placeholders filled from params. */
export function t<K extends MessageKey>(lang: Lang, key: K & Checked<K>, params?: Record<string, unknown>): string {
  return lookup(lang, key, params)
}

const pluralRules: Record<Lang, Intl.PluralRules> = { sv: new Intl.PluralRules('sv'), en: new Intl.PluralRules('en') }

function isPlural(node: unknown): node is Plural {
  return node !== null && typeof node === 'object' && typeof (node as Plural).one === 'string' && typeof (node as Plural).other === 'string'
}

/** The form of a plural text for `count` (a number, or a string of digits as templates pass it); `other` without one. */
export function pluralForm(lang: Lang, texts: Plural, count: unknown): string {
  const n = typeof count === 'number' ? count : typeof count === 'string' && count.trim() !== '' ? Number(count) : NaN
  return Number.isFinite(n) && pluralRules[lang].select(n) === 'one' ? texts.one : texts.other
}

/**
 * Looks up a dotted key known only at run time (a template's `{{t "…"}}`); a missing key shows
 * itself rather than an empty string so it gets noticed. A plural text takes its form from `count`.
 */
export function lookup(lang: Lang, key: string, params?: Record<string, unknown>): string {
  let node: unknown = catalogs[lang]
  for (const part of key.split('.')) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined
  }
  if (isPlural(node)) node = pluralForm(lang, node, params?.count)
  if (typeof node !== 'string') return key
  if (!params || !node.includes('{')) return node
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])))
}

/** Picks the best language from an Accept-Language header by q-value. */
export function fromAcceptLanguage(header: string | undefined): Lang | null {
  if (!header) return null
  let best: { lang: Lang; q: number } | null = null
  for (const part of header.split(',').slice(0, 20)) {
    const [tag, ...params] = part.trim().split(';')
    const primary = tag.trim().toLowerCase().split('-')[0]
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    if (!Number.isFinite(q) || q <= 0) continue
    const lang: Lang | null = primary === 'sv' ? 'sv' : primary === 'en' ? 'en' : null
    if (lang && (!best || q > best.q)) best = { lang, q }
  }
  return best?.lang ?? null
}

/** Query (?lang=) first, then the cookie set by the switch, then Accept-Language, then Swedish. */
export function detectLang(request: FastifyRequest): Lang {
  const query = request.query as Record<string, unknown> | undefined
  if (query && isLang(query.lang)) return query.lang
  const body = request.body as Record<string, unknown> | undefined
  if (body && typeof body === 'object' && isLang(body.lang)) return body.lang
  const cookie = request.cookies?.[LANG_COOKIE]
  if (isLang(cookie)) return cookie
  return fromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LANG
}
