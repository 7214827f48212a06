import { isValidDate } from '../deadlines/calendar-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * A receipt date typed by staff: 'YYYY-MM-DD' (taken as noon UTC, which is that same date in
 * Stockholm all year) or an ISO timestamp with an offset. Not in the future.
 */
export function parseReceivedAt(raw: unknown, now: Date): { ok: true; iso: string } | { ok: false; problem: 'invalid' | 'future' } {
  if (typeof raw !== 'string') return { ok: false, problem: 'invalid' }
  const value = raw.trim()
  const datePart = value.slice(0, 10)
  let iso: string
  if (isValidDate(value)) {
    if (value > stockholmDate(now)) return { ok: false, problem: 'future' }
    iso = `${value}T12:00:00.000Z`
    // Today's date must not end up later than now.
    if (iso > now.toISOString()) iso = now.toISOString()
    return { ok: true, iso }
  }
  if (!ISO_INSTANT.test(value) || !isValidDate(datePart)) return { ok: false, problem: 'invalid' }
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return { ok: false, problem: 'invalid' }
  if (d.getTime() > now.getTime() + 60_000) return { ok: false, problem: 'future' }
  return { ok: true, iso: d.toISOString() }
}
