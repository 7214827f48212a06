/**
 * The data map (issue 19): purposes of processing, the systems where personal data is held, and
 * the categories of recipients the privacy policy names. Pure types and helpers; the tables are
 * src/datamap/repository.ts's.
 *
 * Every text people read is bilingual, `{sv, en}`, in the database, the API and the forms alike.
 */
import type { Lang } from '../i18n/index.js'
import { RELATIONSHIPS, type Relationship } from '../intake/request-types.js'

export type Text = { sv: string; en: string }

export { RELATIONSHIPS, type Relationship }

/**
 * A decided legal basis: the GDPR article(s) as the data writes them ("Art. 6(1)(f)", several
 * separated by ", "), or null where no article of ours applies (processing on a client's behalf,
 * where the client as controller holds the basis), and the text shown with it.
 */
export interface LegalBasis {
  article: string | null
  text: Text
}

export const ROLES = ['controller', 'processor'] as const
export type PurposeRole = (typeof ROLES)[number]

export interface Purpose {
  id: string
  title: Text
  description: Text
  /** null: undecided. Never shown publicly as a basis; `doctor` lists it until decided. */
  legalBasis: LegalBasis | null
  dataCategories: Text[]
  dataSubjects: Text
  retention: Text
  source: Text
  relationships: Relationship[]
  role: PurposeRole
  sensitive: boolean
  /** Keys of the recipient categories the purpose discloses to. */
  recipientCategories: string[]
  /** For staff only: never shown to the public. */
  note: Text | null
  updatedAt: string
}

export interface RecipientCategory {
  key: string
  name: Text
  description: Text
  /** Named by the policy without a purpose: may receive data from any purpose. */
  general: boolean
  note: Text | null
}

/** A recipient recorded for a system: an actual recipient by name (Art. 15(1)(c)). */
export interface Recipient {
  name: Text
  description: Text
}

/** A transfer outside the EU/EEA (Art. 15(2)): the country (ISO 3166-1 alpha-2) and the safeguard. */
export interface Transfer {
  country: string
  safeguard: Text
}

/**
 * 'register': one of the portal's own registers (newsletter, candidates), seeded by the migration,
 * never created or deleted by hand. 'other': any system staff record, with nothing to connect.
 * 'sql': a database the portal reaches (PostgreSQL, or a SQLite file under DATA_DIR); 'webhook':
 * an HTTP endpoint the portal posts signed tasks to; 'email': a supplier asked by email;
 * 'manual': the owner team does it by hand.
 */
export const SYSTEM_KINDS = ['register', 'other', 'sql', 'webhook', 'email', 'manual'] as const
export type SystemKind = (typeof SYSTEM_KINDS)[number]
/** The kinds whose systems carry a `config`. */
export const CONFIGURED_KINDS = ['sql', 'webhook', 'email', 'manual'] as const
export type ConfiguredKind = (typeof CONFIGURED_KINDS)[number]

export const ERASURE_STRATEGIES = ['delete', 'null', 'mask'] as const
export type ErasureStrategy = (typeof ERASURE_STRATEGIES)[number]

/** One table of a `sql` system: where the person is found and what each action does there. */
export interface SqlTable {
  table: string
  emailColumn: string
  /** The columns an access request returns. */
  access: string[]
  /** delete the rows, or set `columns` to NULL, or mask them ("***"). */
  erasure: { strategy: ErasureStrategy; columns?: string[] }
  /** The columns rectification may set from the handler's corrections. */
  rectify?: string[]
  /** Restriction sets `column` to `value`; without it the table cannot restrict (a manual task). */
  restrict?: { column: string; value: string | number | boolean }
}

/**
 * A system's connection as the connectors use it, secrets in plain text: only ever in memory,
 * from systemConfig(); stored sealed and shown without them (PublicConfig).
 */
export type ConnectionConfig =
  | { kind: 'sql'; url: string; tables: SqlTable[] }
  | { kind: 'webhook'; url: string; secret: string }
  | { kind: 'email'; to: string }
  | { kind: 'manual'; instructions: string }

/** A system's config as the API, the pages and the audit log show it: no password, no secret. */
export type PublicConfig =
  | { url: string; passwordSet: boolean; tables: SqlTable[] }
  | { url: string; secretSet: boolean }
  | { to: string }
  | { instructions: string }

export interface System {
  key: string
  name: Text
  kind: SystemKind
  ownerTeam: { id: number; key: string; name: string } | null
  /** Ids of the purposes the system serves. */
  purposes: string[]
  dataCategories: Text[]
  recipients: Recipient[]
  transfers: Transfer[]
  /** Null for `register` and `other`. */
  config: PublicConfig | null
  createdAt: string
  updatedAt: string
}

/** What a service function hands the features that build on the map (packages, Art. 19 lists). */
export interface MapExtract {
  systems: System[]
  /** The purposes those systems serve, in the map's order, each with the keys of the systems that made it apply. */
  purposes: Array<Purpose & { systems: string[] }>
  /** The recipient categories of those purposes (the map's categories, where it names no recipient). */
  recipientCategories: RecipientCategory[]
  /** The categories the policy names for no purpose in particular (`general`): they may receive data from any. */
  generalCategories: RecipientCategory[]
  recipients: Array<Recipient & { system: string }>
  transfers: Array<Transfer & { system: string }>
}

/**
 * The portal's own handling of requests, named as a system in every access package (src/access/art15.ts):
 * no system on the map may take its key.
 */
export const REQUESTS_SYSTEM = 'requests'

/** A system or purpose key: lower-case letters and digits, words joined by _ or -, at most 64. */
export const KEY_PATTERN = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/
export const MAX_KEY = 64

/** One or more article references as src/i18n/articles.ts formats them: "Art. 6(1)(a), Art. 9(2)(a)". */
export const ARTICLE_PATTERN = /^Art\. \d+(?:\(\d+\))*(?:\([a-z]\))?(?:, Art\. \d+(?:\(\d+\))*(?:\([a-z]\))?)*$/

/** The EU member states and the other EEA states (Iceland, Liechtenstein, Norway): no transfer to these. */
export const EU_EEA = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO'])
/** Region codes that name no country (unknown, groups, reserved). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO'])

const regionNames: Record<Lang, Intl.DisplayNames> = {
  sv: new Intl.DisplayNames(['sv'], { type: 'region', fallback: 'none' }),
  en: new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }),
}

/** Whether `code` (upper case) is a country ICU can name. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && regionNames.en.of(code) !== undefined
}

/** A country's name in the language ("USA" / "United States"); the code itself if it has none. */
export function countryName(code: string, lang: Lang): string {
  try {
    return regionNames[lang].of(code) ?? code
  } catch {
    return code
  }
}

/** The text in the language. */
export function pick(text: Text, lang: Lang): string {
  return text[lang]
}

/** The article reference(s) of a basis, one per entry, for formatArticles. */
export function articleRefs(article: string): string[] {
  return article.split(', ').filter(Boolean)
}
