/**
 * GDPR Art. 12(3) deadlines: one month from receipt, extendable once by two
 * further months, counted per Regulation 1182/71:
 *  - Art. 3(1): the day of receipt is not counted;
 *  - Art. 3(2)(c): a period of months ends on the same date in the last month,
 *    or on that month's last day when the date does not exist;
 *  - Art. 3(4): a period ending on a Saturday, Sunday or public holiday ends
 *    on the next working day instead.
 * Where the law can be read two ways we take the reading that gives the
 * earlier date, so an answer on the date shown is never late (see
 * `periodEnd` and `pausedDueDate`).
 * Pure: "today" is always an argument.
 */
import {
  addDays,
  addMonthsClamped,
  dayOfWeek,
  diffDays,
  parseDate,
  type IsoDate,
} from './calendar-date.js'
import { holidayName, isWorkingDay, type HolidayName } from './holidays.js'
import { parseInstant, stockholmDate } from './stockholm.js'

/** 1 = the normal period; 3 = the original month plus the two-month extension. */
export type DeadlineMonths = 1 | 3

export interface DueDateInput {
  readonly receivedDate: IsoDate
  readonly months: DeadlineMonths
  readonly eves?: boolean
  /** Calendar days the clock stood still (e.g. receipt to confirmation of the address); 0 when absent. */
  readonly pausedDays?: number
}

export type SkipReason = 'saturday' | 'sunday' | 'holiday'

export interface SkippedDay {
  readonly date: IsoDate
  /** Weekend wins over holiday; `holiday` is set whenever the day is one, even on a weekend. */
  readonly reason: SkipReason
  readonly holiday?: HolidayName
}

export interface DueDateResult {
  readonly receivedDate: IsoDate
  readonly months: DeadlineMonths
  /** The end of the period before the working-day rule (of the reading that gave `dueDate`). */
  readonly rawEnd: IsoDate
  /** The last day on which the answer is on time. */
  readonly dueDate: IsoDate
  /** The days from rawEnd up to (not including) dueDate, and why each was skipped. */
  readonly skipped: readonly SkippedDay[]
}

/** A pause of the clock, e.g. while waiting for the requester to prove identity. */
export interface Pause {
  readonly start: string
  /** null while the pause is still running. */
  readonly end: string | null
}

export interface CaseDeadlineInput {
  /** ISO 8601 instant with offset. */
  readonly receivedAt: string
  /** When given, receivedAt..verifiedAt is paused (EDPB Guidelines 01/2022 §159). */
  readonly verifiedAt?: string | null
  readonly pauses: readonly Pause[]
  readonly extended: boolean
  /** The current Stockholm date. */
  readonly today: IsoDate
  readonly eves?: boolean
  /**
   * Unsubscribe / objection to direct marketing: due within 48 hours of
   * receipt, with no month period, no extension and no pauses.
   */
  readonly immediate?: boolean
}

export type DeadlineState = 'overdue' | 'due_today' | 'due_soon' | 'ok'

export interface CaseDeadline {
  readonly receivedDate: IsoDate
  /** The due date ignoring pauses. */
  readonly strictDueDate: IsoDate
  readonly dueDate: IsoDate
  readonly pausedDays: number
  /** 0 on the due date, negative once overdue. */
  readonly daysLeft: number
  readonly state: DeadlineState
  /** Whether the extended (3-month) period applies; always false for immediate requests. */
  readonly extended: boolean
  /** The one-month deadline with pauses; for immediate requests, the 48-hour date. */
  readonly oneMonthDueDate: IsoDate
  readonly immediate: boolean
}

export type ExtendRefusal = 'already_extended' | 'one_month_passed' | 'immediate'
export type ExtendCheck = { readonly ok: true } | { readonly ok: false; readonly reason: ExtendRefusal }

/** daysLeft from 1 to this many is 'due_soon'. */
export const DUE_SOON_DAYS = 7
export const IMMEDIATE_HOURS = 48
const MS_PER_HOUR = 3_600_000

/** Art. 3(4): move a period end off weekends and holidays, recording each day skipped. */
function rollToWorkingDay(end: IsoDate, eves: boolean): { dueDate: IsoDate; skipped: SkippedDay[] } {
  const opts = { eves }
  const skipped: SkippedDay[] = []
  let date = end
  while (!isWorkingDay(date, opts)) {
    const dow = dayOfWeek(date)
    const holiday = holidayName(date, opts)
    const reason: SkipReason = dow === 6 ? 'saturday' : dow === 0 ? 'sunday' : 'holiday'
    skipped.push(holiday ? { date, reason, holiday } : { date, reason })
    date = addDays(date, 1)
  }
  return { dueDate: date, skipped }
}

function checkMonths(months: number): asserts months is DeadlineMonths {
  if (months !== 1 && months !== 3) throw new RangeError(`months must be 1 or 3: ${months}`)
}

/**
 * The end of a period of `months` from `start`, before Art. 3(4) rolling.
 * Art. 12(3) grants "two further months": we read them as running from the
 * end of the first month as Art. 3(2)(c) gives it (before rolling), so
 * 2026-01-30 → 2026-02-28 → 2026-04-28, not 2026-04-30 (counting three months
 * from receipt). Both readings are defensible; this one is never later.
 */
export function periodEnd(start: IsoDate, months: DeadlineMonths): IsoDate {
  const firstMonth = addMonthsClamped(start, 1)
  return months === 1 ? firstMonth : addMonthsClamped(firstMonth, 2)
}

