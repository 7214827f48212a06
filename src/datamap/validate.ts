/**
 * The rules of the data map, pure: a purpose or system as sent (by the API or a form) is merged
 * over what is stored, trimmed, and checked field by field. Every problem is named by its field's
 * path in the API's shape (`title.sv`, `recipients.0.name.en`, `purposes.2`), so the API answers
 * them in `fields` and the forms show each at its input.
 */
import type { ErrorParams, FieldProblems } from '../domain/errors.js'
import type { MessageKey } from '../i18n/index.js'
import {
  ARTICLE_PATTERN,
  EU_EEA,
  isCountryCode,
  KEY_PATTERN,
  REQUESTS_SYSTEM,
  MAX_KEY,
  CONFIGURED_KINDS,
  RELATIONSHIPS,
  ROLES,
  SYSTEM_KINDS,
  type ConfiguredKind,
  type ConnectionConfig,
  type LegalBasis,
  type Purpose,
  type PurposeRole,
  type Recipient,
  type Relationship,
  type System,
  type SystemKind,
  type Text,
  type Transfer,
} from './model.js'
import { checkConfig, type ConfigContext, type ConfigKey } from './validate-config.js'

/** A purpose's fields as sent; a field left out keeps its value. */
export interface PurposeInput {
  title?: Text
  description?: Text
  legalBasis?: LegalBasis | null
  dataCategories?: Text[]
  dataSubjects?: Text
  retention?: Text
  source?: Text
  relationships?: string[]
  role?: string
  sensitive?: boolean
  recipientCategories?: string[]
  note?: Text | null
}

/** A system's fields as sent; a field left out keeps its value (a new system starts empty). */
export interface SystemInput {
  key?: string
  name?: Text
  kind?: string
  /** A team's key, or null for none. */
  ownerTeam?: string | null
  purposes?: string[]
  dataCategories?: Text[]
  recipients?: Recipient[]
  transfers?: Transfer[]
  /** The kind's config (sql, webhook, email, manual), checked by validate-config.ts; secrets left out keep theirs. */
  config?: unknown
}

/** The purpose's editable fields, checked. */
export type PurposeValues = Omit<Purpose, 'id' | 'updatedAt'>

/** A system as it will be stored. */
export interface SystemValues {
  key: string
  name: Text
  kind: SystemKind
  ownerTeamId: number | null
  purposes: string[]
  dataCategories: Text[]
  recipients: Recipient[]
  transfers: Transfer[]
  /** Null for register and other; secrets in plain text here, sealed by the service before storing. */
  config: ConnectionConfig | null
}

export const LIMITS = { title: 200, text: 4000, item: 500, rows: 50, article: 100 } as const

type Key = ConfigKey | 'missingSv' | 'missingEn' | 'tooLong' | 'tooMany' | 'noCategories' | 'article' | 'relationship' | 'role' | 'unknownCategory' | 'unknownPurpose' | 'duplicate' | 'key' | 'keyFixed' | 'keyReserved' | 'kindRegister' | 'kindFixed' | 'kind' | 'unknownTeam' | 'country' | 'countryInEea'

class Problems {
  readonly all: FieldProblems = {}
  add(field: string, key: Key, params?: ErrorParams): void {
    if (!(field in this.all)) this.all[field] = [`datamap.errors.${key}` as MessageKey, params]
  }
  get empty(): boolean {
    return Object.keys(this.all).length === 0
  }
}

const trim = (s: string | undefined | null): string => (typeof s === 'string' ? s.trim() : '')

/** Both languages, trimmed; each must be there and within `max`. */
function text(p: Problems, field: string, value: Text | undefined, max: number): Text {
  const out = { sv: trim(value?.sv), en: trim(value?.en) }
  for (const lang of ['sv', 'en'] as const) {
    if (!out[lang]) p.add(`${field}.${lang}`, lang === 'sv' ? 'missingSv' : 'missingEn')
    else if (out[lang].length > max) p.add(`${field}.${lang}`, 'tooLong', { max })
  }
  return out
}

/** Both languages or neither (then null). */
function optionalText(p: Problems, field: string, value: Text | null | undefined, max: number): Text | null {
  if (!value || (!trim(value.sv) && !trim(value.en))) return null
  return text(p, field, value, max)
}

function rows<T, U>(p: Problems, field: string, list: T[], check: (item: T, at: string) => U): U[] {
  if (list.length > LIMITS.rows) p.add(field, 'tooMany', { max: LIMITS.rows })
  return list.slice(0, LIMITS.rows).map((item, i) => check(item, `${field}.${i}`))
}

/** A list of known values, each once; `known` says which are. */
function keys(p: Problems, field: string, list: string[], known: (v: string) => boolean, unknown: Key): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const [i, raw] of list.slice(0, 200).entries()) {
    const v = trim(raw)
    if (!known(v)) p.add(`${field}.${i}`, unknown)
    else if (seen.has(v)) p.add(`${field}.${i}`, 'duplicate')
    else {
      seen.add(v)
      out.push(v)
    }
  }
  return out
}

function legalBasis(p: Problems, value: LegalBasis | null): LegalBasis | null {
  if (value === null) return null
  const article = trim(value.article).replace(/\s*,\s*/g, ', ').replace(/^Art\.(?=\d)/, 'Art. ') || null
  if (article !== null && (article.length > LIMITS.article || !ARTICLE_PATTERN.test(article))) p.add('legalBasis.article', 'article', { example: 'Art. 6(1)(f)' })
  return { article, text: text(p, 'legalBasis.text', value.text, LIMITS.text) }
}

