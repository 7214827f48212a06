import t from 'tap'
import { addDays, addMonthsClamped, dayOfWeek, diffDays } from '../../src/deadlines/calendar-date.js'
import { holidayName, isWorkingDay } from '../../src/deadlines/holidays.js'
import {
  canExtend,
  computeCaseDeadline,
  computeDueDate,
  countPausedDays,
  deadlineState,
  type CaseDeadlineInput,
  type DeadlineMonths,
  type Pause,
} from '../../src/deadlines/due-date.js'

const due = (receivedDate: string, months: DeadlineMonths = 1, eves = false): string =>
  computeDueDate({ receivedDate, months, eves }).dueDate

/** A case received on 5 March 2026 (Thursday) at 11:00 Stockholm; due 7 April without pauses. */
const base: CaseDeadlineInput = Object.freeze({
  receivedAt: '2026-03-05T10:00:00Z',
  pauses: Object.freeze([]),
  extended: false,
  today: '2026-03-20',
})
const pause = (start: string, end: string | null): Pause => ({ start, end })

t.test('required examples', async (t) => {
  t.same(computeDueDate({ receivedDate: '2026-03-05', months: 1 }), {
    receivedDate: '2026-03-05',
    months: 1,
    rawEnd: '2026-04-05',
    dueDate: '2026-04-07',
    skipped: [
      { date: '2026-04-05', reason: 'sunday', holiday: { sv: 'Påskdagen', en: 'Easter Sunday' } },
      { date: '2026-04-06', reason: 'holiday', holiday: { sv: 'Annandag påsk', en: 'Easter Monday' } },
    ],
  })
  t.same(computeDueDate({ receivedDate: '2026-08-31', months: 1 }), {
    receivedDate: '2026-08-31',
    months: 1,
    rawEnd: '2026-09-30',
    dueDate: '2026-09-30',
    skipped: [],
  })
  t.same(computeDueDate({ receivedDate: '2026-11-25', months: 1 }), {
    receivedDate: '2026-11-25',
    months: 1,
    rawEnd: '2026-12-25',
    dueDate: '2026-12-28',
    skipped: [
      { date: '2026-12-25', reason: 'holiday', holiday: { sv: 'Juldagen', en: 'Christmas Day' } },
      { date: '2026-12-26', reason: 'saturday', holiday: { sv: 'Annandag jul', en: "St Stephen's Day" } },
      { date: '2026-12-27', reason: 'sunday' },
    ],
  })
  t.same(computeDueDate({ receivedDate: '2026-01-31', months: 1 }), {
    receivedDate: '2026-01-31',
    months: 1,
    rawEnd: '2026-02-28',
    dueDate: '2026-03-02',
    skipped: [
      { date: '2026-02-28', reason: 'saturday' },
      { date: '2026-03-01', reason: 'sunday' },
    ],
  })
  t.same(computeDueDate({ receivedDate: '2026-01-31', months: 3 }), {
    receivedDate: '2026-01-31',
    months: 3,
    rawEnd: '2026-04-28',
    dueDate: '2026-04-28',
    skipped: [],
  }, 'Art. 12(3): end of the first month (28 February) plus two months')
})

t.test('more due dates', async (t) => {
  const cases: Array<[string, DeadlineMonths, string, string]> = [
    // received, months, due, why
    ['2026-03-31', 1, '2026-04-30', 'plain Thursday'],
    ['2026-04-01', 1, '2026-05-04', '1 May Friday, then weekend'],
    ['2026-04-03', 1, '2026-05-04', 'raw end Sunday 3 May'],
    ['2026-04-14', 1, '2026-05-15', 'Ascension Thursday'],
    ['2026-05-06', 1, '2026-06-08', 'National Day on a Saturday'],
    ['2026-05-20', 1, '2026-06-22', 'Midsummer Day'],
    ['2026-05-19', 1, '2026-06-19', 'Midsummer Eve is a working day by law'],
    ['2026-11-24', 1, '2026-12-24', 'Christmas Eve is a working day by law'],
    ['2025-12-01', 1, '2026-01-02', "New Year's Day"],
    ['2025-12-06', 1, '2026-01-07', 'Epiphany Tuesday'],
    ['2025-12-31', 1, '2026-02-02', 'Saturday 31 January'],
    ['2025-03-18', 1, '2025-04-22', 'Good Friday 18 April 2025 through Easter Monday'],
    ['2004-04-30', 1, '2004-06-01', 'Whit Sunday and Whit Monday 2004'],
    ['2004-05-06', 1, '2004-06-07', '6 June 2004 Sunday; 7 June a working day'],
    ['2005-05-06', 1, '2005-06-07', 'National Day 2005 a Monday'],
    ['2008-04-01', 1, '2008-05-02', 'May Day and Ascension on one day'],
    ['2026-01-05', 3, '2026-04-07', 'three months onto Easter'],
    ['2026-11-30', 3, '2027-03-01', 'clamped to Sunday 28 February'],
    ['2027-11-30', 3, '2028-02-29', 'clamped to leap day'],
  ]
  for (const [received, months, want, why] of cases) t.equal(due(received, months), want, `${received} +${months}: ${why}`)
})

