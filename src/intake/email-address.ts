import { domainToASCII, domainToUnicode } from 'node:url'
import type { MessageKey } from '../i18n/index.js'
import { MAX_EMAIL } from './request-types.js'

/*
 * The one place an email address is read, for every entry point (forms, API, CSV import, staff
 * forms, subscribers, staff accounts). One mailbox must be one address: limits, register matching
 * and suppressions all compare the key made here, so a character a mail server ignores must never
 * make a "new" address.
 */

export type EmailProblem = 'required' | 'hidden_characters' | 'invalid'
export type ParsedEmail = { ok: true; email: string; key: string } | { ok: false; problem: EmailProblem }

// Control, format (U+200B, U+2060, U+00AD, U+FEFF, bidi controls...), other default-ignorable
// characters (fillers, variation selectors), line/paragraph separators and lone surrogates:
// invisible on screen, and some servers drop them, so they would deliver to the plain mailbox.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Cs}]/u

// Deliberately plain: one @, no spaces, a dot in the domain.
const SHAPE = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]_]+\.[^\s@"(),:;<>[\\\]_]{2,}$/u

/** True when the text holds a character nobody can see (used for addresses and names alike). */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text)
}

/**
 * Trims, refuses hidden characters, applies NFC, and writes the domain as lower-case Unicode
 * (IDNA, UTS #46: the U-label), the form stored and shown. `key` is how the address is matched.
 */
export function parseEmail(raw: unknown): ParsedEmail {
  if (typeof raw !== 'string') return { ok: false, problem: 'required' }
  const trimmed = raw.trim()
  if (trimmed === '') return { ok: false, problem: 'required' }
  if (HIDDEN.test(trimmed)) return { ok: false, problem: 'hidden_characters' }
  const text = trimmed.normalize('NFC')
  const at = text.lastIndexOf('@')
  if (at <= 0) return { ok: false, problem: 'invalid' }
  const ascii = domainToASCII(text.slice(at + 1))
  if (ascii === '') return { ok: false, problem: 'invalid' }
  const email = text.slice(0, at) + '@' + domainToUnicode(ascii)
  if (email.length > MAX_EMAIL || text.slice(0, at).length + 1 + ascii.length > MAX_EMAIL) return { ok: false, problem: 'invalid' }
  if (!SHAPE.test(email) || email.includes('..')) return { ok: false, problem: 'invalid' }
  return { ok: true, email, key: email.toLowerCase() }
}

/** The key for something typed where a failed parse simply matches nothing (sign-in, look-ups). */
export function emailKey(raw: string): string {
  const parsed = parseEmail(raw)
  return parsed.ok ? parsed.key : raw.trim().toLowerCase()
}

/** The English text the APIs give for a refused address. */
export function emailProblemText(problem: EmailProblem): string {
  if (problem === 'hidden_characters') return 'contains invisible or control characters; type the address again'
  return problem === 'required' ? 'is required' : 'is not a valid email address'
}

/** The message key the pages translate for a refused address. */
export function emailProblemKey(problem: EmailProblem): MessageKey {
  return problem === 'hidden_characters' ? 'errors.emailHidden' : 'errors.email'
}

const SCRIPTS = [
  'Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo',
  'Thai', 'Devanagari', 'Bengali', 'Tamil', 'Cherokee', 'Coptic', 'Ethiopic', 'Syriac', 'Thaana', 'Mongolian', 'Tifinagh',
].map((name) => ({ name, re: new RegExp(`\\p{Script=${name}}`, 'u') }))

function scriptOf(ch: string): string {
  return SCRIPTS.find((s) => s.re.test(ch))?.name ?? 'Other'
}

// UTS #39 "highly restrictive": one script, or Latin with the scripts Japanese, Chinese and Korean are written in.
const ALLOWED_MIXES = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
]

function mixesScripts(part: string): boolean {
  const scripts = new Set<string>()
  for (const ch of part) if (/\p{L}/u.test(ch)) scripts.add(scriptOf(ch))
  if (scripts.size <= 1) return false
  return !ALLOWED_MIXES.some((allowed) => [...scripts].every((s) => allowed.includes(s)))
}

/**
 * 'mixed_scripts' when the local part or a domain label mixes scripts (a Cyrillic "а" among
 * Latin letters): accepted, since it may be real, but staff are told it may imitate another address.
 */
export function emailWarning(email: string | null): 'mixed_scripts' | null {
  if (!email) return null
  const at = email.lastIndexOf('@')
  const parts = [email.slice(0, at), ...domainToUnicode(email.slice(at + 1)).split('.')]
  return parts.some(mixesScripts) ? 'mixed_scripts' : null
}
