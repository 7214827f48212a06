/**
 * Which calendar day an instant falls on for the company, i.e. in
 * Europe/Stockholm, whatever time zone the server itself runs in.
 */
import { formatDate, isValidDate, type IsoDate } from './calendar-date.js'

export const COMPANY_TIME_ZONE = 'Europe/Stockholm'

// An instant must carry its offset: a bare local time would be read in the
// server's zone and could land on the wrong day. Date.parse alone is too
// lenient (it rolls '2026-02-30' over into March), hence the explicit checks.
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i

let formatter: Intl.DateTimeFormat | undefined

function stockholmFormatter(): Intl.DateTimeFormat {
  // Constructing a DateTimeFormat is slow relative to using one.
  formatter ??= new Intl.DateTimeFormat('en-US', {
    timeZone: COMPANY_TIME_ZONE,
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  })
  return formatter
}

/**
 * A Date from a Date or an ISO 8601 instant with offset
 * ('2026-03-31T22:30:00Z', '2026-04-01T00:30+02:00').
 * @throws RangeError on anything else.
 */
export function parseInstant(instant: Date | string): Date {
  if (instant instanceof Date) {
    if (Number.isNaN(instant.getTime())) throw new RangeError('Invalid Date')
    return instant
  }
  const m = ISO_INSTANT.exec(instant)
  const ms = m && isValidDate(m[1]) ? Date.parse(instant) : NaN
  if (Number.isNaN(ms)) {
    throw new RangeError(`Not an ISO 8601 instant with offset: ${JSON.stringify(instant)}`)
  }
  return new Date(ms)
}

/** The Europe/Stockholm calendar date ('YYYY-MM-DD') of an instant. */
export function stockholmDate(instant: Date | string): IsoDate {
  const parts = stockholmFormatter().formatToParts(parseInstant(instant))
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value)
  return formatDate({ year: get('year'), month: get('month'), day: get('day') })
}
