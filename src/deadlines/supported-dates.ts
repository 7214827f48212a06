import { isValidDate } from './calendar-date.js'

/**
 * The dates the portal computes deadlines for. Wide enough for any real request (the GDPR applies
 * from 2018), and well inside what the holiday calendar covers, so a deadline three months and a
 * few holidays on is always computable; anything outside is refused where it enters.
 */
export const SUPPORTED_DATES = { from: '2000-01-01', to: '2999-12-31' } as const

export function isSupportedDate(value: unknown): value is string {
  return typeof value === 'string' && isValidDate(value) && value >= SUPPORTED_DATES.from && value <= SUPPORTED_DATES.to
}
