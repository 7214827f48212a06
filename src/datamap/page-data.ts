/**
 * The data map's admin pages as the views take them: every input with its id (its path, dots as
 * dashes), name (its path), label, value and problem; lists as rows with room for more.
 */
import type { FieldProblems } from '../domain/errors.js'
import { formatArticles } from '../i18n/articles.js'
import { t, type Lang, type MessageKey } from '../i18n/index.js'
import { articleRefs, CONFIGURED_KINDS, pick, RELATIONSHIPS, ROLES, type PublicConfig, type Purpose, type RecipientCategory, type System, type Text } from './model.js'
import { anchorOf, EMPTY_CONFIG, type ConfigFormValues, type PurposeFormValues, type SystemFormValues } from './page-forms.js'
import type { Readiness, ReadinessItem } from './readiness.js'
import { LIMITS } from './validate.js'

/** Problems by the id of the element they are shown at, and in order for the summary. */
export interface PageErrors {
  map: Record<string, string>
  list: Array<{ id: string; message: string }>
}

export const NO_ERRORS: PageErrors = { map: {}, list: [] }

export function pageErrors(lang: Lang, problems: FieldProblems): PageErrors {
  const map: Record<string, string> = {}
  const list: Array<{ id: string; message: string }> = []
  for (const [path, [key, params]] of Object.entries(problems)) {
    const id = anchorOf(path)
    if (id in map) continue
    // A problem inside the tables' JSON says where in it: "tables.0.access.1: …".
    map[id] = (id === 'config-tables' && path !== 'config.tables' ? `${path.slice('config.'.length)}: ` : '') + t(lang, key, params)
    list.push({ id, message: map[id] })
  }
  return { map, list }
}

interface Input {
  id: string
  name: string
  label: string
  value: string
  error?: string
  maxlength: number
  multiline: boolean
  hint?: string
  password?: boolean
}

const idOf = (path: string) => path.replace(/\./g, '-')
const EMPTY: Text = { sv: '', en: '' }

function input(path: string, label: string, value: string, errors: PageErrors, o: { max: number; multiline?: boolean }): Input {
  const id = idOf(path)
  return { id, name: path, label, value, error: errors.map[id], maxlength: o.max, multiline: o.multiline ?? false }
}

/** A text in both languages: one fieldset, an input per language. */
function pair(lang: Lang, path: string, legend: string, value: Text | null, errors: PageErrors, o: { max: number; multiline?: boolean; hint?: string }) {
  const v = value ?? EMPTY
  return {
    id: idOf(path),
    legend,
    hint: o.hint,
    fields: [input(`${path}.sv`, t(lang, 'datamap.admin.sv'), v.sv, errors, o), input(`${path}.en`, t(lang, 'datamap.admin.en'), v.en, errors, o)],
  }
}

/** A list: a row per entry and `spare` empty rows to add more. */
function rowList<T>(lang: Lang, list: string, legend: string, values: T[], spare: number, errors: PageErrors, fields: (path: string, value: T | null) => Input[], hint?: string) {
  const all: Array<T | null> = [...values, ...Array<null>(spare).fill(null)]
  return {
    id: list,
    legend,
    hint: hint ?? t(lang, 'datamap.admin.rowsHint'),
    error: errors.map[list],
    rows: all.map((value, i) => ({ legend: t(lang, 'datamap.admin.row', { n: i + 1 }), fields: fields(`${list}.${i}`, value) })),
  }
}

const textRow = (lang: Lang, errors: PageErrors) => (path: string, value: Text | null) => [
  input(`${path}.sv`, t(lang, 'datamap.admin.sv'), value?.sv ?? '', errors, { max: LIMITS.item }),
  input(`${path}.en`, t(lang, 'datamap.admin.en'), value?.en ?? '', errors, { max: LIMITS.item }),
]

function checks(name: string, legend: string, options: Array<{ value: string; label: string }>, ticked: string[], errors: PageErrors) {
  return {
    id: name,
    legend,
    error: errors.map[name],
    options: options.map((o) => ({ id: `${name}-${o.value}`, name, value: o.value, label: o.label, checked: ticked.includes(o.value) })),
  }
}

function basisLabel(lang: Lang, p: Purpose): string {
  if (!p.legalBasis) return t(lang, 'datamap.admin.undecided')
  return p.legalBasis.article ? formatArticles(articleRefs(p.legalBasis.article), lang) : t(lang, 'datamap.admin.decidedNoArticle')
}

