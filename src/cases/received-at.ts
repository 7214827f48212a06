import { isValidDate } from '../deadlines/calendar-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { t, type Lang } from '../i18n/index.js'

export { SUPPORTED_DATES, isSupportedDate } from '../deadlines/supported-dates.js'
import { isSupportedDate, SUPPORTED_DATES } from '../deadlines/supported-dates.js'

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * A receipt date typed by staff: 'YYYY-MM-DD' (taken as noon UTC, which is that same date in
 * Stockholm all year) or an ISO timestamp with an offset. Not in the future.
 */
export function parseReceivedAt(raw: unknown, now: Date): { ok: true; iso: string } | { ok: false; problem: 'invalid' | 'future' | 'range' } {
  if (typeof raw !== 'string') return { ok: false, problem: 'invalid' }
  const value = raw.trim()
  const datePart = value.slice(0, 10)
  let iso: string
  if (isValidDate(value)) {
    if (!isSupportedDate(value)) return { ok: false, problem: 'range' }
    if (value > stockholmDate(now)) return { ok: false, problem: 'future' }
    iso = `${value}T12:00:00.000Z`
    // Today's date must not end up later than now.
    if (iso > now.toISOString()) iso = now.toISOString()
    return { ok: true, iso }
  }
  if (!ISO_INSTANT.test(value) || !isValidDate(datePart)) return { ok: false, problem: 'invalid' }
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return { ok: false, problem: 'invalid' }
  if (!isSupportedDate(stockholmDate(d))) return { ok: false, problem: 'range' }
  if (d.getTime() > now.getTime() + 60_000) return { ok: false, problem: 'future' }
  return { ok: true, iso: d.toISOString() }
}

/** The form message for a refused receipt date, naming the supported range when that was the problem. */
export function receivedAtProblem(lang: Lang, problem: 'invalid' | 'future' | 'range'): string {
  if (problem === 'range') return t(lang, 'cases.manual.outOfRange', SUPPORTED_DATES)
  return t(lang, problem === 'future' ? 'cases.manual.future' : 'cases.manual.invalidDate')
}
