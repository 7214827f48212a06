import { t, type Lang } from '../i18n/index.js'
import { cleanReason } from '../cases/refusal.js'
import { packageError } from './errors.js'

/**
 * What staff leave out of a copy and why: Art. 15(4) (the rights and freedoms of others), or an
 * exemption in national law. Leaving something out is a partial refusal, so the requester is told
 * what and why, with the Art. 12(4) notice (src/cases/refusal-notice.ts).
 */
export interface WithheldItem {
  description: string
  reason: string
}

export const MAX_WITHHELD = 50
const MAX_DESCRIPTION = 1000
const MAX_REASON = 2000

const clean = cleanReason

/** Both fields of every item are required: a thing left out without a reason is what Art. 12(4) forbids. */
export function parseWithheld(raw: unknown): WithheldItem[] {
  if (!Array.isArray(raw)) throw packageError('withheld_invalid')
  if (raw.length > MAX_WITHHELD) throw packageError('withheld_too_many', { max: MAX_WITHHELD })
  return raw.map((item, i) => {
    const o = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null
    if (!o || Object.keys(o).some((k) => k !== 'description' && k !== 'reason')) throw packageError('withheld_invalid')
    const description = clean(o.description)
    const reason = clean(o.reason)
    if (!description) throw packageError('withheld_description_required', { n: i + 1 })
    if (!reason) throw packageError('withheld_reason_required', { n: i + 1 })
    if (description.length > MAX_DESCRIPTION || reason.length > MAX_REASON) throw packageError('withheld_too_long', { n: i + 1, description: MAX_DESCRIPTION, reason: MAX_REASON })
    return { description, reason }
  })
}

/** The list as the requester reads it in the letter. */
export function withheldText(items: WithheldItem[], lang: Lang): string {
  return `${t(lang, 'access.letter.withheldHeading')}\n${items.map((w) => `– ${w.description}: ${w.reason}`).join('\n')}`
}
