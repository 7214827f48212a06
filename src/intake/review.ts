import type { Submission } from '../db/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { requestedAddress } from './address-change.js'
import { typeTitle } from './service.js'

export interface ReviewRow {
  label: string
  value: string
  /** Free text keeps its line breaks on the page. */
  pre?: boolean
  empty?: boolean
}

/**
 * The request exactly as confirming it would open the case, field by field, so the owner of the
 * address sees what they confirm. Fields the type does not use are left out; empty ones say so.
 */
export function reviewRows(lang: Lang, s: Submission): ReviewRow[] {
  const empty = t(lang, 'confirm.empty')
  const row = (field: string, value: string | null, pre = false): ReviewRow =>
    value === null || value === '' ? { label: t(lang, `confirm.fields.${field}`), value: empty, empty: true } : { label: t(lang, `confirm.fields.${field}`), value, pre }
  const rows: ReviewRow[] = [
    row('type', typeTitle(lang, s.type)),
    row('email', s.email),
    row('name', s.name),
    row('relationship', s.relationship ? t(lang, `relationships.${s.relationship}`) : null),
  ]
  if (s.type === 'withdraw_consent') rows.push(row('consent', s.consent_kind ? t(lang, `consents.${s.consent_kind}`) : null))
  if (s.type === 'rectification') rows.push(row('incorrect', s.incorrect_value, true), row('correct', s.correct_value, true))
  rows.push(row('details', s.details, true))
  if (s.on_behalf_kind) {
    rows.push(
      row('onBehalfKind', t(lang, `behalf.kinds.${s.on_behalf_kind}`)),
      row('subjectName', s.subject_name),
      row('subjectEmail', s.subject_email),
      row('proof', s.proof_name),
    )
  }
  if (s.type === 'question') rows.push(row('keep', t(lang, s.keep_data === 1 ? 'confirm.yes' : 'confirm.no')))
  return rows
}

/** Shown under the request when confirming it would also send a link to a new address. */
export function addressNote(lang: Lang, s: Submission): string | null {
  return requestedAddress(s) ? t(lang, 'confirm.addressNote') : null
}