/** A purpose's new values: `input` over `current`, checked. */
export function checkPurpose(current: Purpose, input: PurposeInput, known: { categories: ReadonlySet<string> }): { values: PurposeValues; problems: FieldProblems | null } {
  const p = new Problems()
  const role = (input.role ?? current.role) as PurposeRole
  if (!(ROLES as readonly string[]).includes(role)) p.add('role', 'role')
  const dataCategories = rows(p, 'dataCategories', input.dataCategories ?? current.dataCategories, (c, at) => text(p, at, c, LIMITS.item))
  if (dataCategories.length === 0) p.add('dataCategories', 'noCategories')
  const values: PurposeValues = {
    title: text(p, 'title', input.title ?? current.title, LIMITS.title),
    description: text(p, 'description', input.description ?? current.description, LIMITS.text),
    legalBasis: legalBasis(p, input.legalBasis === undefined ? current.legalBasis : input.legalBasis),
    dataCategories,
    dataSubjects: text(p, 'dataSubjects', input.dataSubjects ?? current.dataSubjects, LIMITS.item),
    retention: text(p, 'retention', input.retention ?? current.retention, LIMITS.text),
    source: text(p, 'source', input.source ?? current.source, LIMITS.item),
    relationships: keys(p, 'relationships', input.relationships ?? current.relationships, (v) => (RELATIONSHIPS as readonly string[]).includes(v), 'relationship') as Relationship[],
    role,
    sensitive: input.sensitive ?? current.sensitive,
    recipientCategories: keys(p, 'recipientCategories', input.recipientCategories ?? current.recipientCategories, (v) => known.categories.has(v), 'unknownCategory'),
    note: optionalText(p, 'note', input.note === undefined ? current.note : input.note, LIMITS.text),
  }
  return { values, problems: p.empty ? null : p.all }
}

function recipient(p: Problems, r: Recipient, at: string): Recipient {
  const description = optionalText(p, `${at}.description`, r.description, LIMITS.item) ?? { sv: '', en: '' }
  return { name: text(p, `${at}.name`, r.name, LIMITS.title), description }
}

function transfer(p: Problems, tr: Transfer, at: string): Transfer {
  const country = trim(tr.country).toUpperCase()
  if (!isCountryCode(country)) p.add(`${at}.country`, 'country')
  else if (EU_EEA.has(country)) p.add(`${at}.country`, 'countryInEea')
  return { country, safeguard: text(p, `${at}.safeguard`, tr.safeguard, LIMITS.item) }
}

/**
 * A system's values: `input` over `current` (null: a new system), checked. `teams` maps team keys
 * to ids. Keys and kinds are fixed once made; no one makes a register by hand.
 */
export function checkSystem(
  current: System | null,
  input: SystemInput,
  known: { purposes: ReadonlySet<string>; teams: ReadonlyMap<string, number>; config: ConfigContext; currentConfig?: ConnectionConfig | null },
): { values: SystemValues; problems: FieldProblems | null } {
  const p = new Problems()
  const key = input.key === undefined ? (current?.key ?? '') : trim(input.key)
  if (current && key !== current.key) p.add('key', 'keyFixed')
  else if (!current && (key.length > MAX_KEY || !KEY_PATTERN.test(key))) p.add('key', 'key')
  else if (!current && key === REQUESTS_SYSTEM) p.add('key', 'keyReserved')
  let kind: SystemKind = current?.kind ?? 'other'
  if (input.kind !== undefined) {
    if (current && input.kind !== current.kind) p.add('kind', 'kindFixed')
    else if (!current && input.kind === 'register') p.add('kind', 'kindRegister')
    else if (!(SYSTEM_KINDS as readonly string[]).includes(input.kind)) p.add('kind', 'kind')
    else kind = input.kind as SystemKind
  }
  const configured = (CONFIGURED_KINDS as readonly string[]).includes(kind)
  const config = configured ? checkConfig((field, k, params) => p.add(field, k, params), kind as ConfiguredKind, input.config, known.currentConfig ?? null, known.config) : null
  let ownerTeamId = current?.ownerTeam?.id ?? null
  if (input.ownerTeam !== undefined) {
    const team = trim(input.ownerTeam)
    ownerTeamId = team ? (known.teams.get(team) ?? null) : null
    if (team && ownerTeamId === null) p.add('ownerTeam', 'unknownTeam')
  }
  const values: SystemValues = {
    key,
    name: text(p, 'name', input.name ?? current?.name, LIMITS.title),
    kind,
    ownerTeamId,
    purposes: keys(p, 'purposes', input.purposes ?? current?.purposes ?? [], (v) => known.purposes.has(v), 'unknownPurpose'),
    dataCategories: rows(p, 'dataCategories', input.dataCategories ?? current?.dataCategories ?? [], (c, at) => text(p, at, c, LIMITS.item)),
    recipients: rows(p, 'recipients', input.recipients ?? current?.recipients ?? [], (r, at) => recipient(p, r, at)),
    transfers: rows(p, 'transfers', input.transfers ?? current?.transfers ?? [], (tr, at) => transfer(p, tr, at)),
    config,
  }
  return { values, problems: p.empty ? null : p.all }
}