t.test('month-end clamping for 29, 30 and 31 January', async (t) => {
  const cases: Array<[number, string, string]> = [
    // year, raw end for all three, due date
    [2023, '2023-02-28', '2023-02-28'], // Tuesday
    [2024, '2024-02-29', '2024-02-29'], // leap, Thursday
    [2025, '2025-02-28', '2025-02-28'], // Friday
    [2026, '2026-02-28', '2026-03-02'], // Saturday
    [2028, '2028-02-29', '2028-02-29'], // leap, Tuesday
    [2100, '2100-02-28', '2100-03-01'], // not leap, Sunday
    [2000, '2000-02-29', '2000-02-29'], // leap, Tuesday
  ]
  for (const [year, rawEnd, dueDate] of cases) {
    for (const day of [29, 30, 31]) {
      const r = computeDueDate({ receivedDate: `${year}-01-${day}`, months: 1 })
      t.equal(r.rawEnd, rawEnd, `${year}-01-${day} raw end`)
      t.equal(r.dueDate, dueDate, `${year}-01-${day} due`)
    }
  }
  t.equal(computeDueDate({ receivedDate: '2024-01-28', months: 1 }).rawEnd, '2024-02-28')
  t.equal(computeDueDate({ receivedDate: '2023-11-30', months: 3 }).rawEnd, '2024-02-29')
  t.equal(computeDueDate({ receivedDate: '2024-11-29', months: 3 }).rawEnd, '2025-02-28')
})

t.test('eves option', async (t) => {
  t.same(computeDueDate({ receivedDate: '2026-11-24', months: 1, eves: true }).skipped, [
    { date: '2026-12-24', reason: 'holiday', holiday: { sv: 'Julafton', en: 'Christmas Eve' } },
    { date: '2026-12-25', reason: 'holiday', holiday: { sv: 'Juldagen', en: 'Christmas Day' } },
    { date: '2026-12-26', reason: 'saturday', holiday: { sv: 'Annandag jul', en: "St Stephen's Day" } },
    { date: '2026-12-27', reason: 'sunday' },
  ])
  t.equal(due('2026-11-24', 1, true), '2026-12-28')
  t.equal(due('2026-05-19', 1, true), '2026-06-22')
  t.equal(due('2026-03-05', 1, true), '2026-04-07', 'no eve involved')
})

t.test('computeDueDate rejects bad input', async (t) => {
  t.throws(() => computeDueDate({ receivedDate: '2026-02-30', months: 1 }), RangeError)
  t.throws(() => computeDueDate({ receivedDate: '2026-02-01', months: 2 as DeadlineMonths }), RangeError)
})

function checkDueDates(eves: boolean): string[] {
  const bad: string[] = []
  const opts = { eves }
  for (let d = '2000-01-01'; d <= '2060-12-31'; d = addDays(d, 1)) {
    for (const months of [1, 3] as const) {
      const r = computeDueDate({ receivedDate: d, months, eves })
      const label = `${d}+${months}`
      if (r.rawEnd !== addMonthsClamped(addMonthsClamped(d, 1), months - 1)) bad.push(`${label}: raw end`)
      if (!isWorkingDay(r.dueDate, opts)) bad.push(`${label}: ${r.dueDate} not a working day`)
      const gap = diffDays(r.rawEnd, r.dueDate)
      if (gap < 0 || gap > 5) bad.push(`${label}: gap ${gap}`)
      if (r.skipped.length !== gap) bad.push(`${label}: skipped count`)
      r.skipped.forEach((s, i) => {
        const dow = dayOfWeek(s.date)
        const want = dow === 6 ? 'saturday' : dow === 0 ? 'sunday' : 'holiday'
        if (s.date !== addDays(r.rawEnd, i)) bad.push(`${label}: skipped ${s.date} out of order`)
        if (isWorkingDay(s.date, opts)) bad.push(`${label}: skipped working day ${s.date}`)
        if (s.reason !== want) bad.push(`${label}: reason ${s.reason} for ${s.date}`)
        if (JSON.stringify(s.holiday ?? null) !== JSON.stringify(holidayName(s.date, opts))) {
          bad.push(`${label}: holiday name for ${s.date}`)
        }
      })
    }
  }
  return bad
}

