import type { MessageKey } from '../i18n/index.js'
import { parseEmail } from './email-address.js'

/** A field's error as a message key and its parameters, translated where it is shown. */
export interface FieldError {
  key: MessageKey
  params?: Record<string, unknown>
}

/** The address as stored (src/intake/email-address.ts); what was typed, trimmed, when it cannot be read. */
export function normaliseEmail(raw: string): string {
  const parsed = parseEmail(raw)
  return parsed.ok ? parsed.email : raw.trim()
}

export function isValidEmail(email: string): boolean {
  return parseEmail(email).ok
}

/** Names go into email headers: control characters (CR/LF among them) become spaces. */
export function cleanLine(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  // eslint-disable-next-line no-control-regex
  const v = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()
  return v === '' ? null : v
}

/** Free text keeps its line breaks but loses other control characters. */
export function cleanText(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  // eslint-disable-next-line no-control-regex
  const v = raw.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim()
  return v === '' ? null : v
}