export function overviewPage(lang: Lang, map: { purposes: Purpose[]; systems: System[]; categories: RecipientCategory[] }) {
  const titles = new Map(map.purposes.map((p) => [p.id, pick(p.title, lang)]))
  return {
    purposes: map.purposes.map((p) => ({
      id: p.id,
      title: pick(p.title, lang),
      basis: basisLabel(lang, p),
      undecided: p.legalBasis === null,
      systems: map.systems.filter((s) => s.purposes.includes(p.id)).map((s) => pick(s.name, lang)),
      href: `/staff/admin/map/purposes/${p.id}`,
    })),
    systems: map.systems.map((s) => ({
      key: s.key,
      name: pick(s.name, lang),
      kind: t(lang, `datamap.admin.kinds.${s.kind}`),
      owner: s.ownerTeam?.name ?? null,
      purposes: s.purposes.map((id) => titles.get(id) ?? id),
      href: `/staff/admin/map/systems/${s.key}`,
    })),
    categories: map.categories.map((c) => ({ key: c.key, name: pick(c.name, lang), description: pick(c.description, lang), general: c.general, note: c.note ? pick(c.note, lang) : null })),
  }
}

/** The purpose form: the stored purpose, or what was sent when it is shown again. */
export function purposePage(lang: Lang, v: Purpose | PurposeFormValues, o: { categories: RecipientCategory[]; errors: PageErrors }) {
  const { errors } = o
  const basis = v.legalBasis
  return {
    title: pair(lang, 'title', t(lang, 'datamap.admin.purpose.heading'), v.title, errors, { max: LIMITS.title }),
    description: pair(lang, 'description', t(lang, 'datamap.admin.purpose.description'), v.description, errors, { max: LIMITS.text, multiline: true }),
    basis: {
      decided: basis !== null,
      article: input('legalBasis.article', t(lang, 'datamap.admin.purpose.article'), basis?.article ?? '', errors, { max: LIMITS.article }),
      articleHint: t(lang, 'datamap.admin.purpose.articleHint', { example: 'Art. 6(1)(f)' }),
      text: pair(lang, 'legalBasis.text', t(lang, 'datamap.admin.purpose.basisText'), basis?.text ?? null, errors, { max: LIMITS.text, multiline: true }),
    },
    dataCategories: rowList(lang, 'dataCategories', t(lang, 'datamap.admin.purpose.dataCategories'), v.dataCategories, 2, errors, textRow(lang, errors)),
    dataSubjects: pair(lang, 'dataSubjects', t(lang, 'datamap.admin.purpose.dataSubjects'), v.dataSubjects, errors, { max: LIMITS.item }),
    retention: pair(lang, 'retention', t(lang, 'datamap.admin.purpose.retention'), v.retention, errors, { max: LIMITS.text, multiline: true }),
    source: pair(lang, 'source', t(lang, 'datamap.admin.purpose.source'), v.source, errors, { max: LIMITS.item }),
    relationships: checks('relationships', t(lang, 'datamap.admin.purpose.relationships'), RELATIONSHIPS.map((r) => ({ value: r, label: t(lang, `relationships.${r}`) })), v.relationships, errors),
    role: { id: 'role', error: errors.map.role, options: ROLES.map((r) => ({ id: `role-${r}`, value: r, label: t(lang, `datamap.register.roles.${r}`), checked: v.role === r })) },
    sensitive: v.sensitive,
    recipientCategories: checks('recipientCategories', t(lang, 'datamap.admin.purpose.recipientCategories'), o.categories.map((c) => ({ value: c.key, label: pick(c.name, lang) })), v.recipientCategories, errors),
    note: pair(lang, 'note', t(lang, 'datamap.admin.purpose.note'), v.note, errors, { max: LIMITS.text, multiline: true, hint: t(lang, 'datamap.admin.purpose.noteHint') }),
  }
}

