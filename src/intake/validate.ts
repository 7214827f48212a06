import {
  CONSENT_KINDS,
  MAX_DETAILS,
  MAX_NAME,
  MAX_VALUE,
  RELATIONSHIPS,
  isRequestType,
  type ConsentKind,
  type Relationship,
  type RequestType,
} from './request-types.js'
import { emailKey, emailProblemKey, parseEmail } from './email-address.js'
import { isLinkLikeName } from './name-rule.js'
import { parseOnBehalf, type OnBehalfErrors, type OnBehalfOf } from './on-behalf.js'
import { cleanLine, cleanText, isValidEmail, normaliseEmail, type FieldError } from './fields.js'

export interface RequestInput {
  type: RequestType
  email: string
  name: string | null
  relationship: Relationship | null
  consentKind: ConsentKind | null
  details: string | null
  incorrect: string | null
  correct: string | null
  /** Questions only: the person consents to keeping their data after the answer. */
  keepData?: boolean
  /** Made for someone else (src/intake/on-behalf.ts); null: about the requester. */
  onBehalfOf?: OnBehalfOf | null
}

export type FieldErrors = Partial<Record<'type' | 'email' | 'name' | 'relationship' | 'consent' | 'details' | 'incorrect' | 'correct', FieldError>> & OnBehalfErrors

export { cleanLine, cleanText, emailKey, isValidEmail, normaliseEmail, type FieldError }

function isYes(v: unknown): boolean {
  return v === true || v === 'on' || v === 'true' || v === '1' || v === 'yes'
}

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | null | undefined {
  if (value === undefined || value === null || value === '') return null
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined
}

/**
 * One set of rules for forms and API. `strictConsent` makes the consent choice required,
 * as the form asks it; integrations may leave it for staff to find out.
 */
export function validateRequest(
  raw: Record<string, unknown>,
  opts: { strictConsent: boolean },
): { ok: true; value: RequestInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const type = raw.type
  if (!isRequestType(type)) errors.type = { key: 'formErrors.type' }

  const parsedEmail = parseEmail(raw.email)
  const email = parsedEmail.ok ? parsedEmail.email : ''
  if (!parsedEmail.ok) {
    errors.email = parsedEmail.problem === 'required' ? { key: 'formErrors.emailRequired' } : { key: emailProblemKey(parsedEmail.problem) }
  }

  const name = cleanLine(raw.name)
  if (name && name.length > MAX_NAME) errors.name = { key: 'formErrors.nameTooLong', params: { max: MAX_NAME } }
  else if (name && isLinkLikeName(name)) errors.name = { key: 'errors.nameLink' }

  const relationship = pick(raw.relationship, RELATIONSHIPS)
  if (relationship === undefined) errors.relationship = { key: 'formErrors.relationship' }

  const consentKind = pick(raw.consent, CONSENT_KINDS)
  if (consentKind === undefined || (consentKind === null && type === 'withdraw_consent' && opts.strictConsent)) {
    errors.consent = { key: 'formErrors.consent' }
  }

  const details = cleanText(raw.details)
  if (details && details.length > MAX_DETAILS) errors.details = { key: type === 'question' ? 'formErrors.questionTooLong' : 'formErrors.detailsTooLong', params: { max: MAX_DETAILS } }

  const incorrect = cleanText(raw.incorrect)
  const correct = cleanText(raw.correct)
  if (incorrect && incorrect.length > MAX_VALUE) errors.incorrect = { key: 'formErrors.incorrectTooLong', params: { max: MAX_VALUE } }
  if (correct && correct.length > MAX_VALUE) errors.correct = { key: 'formErrors.correctTooLong', params: { max: MAX_VALUE } }
  if (type === 'rectification' && !correct && !details && !errors.correct) errors.correct = { key: 'errors.rectification' }
  if (type === 'question' && !details && !errors.details) errors.details = { key: 'errors.question' }
  const behalf = parseOnBehalf(raw)
  for (const [field, error] of Object.entries(behalf.errors) as Array<[keyof OnBehalfErrors, FieldError]>) errors[field] ??= error

  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      type: type as RequestType,
      email,
      name,
      relationship: relationship ?? null,
      consentKind: type === 'withdraw_consent' ? (consentKind ?? null) : null,
      details,
      incorrect: type === 'rectification' ? incorrect : null,
      correct: type === 'rectification' ? correct : null,
      keepData: type === 'question' && isYes(raw.keep),
      onBehalfOf: behalf.value,
    },
  }
}