t.test('every day 2000..2060: due is the first working day on or after the raw end', async (t) => {
  t.same(checkDueDates(false), [], 'by law')
  t.same(checkDueDates(true), [], 'with eves')
})

t.test('case deadline without pauses equals computeDueDate', async (t) => {
  const r = computeCaseDeadline(base)
  t.same(r, {
    receivedDate: '2026-03-05',
    strictDueDate: '2026-04-07',
    dueDate: '2026-04-07',
    pausedDays: 0,
    daysLeft: 18,
    state: 'ok',
    extended: false,
    oneMonthDueDate: '2026-04-07',
    immediate: false,
  })
  const bad: string[] = []
  for (let d = '2026-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) {
    const c = computeCaseDeadline({ ...base, receivedAt: `${d}T12:00:00Z`, today: d })
    if (c.dueDate !== due(d) || c.strictDueDate !== c.dueDate || c.daysLeft !== diffDays(d, c.dueDate)) bad.push(d)
  }
  t.same(bad, [])
})

t.test('received date is the Stockholm date', async (t) => {
  const late = computeCaseDeadline({ ...base, receivedAt: '2026-03-04T23:30:00Z' })
  t.equal(late.receivedDate, '2026-03-05', '00:30 in Stockholm')
  t.equal(late.dueDate, '2026-04-07')
  const early = computeCaseDeadline({ ...base, receivedAt: '2026-03-04T22:59:59Z' })
  t.equal(early.receivedDate, '2026-03-04')
  t.equal(early.dueDate, '2026-04-07', '4 April is a Saturday, then Easter')
  t.equal(computeCaseDeadline({ ...base, receivedAt: '2026-01-30T23:30:00Z' }).dueDate, '2026-03-02')
  t.equal(computeCaseDeadline({ ...base, receivedAt: '2026-03-28T23:30:00+00:00' }).receivedDate, '2026-03-29')
})

t.test('state and daysLeft', async (t) => {
  const cases: Array<[string, number, string]> = [
    ['2026-03-20', 18, 'ok'],
    ['2026-03-30', 8, 'ok'],
    ['2026-03-31', 7, 'due_soon'],
    ['2026-04-06', 1, 'due_soon'],
    ['2026-04-07', 0, 'due_today'],
    ['2026-04-08', -1, 'overdue'],
    ['2026-05-01', -24, 'overdue'],
  ]
  for (const [today, daysLeft, state] of cases) {
    const r = computeCaseDeadline({ ...base, today })
    t.equal(r.daysLeft, daysLeft, `${today} daysLeft`)
    t.equal(r.state, state, `${today} state`)
  }
  t.equal(deadlineState(-100), 'overdue')
  t.equal(deadlineState(0), 'due_today')
  t.equal(deadlineState(7), 'due_soon')
  t.equal(deadlineState(8), 'ok')
})

t.test('extended deadline', async (t) => {
  const r = computeCaseDeadline({ ...base, receivedAt: '2026-01-31T10:00:00Z', extended: true, today: '2026-03-10' })
  t.equal(r.strictDueDate, '2026-04-28')
  t.equal(r.dueDate, '2026-04-28')
  t.equal(r.oneMonthDueDate, '2026-03-02')
  t.equal(r.daysLeft, 49)
  t.equal(r.extended, true)
  const paused = computeCaseDeadline({
    ...base,
    receivedAt: '2026-01-31T10:00:00Z',
    extended: true,
    pauses: [pause('2026-02-02T09:00:00Z', '2026-02-05T09:00:00Z')],
  })
  t.equal(paused.pausedDays, 3)
  t.equal(paused.strictDueDate, '2026-04-28', 'strict ignores pauses')
  t.equal(paused.dueDate, '2026-05-04', '28 April + 3 = 1 May (a holiday), rolled; from the moved start 3 February: Sunday 3 May, rolled')
  t.equal(paused.oneMonthDueDate, '2026-03-03', '28 February + 3, no roll needed')
})