/**
 * The due date when the clock stood still for `pausedDays` calendar days.
 * EDPB Guidelines 01/2022 §159: a suspension can at most move the start of the
 * period. Two readings follow, and since months differ in length they can
 * disagree; we take the earlier:
 *  (a) the period from receipt, its unrolled end moved by the paused days;
 *  (b) the period counted from the moved start (receipt + paused days; for the
 *      wait before the address is confirmed, that is the confirmation date).
 * 2027-01-29 confirmed 2027-02-01: (a) 2027-03-03, (b) 2027-03-01 → 2027-03-01.
 * 2026-02-27 confirmed 2026-03-01: (a) 2026-03-30, (b) 2026-04-01 → 2026-03-30.
 */
function pausedPeriod(receivedDate: IsoDate, months: DeadlineMonths, pausedDays: number, eves: boolean): { rawEnd: IsoDate; dueDate: IsoDate; skipped: SkippedDay[] } {
  const fromReceipt = addDays(periodEnd(receivedDate, months), pausedDays)
  const fromMovedStart = periodEnd(addDays(receivedDate, pausedDays), months)
  const a = { rawEnd: fromReceipt, ...rollToWorkingDay(fromReceipt, eves) }
  if (pausedDays === 0) return a
  const b = { rawEnd: fromMovedStart, ...rollToWorkingDay(fromMovedStart, eves) }
  return diffDays(b.dueDate, a.dueDate) > 0 ? b : a
}

export function computeDueDate(input: DueDateInput): DueDateResult {
  const { receivedDate, months } = input
  parseDate(receivedDate)
  checkMonths(months)
  const pausedDays = input.pausedDays ?? 0
  if (!Number.isInteger(pausedDays) || pausedDays < 0) throw new RangeError(`pausedDays must be a whole number from 0: ${pausedDays}`)
  return { receivedDate, months, ...pausedPeriod(receivedDate, months, pausedDays, input.eves === true) }
}

/**
 * Total calendar days paused, counted between the Stockholm dates of each
 * pause's start and end (an open pause runs to `today`). Pauses are merged
 * first so that days covered twice count once.
 */
export function countPausedDays(
  input: Pick<CaseDeadlineInput, 'receivedAt' | 'verifiedAt' | 'pauses' | 'today'>,
): number {
  const all: Pause[] = [...input.pauses]
  if (input.verifiedAt != null) all.push({ start: input.receivedAt, end: input.verifiedAt })

  // Half-open day ranges [start, end): a pause that starts and ends on the same day counts 0.
  const ranges = all.map(({ start, end }) => {
    if (end !== null && parseInstant(end).getTime() < parseInstant(start).getTime()) {
      throw new RangeError(`Pause ends before it starts: ${start} .. ${end}`)
    }
    const from = stockholmDate(start)
    const to = end === null ? input.today : stockholmDate(end)
    // An open pause that starts after `today` has not paused anything yet.
    return diffDays(from, to) > 0 ? { from, to } : null
  })

  let total = 0
  let current: { from: IsoDate; to: IsoDate } | null = null
  const sorted = ranges
    .filter((r) => r !== null)
    .sort((a, b) => diffDays(b.from, a.from))
  for (const r of sorted) {
    if (current && diffDays(r.from, current.to) >= 0) {
      if (diffDays(current.to, r.to) > 0) current.to = r.to
    } else {
      if (current) total += diffDays(current.from, current.to)
      current = { ...r }
    }
  }
  if (current) total += diffDays(current.from, current.to)
  return total
}

export function deadlineState(daysLeft: number): DeadlineState {
  if (daysLeft < 0) return 'overdue'
  if (daysLeft === 0) return 'due_today'
  return daysLeft <= DUE_SOON_DAYS ? 'due_soon' : 'ok'
}

function pausedDueDate(receivedDate: IsoDate, months: DeadlineMonths, pausedDays: number, eves: boolean): IsoDate {
  return pausedPeriod(receivedDate, months, pausedDays, eves).dueDate
}

export function computeCaseDeadline(input: CaseDeadlineInput): CaseDeadline {
  const { receivedAt, today } = input
  const eves = input.eves === true
  parseDate(today)
  const receivedDate = stockholmDate(receivedAt)

  if (input.immediate) {
    const dueDate = stockholmDate(new Date(parseInstant(receivedAt).getTime() + IMMEDIATE_HOURS * MS_PER_HOUR))
    const daysLeft = diffDays(today, dueDate)
    return {
      receivedDate,
      strictDueDate: dueDate,
      dueDate,
      pausedDays: 0,
      daysLeft,
      state: deadlineState(daysLeft),
      extended: false,
      oneMonthDueDate: dueDate,
      immediate: true,
    }
  }

  const months: DeadlineMonths = input.extended ? 3 : 1
  const pausedDays = countPausedDays(input)
  const dueDate = pausedDueDate(receivedDate, months, pausedDays, eves)
  const daysLeft = diffDays(today, dueDate)
  return {
    receivedDate,
    strictDueDate: computeDueDate({ receivedDate, months, eves }).dueDate,
    dueDate,
    pausedDays,
    daysLeft,
    state: deadlineState(daysLeft),
    extended: input.extended,
    oneMonthDueDate: pausedDueDate(receivedDate, 1, pausedDays, eves),
    immediate: false,
  }
}

/**
 * Art. 12(3) allows one extension, and the requester must be told within the
 * first month, so it is refused once the one-month deadline (with pauses) has passed.
 */
export function canExtend(input: CaseDeadlineInput): ExtendCheck {
  if (input.immediate) return { ok: false, reason: 'immediate' }
  if (input.extended) return { ok: false, reason: 'already_extended' }
  const { oneMonthDueDate } = computeCaseDeadline(input)
  return diffDays(input.today, oneMonthDueDate) >= 0 ? { ok: true } : { ok: false, reason: 'one_month_passed' }
}
