import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../paths.js'
import { normalisePassword } from './password-hash.js'

/**
 * Staff passwords (NIST SP 800-63B): 12 to 128 characters, no composition rules, refused when
 * common or equal to the person's own email address or name. Length is counted in characters
 * (code points) after NFKC normalisation, so "åäö" counts three.
 */
export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 128

/** The source file is read from the project root, so the compiled build finds it too. */
const LIST_FILE = join(projectRoot, 'src', 'staff', 'common-passwords.txt')

let common: Set<string> | null = null

export function commonPasswords(): Set<string> {
  if (!common) {
    common = new Set(
      readFileSync(LIST_FILE, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.normalize('NFKC').toLowerCase()),
    )
  }
  return common
}

/** An i18n key under staff.password (tooShort, tooLong, common, personal), or null when acceptable. */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'personal'

export function checkPassword(password: string, person: { email?: string | null; name?: string | null } = {}): PasswordProblem | null {
  const normal = normalisePassword(password)
  const length = [...normal].length
  if (length < PASSWORD_MIN) return 'tooShort'
  if (length > PASSWORD_MAX) return 'tooLong'
  const lower = normal.toLowerCase()
  if (commonPasswords().has(lower)) return 'common'
  // The person's own address, its local part and name, compared without case or spacing.
  const squash = (v: string) => v.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
  const personal = new Set(
    [person.email, person.email?.split('@')[0], person.name]
      .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      .map(squash),
  )
  if (personal.has(squash(normal))) return 'personal'
  return null
}
