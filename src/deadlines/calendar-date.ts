/**
 * Plain calendar dates ('YYYY-MM-DD', no time, no zone).
 *
 * Deadlines are counted in whole calendar days, so dates are kept apart from
 * instants: all arithmetic goes through a UTC day number, which has no DST
 * transitions and therefore no 23- or 25-hour days.
 */

/** A calendar date written 'YYYY-MM-DD'. */
export type IsoDate = string

export interface DateParts {
  readonly year: number
  /** 1..12 */
  readonly month: number
  /** 1..31 */
  readonly day: number
}

/** 0 = Sunday .. 6 = Saturday, as Date#getUTCDay. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6

const MS_PER_DAY = 86_400_000
// Date.UTC reads years 0..99 as 1900..1999. The Gregorian calendar repeats
// exactly every 400 years, so we shift by one cycle to stay clear of that.
const DAYS_PER_400_YEARS = 146_097
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function validParts(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    year >= 0 && year <= 9999 &&
    month >= 1 && month <= 12 &&
    day >= 1 && day <= daysInMonth(year, month)
  )
}

/** The parts of a valid date, or null (bad format or e.g. '2026-02-30'). */
export function tryParseDate(value: string): DateParts | null {
  const m = ISO_DATE.exec(value)
  if (!m) return null
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  return validParts(year, month, day) ? { year, month, day } : null
}

export function isValidDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && tryParseDate(value) !== null
}

/** @throws RangeError when `value` is not a real 'YYYY-MM-DD' date. */
export function parseDate(value: string): DateParts {
  const parts = tryParseDate(value)
  if (!parts) throw new RangeError(`Invalid calendar date: ${JSON.stringify(value)}`)
  return parts
}

/** @throws RangeError when the parts do not name a real date in 0000..9999. */
export function formatDate(parts: DateParts): IsoDate {
  const { year, month, day } = parts
  if (!validParts(year, month, day)) {
    throw new RangeError(`Invalid calendar date: ${year}-${month}-${day}`)
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** Days since 1970-01-01 (negative before). */
export function toEpochDay(date: IsoDate): number {
  const { year, month, day } = parseDate(date)
  return Date.UTC(year + 400, month - 1, day) / MS_PER_DAY - DAYS_PER_400_YEARS
}

export function fromEpochDay(epochDay: number): IsoDate {
  if (!Number.isInteger(epochDay)) throw new RangeError(`Not a whole day number: ${epochDay}`)
  const d = new Date((epochDay + DAYS_PER_400_YEARS) * MS_PER_DAY)
  return formatDate({ year: d.getUTCFullYear() - 400, month: d.getUTCMonth() + 1, day: d.getUTCDate() })
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`)
  return fromEpochDay(toEpochDay(date) + days)
}

/**
 * The same day of the month `months` later (or earlier, when negative); when
 * that month is too short, its last day. This is the month rule of
 * Regulation 1182/71 Art. 3(2)(c).
 */
export function addMonthsClamped(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`Not a whole number of months: ${months}`)
  const { year, month, day } = parseDate(date)
  const monthIndex = year * 12 + (month - 1) + months
  const newYear = Math.floor(monthIndex / 12)
  const newMonth = monthIndex - newYear * 12 + 1
  if (newYear < 0 || newYear > 9999) throw new RangeError(`Date out of range: ${date} + ${months} months`)
  return formatDate({ year: newYear, month: newMonth, day: Math.min(day, daysInMonth(newYear, newMonth)) })
}

export function dayOfWeek(date: IsoDate): DayOfWeek {
  // 1970-01-01 was a Thursday (4).
  return ((((toEpochDay(date) + 4) % 7) + 7) % 7) as DayOfWeek
}

/** Calendar days from `from` to `to`: positive when `to` is later. */
export function diffDays(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from)
}

/** Sort comparator: -1, 0 or 1. Validates both dates. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const d = diffDays(b, a)
  return d < 0 ? -1 : d > 0 ? 1 : 0
}
