/**
 * The data map's admin forms: what a browser sends, read into the same input the API takes, and
 * the values and field problems laid out for the pages (src/datamap/page-data.ts).
 *
 * A field's name in the form is its path in the API's shape (`title.sv`, `recipients.0.name.en`),
 * so a problem the rules name by path lands on its own input. Rows of a list are numbered from 0;
 * an empty row is left out, and the form shown again is numbered as what was read.
 */
import { Type, type Static } from '../http/schema.js'
import type { Purpose, Recipient, Text, Transfer } from './model.js'

const Value = Type.Union([Type.String({ maxLength: 10000 }), Type.Array(Type.String({ maxLength: 10000 }), { maxItems: 200 })])
/** Every map form: fields named by path, a ticked box of one name as a list. */
export const MapForm = Type.Record(Type.String({ maxLength: 100 }), Value)
export type MapForm = Static<typeof MapForm>
export const SavedQuery = Type.Object({ saved: Type.Optional(Type.String()) })
export const IdParams = Type.Object({ id: Type.String() })
export const KeyParams = Type.Object({ key: Type.String() })

const MAX_ROWS = 100

const one = (b: MapForm, name: string): string => {
  const v = b[name]
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '')
}
const many = (b: MapForm, name: string): string[] => {
  const v = b[name]
  return Array.isArray(v) ? v : v ? [v] : []
}
const text = (b: MapForm, path: string): Text => ({ sv: one(b, `${path}.sv`), en: one(b, `${path}.en`) })
const blank = (value: unknown): boolean => (typeof value === 'string' ? value.trim() === '' : value && typeof value === 'object' ? Object.values(value).every(blank) : true)

/** The rows of a list, in the order of their numbers, the empty ones left out. */
function rows<T>(b: MapForm, list: string, read: (path: string) => T): T[] {
  const pattern = new RegExp(`^${list}\\.(\\d{1,3})\\.`)
  const numbers = new Set<number>()
  for (const name of Object.keys(b)) {
    const m = pattern.exec(name)
    if (m) numbers.add(Number(m[1]))
  }
  return [...numbers]
    .sort((x, y) => x - y)
    .slice(0, MAX_ROWS)
    .map((n) => read(`${list}.${n}`))
    .filter((row) => !blank(row))
}

/** A purpose as its form sends it: every field, as typed (ticked values and the role unchecked yet). */
export type PurposeFormValues = Omit<Purpose, 'id' | 'updatedAt' | 'relationships' | 'role' | 'note'> & { relationships: string[]; role: string; note: Text }

export function purposeFromForm(b: MapForm): PurposeFormValues {
  return {
    title: text(b, 'title'),
    description: text(b, 'description'),
    legalBasis: one(b, 'legalBasis.decided') === 'yes' ? { article: one(b, 'legalBasis.article'), text: text(b, 'legalBasis.text') } : null,
    dataCategories: rows(b, 'dataCategories', (path) => text(b, path)),
    dataSubjects: text(b, 'dataSubjects'),
    retention: text(b, 'retention'),
    source: text(b, 'source'),
    relationships: many(b, 'relationships'),
    role: one(b, 'role'),
    sensitive: one(b, 'sensitive') === 'on',
    recipientCategories: many(b, 'recipientCategories'),
    note: text(b, 'note'),
  }
}

/** A connected system's config as its form has it: the tables as JSON text, the secret as typed (empty: keep). */
export interface ConfigFormValues {
  url: string
  tables: string
  secret: string
  to: string
  instructions: string
}

export const EMPTY_CONFIG: ConfigFormValues = { url: '', tables: '', secret: '', to: '', instructions: '' }

/** A system as its form sends it; the key and kind only when the system is new. */
export interface SystemFormValues {
  key: string
  kind: string
  config: ConfigFormValues
  name: Text
  ownerTeam: string
  purposes: string[]
  dataCategories: Text[]
  recipients: Recipient[]
  transfers: Transfer[]
}

export function systemFromForm(b: MapForm): SystemFormValues {
  return {
    key: one(b, 'key'),
    kind: one(b, 'kind') || 'other',
    config: { url: one(b, 'config.url'), tables: one(b, 'config.tables'), secret: one(b, 'config.secret'), to: one(b, 'config.to'), instructions: one(b, 'config.instructions') },
    name: text(b, 'name'),
    ownerTeam: one(b, 'ownerTeam'),
    purposes: many(b, 'purposes'),
    dataCategories: rows(b, 'dataCategories', (path) => text(b, path)),
    recipients: rows(b, 'recipients', (path) => ({ name: text(b, `${path}.name`), description: text(b, `${path}.description`) })),
    transfers: rows(b, 'transfers', (path) => ({ country: one(b, `${path}.country`), safeguard: text(b, `${path}.safeguard`) })),
  }
}

/** The config the API takes from what the form sent for a kind; undefined for kinds without one. A secret left empty is left out (kept). */
export function configFromForm(kind: string, c: ConfigFormValues): unknown {
  switch (kind) {
    case 'sql': {
      let tables: unknown = c.tables
      try {
        tables = JSON.parse(c.tables)
      } catch {
        // the text goes on, and is refused as not JSON at config.tables
      }
      return { url: c.url, tables }
    }
    case 'webhook':
      return c.secret ? { url: c.url, secret: c.secret } : { url: c.url }
    case 'email':
      return { to: c.to }
    case 'manual':
      return { instructions: c.instructions }
    default:
      return undefined
  }
}

/** The element a problem at `path` is shown at: a ticked list's group, the tables' text, else the input of that path. */
export function anchorOf(path: string): string {
  if (path.startsWith('config.tables.')) return 'config-tables'
  const group = /^(relationships|purposes|recipientCategories)\.\d+$/.exec(path)
  return group ? group[1] : path.replace(/\./g, '-')
}