t.test('a 5-day pause moves the unrolled end by 5, then rolls', async (t) => {
  const r = computeCaseDeadline({ ...base, pauses: [pause('2026-03-10T08:00:00Z', '2026-03-15T08:00:00Z')] })
  t.equal(r.pausedDays, 5)
  t.equal(r.strictDueDate, '2026-04-07')
  t.equal(r.dueDate, '2026-04-10', '5 April + 5, not 7 April + 5 (a Sunday)')
  t.equal(r.oneMonthDueDate, '2026-04-10')
  t.equal(r.daysLeft, 21)

  const weekend = computeCaseDeadline({
    ...base,
    receivedAt: '2026-08-31T09:00:00Z',
    pauses: [pause('2026-09-01T09:00:00Z', '2026-09-04T09:00:00Z')],
  })
  t.equal(weekend.dueDate, '2026-10-05', '30 September + 3 = Saturday 3 October, rolled to Monday')

  const absorbed = computeCaseDeadline({
    ...base,
    receivedAt: '2026-01-31T09:00:00Z',
    pauses: [pause('2026-02-02T09:00:00Z', '2026-02-04T09:00:00Z')],
  })
  t.equal(absorbed.strictDueDate, '2026-03-02')
  t.equal(absorbed.dueDate, '2026-03-02', '28 February + 2 = Monday 2 March')

  const onEaster = computeCaseDeadline({
    ...base,
    receivedAt: '2026-02-27T09:00:00Z',
    pauses: [pause('2026-03-02T09:00:00Z', '2026-03-11T09:00:00Z')],
  })
  t.equal(onEaster.dueDate, '2026-04-07', '27 March + 9 = Easter Sunday')
})

t.test('pause days are counted between Stockholm dates', async (t) => {
  // 23:30 Stockholm on 9 March to 00:30 Stockholm on 15 March: six date changes.
  const p = [pause('2026-03-09T22:30:00Z', '2026-03-14T23:30:00Z')]
  t.equal(countPausedDays({ ...base, pauses: p }), 6)
  t.equal(countPausedDays({ ...base, pauses: [pause('2026-03-10T07:00:00Z', '2026-03-10T15:00:00Z')] }), 0, 'same day')
  t.equal(countPausedDays({ ...base, pauses: [pause('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')] }), 2, 'across DST')
})

t.test('overlapping pauses are not double counted', async (t) => {
  const a = pause('2026-03-10T08:00:00Z', '2026-03-15T08:00:00Z')
  const b = pause('2026-03-12T08:00:00Z', '2026-03-20T08:00:00Z')
  const inside = pause('2026-03-11T08:00:00Z', '2026-03-13T08:00:00Z')
  const later = pause('2026-03-25T08:00:00Z', '2026-03-27T08:00:00Z')
  const touching = pause('2026-03-20T12:00:00Z', '2026-03-22T08:00:00Z')

  const two = computeCaseDeadline({ ...base, pauses: [a, b] })
  t.equal(two.pausedDays, 10, '10..20 March')
  t.equal(two.dueDate, '2026-04-15')
  t.equal(computeCaseDeadline({ ...base, pauses: [b, a] }).pausedDays, 10, 'order does not matter')
  t.equal(countPausedDays({ ...base, pauses: [a, inside] }), 5, 'contained pause')
  t.equal(countPausedDays({ ...base, pauses: [a, a] }), 5, 'duplicate pause')
  t.equal(countPausedDays({ ...base, pauses: [later, a, inside, b] }), 12)
  t.equal(computeCaseDeadline({ ...base, pauses: [later, a, inside, b] }).dueDate, '2026-04-17')
  t.equal(countPausedDays({ ...base, pauses: [b, touching] }), 10, 'pauses meeting on a day')
})

