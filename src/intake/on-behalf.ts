import { MAX_NAME, ON_BEHALF_KINDS, type OnBehalfKind } from './request-types.js'
import { isLinkLikeName } from './name-rule.js'
import { cleanLine, isValidEmail, normaliseEmail, type FieldError } from './fields.js'

/**
 * A request made for someone else (issue 15 §5): a parent or guardian of a child, someone holding
 * a power of attorney, or another representative. The representative is the requester (their
 * address is the one confirmed and written to); the data subject is named here, with the address
 * the registers know them by if the representative gives it.
 */
export interface OnBehalfOf {
  kind: OnBehalfKind
  subjectName: string
  subjectEmail: string | null
}

export type OnBehalfErrors = Partial<Record<'about' | 'behalf_kind' | 'subject_name' | 'subject_email' | 'name' | 'proof', FieldError>>

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/**
 * Reads the API's `onBehalfOf: {kind, subjectName, subjectEmail?}` or the form's flat fields
 * (`about=other`, `behalf_kind`, `subject_name`, `subject_email`). The representative's own name
 * (`name`) becomes required: it is recorded as who acted for the person.
 */
export function parseOnBehalf(raw: Record<string, unknown>): { value: OnBehalfOf | null; errors: OnBehalfErrors } {
  const api = raw.onBehalfOf
  let fields: { kind: unknown; subjectName: unknown; subjectEmail: unknown }
  if (api !== undefined && api !== null) {
    if (typeof api !== 'object' || Array.isArray(api)) return { value: null, errors: { behalf_kind: { key: 'behalf.errors.kind' } } }
    const o = api as Record<string, unknown>
    fields = { kind: o.kind, subjectName: o.subjectName, subjectEmail: o.subjectEmail }
  } else if (raw.about === 'other') {
    fields = { kind: raw.behalf_kind, subjectName: raw.subject_name, subjectEmail: raw.subject_email }
  } else {
    if (raw.about !== undefined && raw.about !== '' && raw.about !== 'self') return { value: null, errors: { about: { key: 'formErrors.about' } } }
    return { value: null, errors: {} }
  }
  const errors: OnBehalfErrors = {}
  const kind = (ON_BEHALF_KINDS as readonly string[]).includes(str(fields.kind)) ? (fields.kind as OnBehalfKind) : null
  if (!kind) errors.behalf_kind = { key: 'behalf.errors.kind' }
  const subjectName = cleanLine(fields.subjectName)
  if (!subjectName) errors.subject_name = { key: 'formErrors.subjectNameRequired' }
  else if (subjectName.length > MAX_NAME) errors.subject_name = { key: 'formErrors.subjectNameTooLong', params: { max: MAX_NAME } }
  else if (isLinkLikeName(subjectName)) errors.subject_name = { key: 'errors.nameLink' }
  const rawEmail = str(fields.subjectEmail).trim()
  const subjectEmail = rawEmail === '' ? null : normaliseEmail(rawEmail)
  if (subjectEmail !== null && !isValidEmail(subjectEmail)) errors.subject_email = { key: 'errors.email' }
  if (!cleanLine(raw.name)) errors.name = { key: 'behalf.errors.representativeName' }
  if (Object.keys(errors).length > 0 || !kind || !subjectName) return { value: null, errors }
  return { value: { kind, subjectName, subjectEmail }, errors }
}

/** The submission's and the case's columns for a request, with its stored proof (only when for someone else). */
export function onBehalfColumns(o: OnBehalfOf | null, proof: { file: string; name: string; type: string } | null) {
  return {
    on_behalf_kind: o?.kind ?? null,
    subject_name: o?.subjectName ?? null,
    subject_email: o?.subjectEmail ?? null,
    proof_file: o ? (proof?.file ?? null) : null,
    proof_name: o ? (proof?.name ?? null) : null,
    proof_type: o ? (proof?.type ?? null) : null,
  }
}
