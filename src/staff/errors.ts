import type { PasswordProblem } from './password-policy.js'

export type StaffErrorCode =
  | 'invalid_email'
  | 'invalid_name'
  | 'invalid_role'
  | 'exists'
  | 'not_found'
  | 'last_admin'
  | 'own_account'
  | 'password_mismatch'
  | `password_${PasswordProblem}`

/**
 * A staff action that cannot be done. `code` names an i18n key under `staff.errors`
 * (src/i18n/sv.ts, en.ts); `field` names the form field it belongs to. Messages never
 * repeat what was typed.
 */
export class StaffError extends Error {
  constructor(
    readonly code: StaffErrorCode,
    readonly field: 'email' | 'name' | 'role' | 'password' | 'password2' | null = null,
  ) {
    super(`staff: ${code}`)
    this.name = 'StaffError'
  }
}