t.test('open pause runs to today', async (t) => {
  const open = [pause('2026-03-10T08:00:00Z', null)]
  const r = computeCaseDeadline({ ...base, pauses: open, today: '2026-03-18' })
  t.equal(r.pausedDays, 8)
  t.equal(r.dueDate, '2026-04-13')
  t.equal(r.daysLeft, 26)
  t.equal(computeCaseDeadline({ ...base, pauses: open, today: '2026-03-19' }).dueDate, '2026-04-14')
  t.equal(computeCaseDeadline({ ...base, pauses: open, today: '2026-03-10' }).pausedDays, 0, 'started today')
  t.equal(computeCaseDeadline({ ...base, pauses: open, today: '2026-03-09' }).pausedDays, 0, 'not started yet')
  const mixed = [...open, pause('2026-03-12T08:00:00Z', '2026-03-25T08:00:00Z')]
  t.equal(countPausedDays({ ...base, pauses: mixed, today: '2026-03-18' }), 15, 'closed pause reaching past today')
  t.equal(countPausedDays({ ...base, pauses: mixed, today: '2026-03-30' }), 20)
})

t.test('verification pause', async (t) => {
  const r = computeCaseDeadline({ ...base, verifiedAt: '2026-03-08T12:00:00Z' })
  t.equal(r.pausedDays, 3)
  t.equal(r.dueDate, '2026-04-08')
  t.equal(r.strictDueDate, '2026-04-07')
  t.equal(computeCaseDeadline({ ...base, verifiedAt: '2026-03-05T10:05:00Z' }).pausedDays, 0, 'verified the same day')
  t.equal(computeCaseDeadline({ ...base, verifiedAt: null }).pausedDays, 0)
  const overlap = computeCaseDeadline({
    ...base,
    verifiedAt: '2026-03-08T12:00:00Z',
    pauses: [pause('2026-03-07T08:00:00Z', '2026-03-10T08:00:00Z')],
  })
  t.equal(overlap.pausedDays, 5, '5..10 March, not 3 + 3')
  t.equal(overlap.dueDate, '2026-04-10')
  t.equal(
    computeCaseDeadline({ ...base, pauses: [pause(base.receivedAt, '2026-03-08T12:00:00Z')] }).dueDate,
    r.dueDate,
    'same as passing it as a pause',
  )
})

t.test('eves with pauses', async (t) => {
  const input = {
    ...base,
    receivedAt: '2026-11-30T10:00:00Z',
    pauses: [pause('2026-12-01T10:00:00Z', '2026-12-02T10:00:00Z')],
    today: '2026-12-01',
  }
  t.equal(computeCaseDeadline(input).dueDate, '2026-12-31', "New Year's Eve works by law")
  t.equal(computeCaseDeadline({ ...input, eves: true }).dueDate, '2027-01-04')
})

t.test('pauses never bring the due date forward', async (t) => {
  const bad: string[] = []
  for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
    let previous = ''
    for (let k = 0; k <= 40; k += 3) {
      const start = `${d}T12:00:00Z`
      const r = computeCaseDeadline({ ...base, receivedAt: start, today: d, pauses: [pause(start, `${addDays(d, k)}T12:00:00Z`)] })
      if (r.pausedDays !== k || r.dueDate < r.strictDueDate || r.dueDate < previous || !isWorkingDay(r.dueDate)) bad.push(`${d}+${k}`)
      previous = r.dueDate
    }
  }
  t.same(bad, [])
})

t.test('immediate requests: 48 hours, no roll, no extension, no pauses', async (t) => {
  const r = computeCaseDeadline({ ...base, immediate: true, today: '2026-03-06' })
  t.same(r, {
    receivedDate: '2026-03-05',
    strictDueDate: '2026-03-07',
    dueDate: '2026-03-07',
    pausedDays: 0,
    daysLeft: 1,
    state: 'due_soon',
    extended: false,
    oneMonthDueDate: '2026-03-07',
    immediate: true,
  })
  t.equal(dayOfWeek(r.dueDate), 6, 'a Saturday, not rolled')
  const ignoring = computeCaseDeadline({
    ...base,
    immediate: true,
    extended: true,
    verifiedAt: '2026-03-06T10:00:00Z',
    pauses: [pause('2026-03-05T12:00:00Z', null)],
    today: '2026-03-08',
  })
  t.equal(ignoring.dueDate, '2026-03-07')
  t.equal(ignoring.extended, false)
  t.equal(ignoring.pausedDays, 0)
  t.equal(ignoring.state, 'overdue')
  t.equal(computeCaseDeadline({ ...base, immediate: true, receivedAt: '2026-03-05T22:30:00Z' }).dueDate, '2026-03-07')
  t.equal(
    computeCaseDeadline({ ...base, immediate: true, receivedAt: '2026-03-27T22:30:00Z' }).dueDate,
    '2026-03-30',
    '23:30 CET Friday + 48h = 00:30 CEST Monday',
  )
  t.equal(computeCaseDeadline({ ...base, immediate: true, receivedAt: '2026-12-23T10:00:00Z' }).dueDate, '2026-12-25')
})

