import type { Executor } from '../db/connection.js'
import type { Candidate, NewsletterSubscriber } from '../db/schema.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'
import { t, type Lang } from '../i18n/index.js'
import { candidatesByEmail, findCandidate } from './candidates-repository.js'
import type { RecordRegister } from './record-actions.js'
import { RECTIFIABLE_FIELDS } from './rectification.js'
import { findSubscriber, subscribersByEmail } from './subscribers-repository.js'

/** "Restricted since <date>" (Stockholm time), or null for a row that is not restricted. */
export const restrictedSinceText = (lang: Lang, at: string | null) => (at ? t(lang, 'registers.actions.restrictedSince', { date: stockholmDateTime(at) }) : null)

/** One register row as the action forms show it (the case panel and the row's own page). */
export interface RecordView {
  register: RecordRegister
  id: number
  registerLabel: string
  email: string | null
  name: string | null
  phone: string | null
  statusLabel: string
  restricted: boolean
  restrictedSince: string | null
  fieldOptions: { value: string; label: string; stored: string | null }[]
}

export function recordView(lang: Lang, r: { register: 'subscribers'; row: NewsletterSubscriber } | { register: 'candidates'; row: Candidate }): RecordView {
  const row = r.row
  return {
    register: r.register,
    id: row.id,
    registerLabel: t(lang, `registers.actions.register.${r.register}`),
    email: row.email,
    name: row.name,
    phone: row.phone,
    statusLabel: r.register === 'subscribers' ? t(lang, `registers.subscriberStatuses.${r.row.status}`) : t(lang, `registers.candidateStatuses.${r.row.status}`),
    restricted: row.restricted_at !== null,
    restrictedSince: restrictedSinceText(lang, row.restricted_at),
    fieldOptions: RECTIFIABLE_FIELDS.map((f) => ({ value: f, label: t(lang, `registers.fields.${f}`), stored: row[f] })),
  }
}

/** The rows an address has in both registers (erased candidates hold no address, so they are not among them). */
export async function recordsFor(db: Executor, key: string, lang: Lang): Promise<RecordView[]> {
  const subscribers = (await subscribersByEmail(db, key)).map((row) => recordView(lang, { register: 'subscribers', row }))
  const candidates = (await candidatesByEmail(db, key)).map((row) => recordView(lang, { register: 'candidates', row }))
  return [...subscribers, ...candidates]
}

/** One row by register and id, for its page; undefined when there is none (or the id is not a number). */
export async function recordById(db: Executor, register: string, rawId: string, lang: Lang): Promise<RecordView | undefined> {
  if (!/^\d{1,12}$/.test(rawId)) return undefined
  if (register === 'subscribers') {
    const row = await findSubscriber(db, Number(rawId))
    return row && recordView(lang, { register, row })
  }
  if (register === 'candidates') {
    const row = await findCandidate(db, Number(rawId))
    return row && row.status !== 'erased' ? recordView(lang, { register, row }) : undefined
  }
  return undefined
}