/** The system form: new (key asked), stored, or what was sent when it is shown again. */
export function systemPage(lang: Lang, v: SystemFormValues, o: { isNew: boolean; purposes: Purpose[]; teams: Array<{ key: string; name: string }>; errors: PageErrors }) {
  const { errors } = o
  const label = (key: MessageKey) => t(lang, key)
  return {
    key: o.isNew ? input('key', label('datamap.admin.system.key'), v.key, errors, { max: 64 }) : null,
    name: pair(lang, 'name', label('datamap.admin.system.name'), v.name, errors, { max: LIMITS.title }),
    ownerTeam: { id: 'ownerTeam', error: errors.map.ownerTeam, options: o.teams.map((team) => ({ value: team.key, label: team.name, selected: team.key === v.ownerTeam })) },
    purposes: checks('purposes', label('datamap.admin.system.purposes'), o.purposes.map((p) => ({ value: p.id, label: pick(p.title, lang) })), v.purposes, errors),
    dataCategories: rowList(lang, 'dataCategories', label('datamap.admin.system.dataCategories'), v.dataCategories, 2, errors, textRow(lang, errors)),
    recipients: rowList(lang, 'recipients', label('datamap.admin.system.recipients'), v.recipients, 1, errors, (path, r) => [
      input(`${path}.name.sv`, label('datamap.admin.system.recipientNameSv'), r?.name.sv ?? '', errors, { max: LIMITS.title }),
      input(`${path}.name.en`, label('datamap.admin.system.recipientNameEn'), r?.name.en ?? '', errors, { max: LIMITS.title }),
      input(`${path}.description.sv`, label('datamap.admin.system.recipientDescriptionSv'), r?.description.sv ?? '', errors, { max: LIMITS.item }),
      input(`${path}.description.en`, label('datamap.admin.system.recipientDescriptionEn'), r?.description.en ?? '', errors, { max: LIMITS.item }),
    ], label('datamap.admin.system.recipientsHint')),
    transfers: rowList(lang, 'transfers', label('datamap.admin.system.transfers'), v.transfers, 1, errors, (path, tr) => [
      input(`${path}.country`, label('datamap.admin.system.country'), tr?.country ?? '', errors, { max: 2 }),
      input(`${path}.safeguard.sv`, label('datamap.admin.system.safeguardSv'), tr?.safeguard.sv ?? '', errors, { max: LIMITS.item }),
      input(`${path}.safeguard.en`, label('datamap.admin.system.safeguardEn'), tr?.safeguard.en ?? '', errors, { max: LIMITS.item }),
    ], label('datamap.admin.system.transfersHint')),
  }
}

/** The kinds a new system may be (the registers are never made by hand). */
const NEW_KINDS = ['other', ...CONFIGURED_KINDS] as const

/** The kind's choice (a new system) and the connection's fields for the kind; secrets are never filled in. */
export function connectionForm(lang: Lang, kind: string, c: ConfigFormValues, errors: PageErrors, stored: PublicConfig | null) {
  const label = (key: MessageKey) => t(lang, key)
  const field = (name: keyof ConfigFormValues, key: MessageKey, o: { max: number; multiline?: boolean; hint?: string; password?: boolean }) => ({ ...input(`config.${name}`, label(key), o.password ? '' : c[name], errors, o), hint: o.hint, password: o.password ?? false })
  const fields =
    kind === 'sql'
      ? [field('url', 'datamap.admin.system.sqlUrl', { max: 2000, hint: label('datamap.admin.system.sqlUrlHint') }), field('tables', 'datamap.admin.system.sqlTables', { max: 100_000, multiline: true, hint: label('datamap.admin.system.sqlTablesHint') })]
      : kind === 'webhook'
        ? [field('url', 'datamap.admin.system.webhookUrl', { max: 2000 }), field('secret', 'datamap.admin.system.webhookSecret', { max: 500, password: true, hint: label('datamap.admin.system.webhookSecretHint') })]
        : kind === 'email'
          ? [field('to', 'datamap.admin.system.emailTo', { max: 254 })]
          : kind === 'manual'
            ? [field('instructions', 'datamap.admin.system.instructions', { max: 4000, multiline: true })]
            : []
  const note = stored && 'passwordSet' in stored && stored.passwordSet ? label('datamap.admin.system.passwordSet') : stored && 'secretSet' in stored && stored.secretSet ? label('datamap.admin.system.secretSet') : null
  return {
    kind,
    kindLabel: t(lang, `datamap.admin.kinds.${(NEW_KINDS as readonly string[]).includes(kind) || kind === 'register' ? (kind as System['kind']) : 'other'}`),
    kinds: NEW_KINDS.map((k) => ({ value: k, label: t(lang, `datamap.admin.kinds.${k}`), selected: k === kind })),
    fields,
    note,
    testable: kind === 'sql' || kind === 'webhook',
  }
}

/** A stored system as its form shows it. */
export function systemFormValues(s: System): SystemFormValues {
  const c = s.config
  const config: ConfigFormValues = { ...EMPTY_CONFIG }
  if (c && 'tables' in c) Object.assign(config, { url: c.url, tables: JSON.stringify(c.tables, null, 2) })
  else if (c && 'url' in c) config.url = c.url
  else if (c && 'to' in c) config.to = c.to
  else if (c && 'instructions' in c) config.instructions = c.instructions
  return { key: s.key, kind: s.kind, config, name: s.name, ownerTeam: s.ownerTeam?.key ?? '', purposes: s.purposes, dataCategories: s.dataCategories, recipients: s.recipients, transfers: s.transfers }
}

export function readinessText(lang: Lang, item: ReadinessItem): string {
  return t(lang, `datamap.readiness.${item.code}`, { name: pick(item.name, lang) })
}

export function readinessPage(lang: Lang, r: Readiness) {
  const items = (list: ReadinessItem[]) => list.map((item) => ({ text: readinessText(lang, item), name: pick(item.name, lang), href: item.href }))
  return { ready: r.ready, problems: items(r.problems), advice: items(r.advice) }
}