t.test('computeCaseDeadline rejects bad input', async (t) => {
  t.throws(() => computeCaseDeadline({ ...base, today: '2026-02-30' }), RangeError)
  t.throws(() => computeCaseDeadline({ ...base, receivedAt: '2026-03-05T10:00:00' }), RangeError, 'no offset')
  t.throws(() => computeCaseDeadline({ ...base, pauses: [pause('2026-03-10T08:00:00Z', '2026-03-09T08:00:00Z')] }), RangeError)
  t.throws(() => computeCaseDeadline({ ...base, pauses: [pause('soon', null)] }), RangeError)
  t.throws(() => computeCaseDeadline({ ...base, verifiedAt: '2026-03-04T10:00:00Z' }), RangeError, 'verified before received')
})

t.test('canExtend', async (t) => {
  t.same(canExtend(base), { ok: true })
  t.same(canExtend({ ...base, today: '2026-04-07' }), { ok: true }, 'on the one-month due date')
  t.same(canExtend({ ...base, today: '2026-04-08' }), { ok: false, reason: 'one_month_passed' })
  t.same(canExtend({ ...base, extended: true }), { ok: false, reason: 'already_extended' })
  t.same(canExtend({ ...base, extended: true, today: '2026-06-01' }), { ok: false, reason: 'already_extended' })
  t.same(canExtend({ ...base, immediate: true }), { ok: false, reason: 'immediate' })
  t.same(canExtend({ ...base, immediate: true, extended: true }), { ok: false, reason: 'immediate' })

  const paused = { ...base, pauses: [pause('2026-03-10T08:00:00Z', '2026-03-15T08:00:00Z')] }
  t.same(canExtend({ ...paused, today: '2026-04-10' }), { ok: true }, 'pause keeps the window open')
  t.same(canExtend({ ...paused, today: '2026-04-11' }), { ok: false, reason: 'one_month_passed' })

  const open = { ...base, pauses: [pause('2026-03-10T08:00:00Z', null)] }
  t.same(canExtend({ ...open, today: '2026-04-20' }), { ok: true }, 'an open pause keeps moving the deadline')

  const verified = { ...base, verifiedAt: '2026-03-08T12:00:00Z' }
  t.same(canExtend({ ...verified, today: '2026-04-08' }), { ok: true })
  t.same(canExtend({ ...verified, today: '2026-04-09' }), { ok: false, reason: 'one_month_passed' })

  const weekend = { ...base, receivedAt: '2026-01-31T10:00:00Z' }
  t.same(canExtend({ ...weekend, today: '2026-03-02' }), { ok: true }, 'rolled one-month date counts')
  t.same(canExtend({ ...weekend, today: '2026-03-03' }), { ok: false, reason: 'one_month_passed' })
})

// ─── Issue 15: the earlier of the two readings of a pause, and the extension ─────────────────

t.test('EDPB 01/2022 §159: the wait before confirmation moves the start, never past one month from the confirmation', async (t) => {
  const web = (receivedAt: string, verifiedAt: string) => computeCaseDeadline({ ...base, receivedAt, verifiedAt, today: '2026-01-01' })
  // Stockholm noon both days.
  const a = web('2027-01-29T11:00:00Z', '2027-02-01T11:00:00Z')
  t.equal(a.dueDate, '2027-03-01', 'today’s reading gives 2027-03-03; one month from 1 February is Monday 1 March')
  t.equal(a.pausedDays, 3)
  t.equal(a.strictDueDate, '2027-03-01', 'strictDueDate stays the date without any pause')
  const b = web('2026-05-29T10:00:00Z', '2026-06-01T10:00:00Z')
  t.equal(b.dueDate, '2026-07-01', 'not 2026-07-02')
  t.equal(b.strictDueDate, '2026-06-29')
  t.equal(b.pausedDays, 3)
  const c = web('2026-02-27T11:00:00Z', '2026-03-01T11:00:00Z')
  t.equal(c.dueDate, '2026-03-30', '(a) 27 March + 2 = Sunday 29 March → 30 March; (b) 1 April: the earlier wins')
  t.equal(c.pausedDays, 2)
})

