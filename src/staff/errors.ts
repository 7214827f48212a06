import { DomainError, errorTable } from '../domain/errors.js'

export { DomainError }

/**
 * A staff action that cannot be done: its code is the key of its message under `staff.errors`
 * (src/i18n/staff.*.ts), its field the form field it belongs to. Messages never repeat what was typed.
 */
export const staffFail = errorTable({
  invalid_email: [400, 'staff.errors.invalid_email'],
  invalid_name: [400, 'staff.errors.invalid_name'],
  invalid_role: [400, 'staff.errors.invalid_role'],
  exists: [409, 'staff.errors.exists'],
  not_found: [404, 'staff.errors.not_found'],
  last_admin: [409, 'staff.errors.last_admin'],
  own_account: [409, 'staff.errors.own_account'],
  password_mismatch: [400, 'staff.errors.password_mismatch'],
  password_tooShort: [400, 'staff.errors.password_tooShort'],
  password_tooLong: [400, 'staff.errors.password_tooLong'],
  password_common: [400, 'staff.errors.password_common'],
  password_personal: [400, 'staff.errors.password_personal'],
})

export type StaffErrorCode = Parameters<typeof staffFail>[0]
export type StaffField = 'email' | 'name' | 'role' | 'password' | 'password2'

/** A staff error, with the form field it belongs to. */
export function staffError(code: StaffErrorCode, field: StaffField | null = null): DomainError {
  return staffFail(code, {}, field)
}

/** Whether an error is one of the staff rules (so a form shows it again) rather than a fault. */
export function isStaffError(error: unknown): error is DomainError {
  return error instanceof DomainError && error.key.startsWith('staff.errors.')
}
