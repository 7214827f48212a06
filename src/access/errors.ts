import { errorTable } from '../domain/errors.js'

/** The refusals of package work: code → [HTTP status, catalogue key] (texts in src/i18n/access.*.ts). */
export const packageError = errorTable({
  not_eligible: [422, 'access.errors.notEligible'],
  case_closed: [409, 'access.errors.caseClosed'],
  no_package: [409, 'access.errors.noPackage'],
  package_sent: [409, 'access.errors.packageSent'],
  not_reviewed: [409, 'access.errors.notReviewed'],
  cover_letter_required: [400, 'access.errors.coverLetterRequired'],
  cover_letter_too_long: [400, 'access.errors.coverLetterTooLong'],
  file_required: [400, 'access.errors.fileRequired'],
  file_empty: [400, 'access.errors.fileEmpty'],
  file_too_large: [413, 'access.errors.fileTooLarge'],
  file_type: [415, 'access.errors.fileType'],
  file_not_found: [404, 'access.errors.fileNotFound'],
  withheld_invalid: [400, 'access.errors.withheldInvalid'],
  withheld_too_many: [400, 'access.errors.withheldTooMany'],
  withheld_description_required: [400, 'access.errors.withheldDescriptionRequired'],
  withheld_reason_required: [400, 'access.errors.withheldReasonRequired'],
  withheld_too_long: [400, 'access.errors.withheldTooLong'],
  too_many_files: [409, 'access.errors.tooManyFiles'],
  not_found: [404, 'access.errors.packageNotFound'],
  /** The API's cover letter needs its text or `reset: true`; checked before the case, as always. */
  invalid_body: [400, 'access.errors.coverLetterBody'],
})

export type PackageErrorCode = Parameters<typeof packageError>[0]

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} kB`
  return `${n} B`
}