t.test('EDPB 01/2022 §159: the calculator takes the paused days, and picks the earlier reading', async (t) => {
  t.same(computeDueDate({ receivedDate: '2026-05-29', months: 1, pausedDays: 3 }), {
    receivedDate: '2026-05-29',
    months: 1,
    rawEnd: '2026-07-01',
    dueDate: '2026-07-01',
    skipped: [],
  })
  t.equal(computeDueDate({ receivedDate: '2027-01-29', months: 1, pausedDays: 3 }).dueDate, '2027-03-01')
  t.equal(computeDueDate({ receivedDate: '2026-02-27', months: 1, pausedDays: 2 }).dueDate, '2026-03-30')
  t.equal(computeDueDate({ receivedDate: '2026-02-27', months: 1, pausedDays: 0 }).dueDate, computeDueDate({ receivedDate: '2026-02-27', months: 1 }).dueDate)
  t.throws(() => computeDueDate({ receivedDate: '2026-02-27', months: 1, pausedDays: -1 }), RangeError)
  t.throws(() => computeDueDate({ receivedDate: '2026-02-27', months: 1, pausedDays: 1.5 }), RangeError)
})

t.test('EDPB 01/2022 §159: a staff pause gives the earlier of (a) and (b) too', async (t) => {
  // Received Friday 29 January 2027, paused 1..4 February (3 days).
  const r = computeCaseDeadline({ ...base, receivedAt: '2027-01-29T11:00:00Z', today: '2027-02-10', pauses: [pause('2027-02-01T09:00:00Z', '2027-02-04T09:00:00Z')] })
  t.equal(r.pausedDays, 3)
  t.equal(r.dueDate, '2027-03-01', '(a) 28 February + 3 = 3 March; (b) 1 February + 1 month = 1 March')
  t.equal(r.oneMonthDueDate, '2027-03-01')
})

t.test('EDPB 01/2022 §159: for every receipt date and pause length, the due date is the earlier of the two readings', async (t) => {
  const roll = (d: string) => {
    while (!isWorkingDay(d)) d = addDays(d, 1)
    return d
  }
  const bad: string[] = []
  for (let d = '2026-01-01'; d <= '2028-12-31'; d = addDays(d, 1)) {
    for (const k of [1, 2, 3, 4, 10, 31]) {
      for (const months of [1, 3] as const) {
        const end = (start: string) => addMonthsClamped(addMonthsClamped(start, 1), months - 1)
        const a = roll(addDays(end(d), k))
        const b = roll(end(addDays(d, k)))
        const r = computeDueDate({ receivedDate: d, months, pausedDays: k })
        if (r.dueDate !== (a < b ? a : b)) bad.push(`${d}+${k}x${months}: ${r.dueDate}, want min(${a}, ${b})`)
        if (r.dueDate < computeDueDate({ receivedDate: d, months }).dueDate) bad.push(`${d}+${k}x${months}: earlier than without the pause`)
      }
    }
  }
  t.same(bad, [])
})

t.test('Art. 12(3) extension: the end of the first month, plus two months, then rolled', async (t) => {
  const r = computeDueDate({ receivedDate: '2026-01-30', months: 3 })
  t.equal(r.rawEnd, '2026-04-28', 'first month ends 28 February; plus two months: 28 April')
  t.equal(r.dueDate, '2026-04-28', 'a Tuesday, not 30 April')
  t.equal(dayOfWeek(r.dueDate), 2)
  const c = computeCaseDeadline({ ...base, receivedAt: '2026-01-30T10:00:00Z', extended: true, today: '2026-02-10' })
  t.equal(c.dueDate, '2026-04-28')
  t.equal(c.strictDueDate, '2026-04-28')
  // Never later than counting three months from receipt.
  const bad: string[] = []
  for (let d = '2026-01-01'; d <= '2030-12-31'; d = addDays(d, 1)) {
    if (computeDueDate({ receivedDate: d, months: 3 }).rawEnd > addMonthsClamped(d, 3)) bad.push(d)
  }
  t.same(bad, [])
})
