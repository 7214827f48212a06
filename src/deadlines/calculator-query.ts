/**
 * The deadline calculator's input, shared by the staff page and GET /api/v1/deadlines.
 * `confirmedAt` is when a web request's address was confirmed: the wait before it is paused
 * (EDPB Guidelines 01/2022 §159), and computeDueDate takes the earlier of the two readings.
 */
import { diffDays, isValidDate, type IsoDate } from './calendar-date.js'
import type { DeadlineMonths } from './due-date.js'
import { isSupportedDate, SUPPORTED_DATES } from './supported-dates.js'

/** A confirmation link lives hours and an unconfirmed submission days; a year is beyond any real wait. */
export const MAX_CONFIRMATION_WAIT_DAYS = 366

export type CalculatorProblem = 'receivedAt_invalid' | 'receivedAt_range' | 'months_invalid' | 'confirmedAt_invalid' | 'confirmedAt_before' | 'confirmedAt_too_late'

export type CalculatorQuery =
  | { ok: true; receivedDate: IsoDate; months: DeadlineMonths; confirmedDate: IsoDate | null; pausedDays: number }
  | { ok: false; fields: Partial<Record<'receivedAt' | 'months' | 'confirmedAt', CalculatorProblem>> }

export function parseCalculatorQuery(q: { receivedAt?: unknown; confirmedAt?: unknown; months?: unknown }): CalculatorQuery {
  const fields: Partial<Record<'receivedAt' | 'months' | 'confirmedAt', CalculatorProblem>> = {}
  const received = isSupportedDate(q.receivedAt) ? q.receivedAt : null
  if (!received) fields.receivedAt = isValidDate(q.receivedAt) ? 'receivedAt_range' : 'receivedAt_invalid'
  if (q.months !== undefined && q.months !== '1' && q.months !== '3') fields.months = 'months_invalid'
  // An empty field (the page's form sends it) means no confirmation date.
  const rawConfirmed = q.confirmedAt === undefined || q.confirmedAt === '' ? null : q.confirmedAt
  let confirmed: IsoDate | null = null
  if (rawConfirmed !== null) {
    if (!isValidDate(rawConfirmed)) fields.confirmedAt = 'confirmedAt_invalid'
    else if (received && diffDays(received, rawConfirmed) < 0) fields.confirmedAt = 'confirmedAt_before'
    else if (received && diffDays(received, rawConfirmed) > MAX_CONFIRMATION_WAIT_DAYS) fields.confirmedAt = 'confirmedAt_too_late'
    else confirmed = rawConfirmed
  }
  if (!received || Object.keys(fields).length) return { ok: false, fields }
  return { ok: true, receivedDate: received, months: q.months === '3' ? 3 : 1, confirmedDate: confirmed, pausedDays: confirmed ? diffDays(received, confirmed) : 0 }
}

/** The API's English wording of each problem. */
export const CALCULATOR_PROBLEM_TEXT: Record<CalculatorProblem, string> = {
  receivedAt_invalid: 'must be a date (YYYY-MM-DD)',
  receivedAt_range: `must be a date from ${SUPPORTED_DATES.from} to ${SUPPORTED_DATES.to} (the range the portal computes deadlines for)`,
  months_invalid: 'must be 1 or 3',
  confirmedAt_invalid: 'must be a date (YYYY-MM-DD)',
  confirmedAt_before: 'must not be before receivedAt',
  confirmedAt_too_late: `must be at most ${MAX_CONFIRMATION_WAIT_DAYS} days after receivedAt`,
}
