import t from 'tap'
import {
  addDays,
  addMonthsClamped,
  compareDates,
  dayOfWeek,
  daysInMonth,
  diffDays,
  formatDate,
  fromEpochDay,
  isLeapYear,
  isValidDate,
  parseDate,
  toEpochDay,
  tryParseDate,
} from '../../src/deadlines/calendar-date.js'
import { parseInstant, stockholmDate } from '../../src/deadlines/stockholm.js'

t.test('parse and validate', async (t) => {
  const valid = ['2026-01-01', '2026-12-31', '2024-02-29', '2000-02-29', '2026-04-30', '0001-01-01', '9999-12-31']
  for (const d of valid) {
    t.ok(isValidDate(d), `${d} is valid`)
    t.equal(formatDate(parseDate(d)), d, `${d} round-trips`)
  }
  const invalid = [
    '2026-02-30', '2026-02-29', '1900-02-29', '2100-02-29', '2026-04-31', '2026-06-31', '2026-09-31',
    '2026-11-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-32', '2026-1-01', '2026-01-1',
    '26-01-01', '2026/01/01', '2026-01-01T00:00:00Z', ' 2026-01-01', '2026-01-01 ', '', 'yesterday',
  ]
  for (const d of invalid) {
    t.notOk(isValidDate(d), `${JSON.stringify(d)} is invalid`)
    t.equal(tryParseDate(d), null)
    t.throws(() => parseDate(d), RangeError)
  }
  t.notOk(isValidDate(20260101))
  t.notOk(isValidDate(null))
  t.same(parseDate('2026-03-05'), { year: 2026, month: 3, day: 5 })
  t.throws(() => formatDate({ year: 2026, month: 2, day: 29 }), RangeError)
  t.throws(() => formatDate({ year: 10000, month: 1, day: 1 }), RangeError)
  t.throws(() => formatDate({ year: 2026, month: 1.5, day: 1 }), RangeError)
  t.equal(formatDate({ year: 33, month: 7, day: 4 }), '0033-07-04')
})

t.test('leap years and month lengths', async (t) => {
  for (const [y, leap] of [[2024, true], [2025, false], [2000, true], [1900, false], [2100, false], [2400, true], [1600, true]] as const) {
    t.equal(isLeapYear(y), leap, `${y}`)
    t.equal(daysInMonth(y, 2), leap ? 29 : 28, `Feb ${y}`)
  }
  t.same(
    Array.from({ length: 12 }, (_, i) => daysInMonth(2026, i + 1)),
    [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
  )
})

t.test('epoch days', async (t) => {
  t.equal(toEpochDay('1970-01-01'), 0)
  t.equal(toEpochDay('1970-01-02'), 1)
  t.equal(toEpochDay('1969-12-31'), -1)
  t.equal(toEpochDay('2000-03-01'), 11017)
  t.equal(fromEpochDay(11017), '2000-03-01')
  // Years below 100 must not be read as 19xx.
  t.equal(toEpochDay('0050-01-01') - toEpochDay('0049-01-01'), 365)
  t.equal(fromEpochDay(toEpochDay('0048-02-29')), '0048-02-29')
  t.throws(() => fromEpochDay(0.5), RangeError)
})

t.test('epoch days agree with Date for every day 1900..2100', async (t) => {
  const bad: string[] = []
  for (let n = toEpochDay('1900-01-01'); n <= toEpochDay('2100-12-31'); n++) {
    const iso = new Date(n * 86_400_000).toISOString().slice(0, 10)
    if (fromEpochDay(n) !== iso || toEpochDay(iso) !== n) bad.push(iso)
  }
  t.same(bad, [])
})

t.test('addDays', async (t) => {
  const cases: Array<[string, number, string]> = [
    ['2026-03-05', 0, '2026-03-05'],
    ['2026-03-05', 1, '2026-03-06'],
    ['2026-03-31', 1, '2026-04-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2026-03-28', 2, '2026-03-30'], // across the spring DST change
    ['2026-10-24', 2, '2026-10-26'], // across the autumn DST change
    ['2026-01-01', 365, '2027-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2026-04-05', -40, '2026-02-24'],
  ]
  for (const [from, n, want] of cases) t.equal(addDays(from, n), want, `${from} + ${n}`)
  t.throws(() => addDays('2026-01-01', 1.5), RangeError)
  t.throws(() => addDays('2026-02-30', 1), RangeError)
})

t.test('addMonthsClamped', async (t) => {
  const cases: Array<[string, number, string]> = [
    ['2026-03-05', 1, '2026-04-05'],
    ['2026-01-29', 1, '2026-02-28'],
    ['2026-01-30', 1, '2026-02-28'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-29', 1, '2024-02-29'],
    ['2024-01-30', 1, '2024-02-29'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-01-28', 1, '2024-02-28'],
    ['2100-01-29', 1, '2100-02-28'],
    ['2000-01-29', 1, '2000-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-01-31', 3, '2026-04-30'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2027-11-30', 3, '2028-02-29'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-11-25', 1, '2026-12-25'],
    ['2026-02-28', 1, '2026-03-28'], // not month-end to month-end
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-01-15', 0, '2026-01-15'],
    ['2026-01-15', 24, '2028-01-15'],
  ]
  for (const [from, n, want] of cases) t.equal(addMonthsClamped(from, n), want, `${from} + ${n} months`)
  t.throws(() => addMonthsClamped('2026-01-01', 0.5), RangeError)
  t.throws(() => addMonthsClamped('9999-12-01', 1), RangeError)
})

t.test('addMonthsClamped matches a naive definition for every day 2000..2060', async (t) => {
  const bad: string[] = []
  for (let d = '2000-01-01'; d <= '2060-12-31'; d = addDays(d, 1)) {
    const { year, month, day } = parseDate(d)
    for (const n of [1, 3]) {
      const m0 = month - 1 + n
      const y = year + Math.floor(m0 / 12)
      const m = (m0 % 12) + 1
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
      const want = `${y}-${String(m).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`
      if (addMonthsClamped(d, n) !== want) bad.push(`${d}+${n}`)
    }
  }
  t.same(bad, [])
})

t.test('dayOfWeek', async (t) => {
  const cases: Array<[string, number]> = [
    ['1970-01-01', 4],
    ['2026-03-05', 4],
    ['2026-04-05', 0],
    ['2026-02-28', 6],
    ['2026-12-25', 5],
    ['2000-01-01', 6],
    ['1600-01-01', 6],
    ['0001-01-01', 1],
    ['3000-01-01', 3],
  ]
  for (const [d, want] of cases) t.equal(dayOfWeek(d), want, d)
  const bad: string[] = []
  for (let d = '1900-01-01'; d <= '2100-12-31'; d = addDays(d, 1)) {
    if (dayOfWeek(d) !== new Date(`${d}T12:00:00Z`).getUTCDay()) bad.push(d)
  }
  t.same(bad, [], 'agrees with Date for 1900..2100')
})

t.test('diffDays and compareDates', async (t) => {
  t.equal(diffDays('2026-03-05', '2026-04-07'), 33)
  t.equal(diffDays('2026-04-07', '2026-03-05'), -33)
  t.equal(diffDays('2026-04-07', '2026-04-07'), 0)
  t.equal(diffDays('2026-03-28', '2026-03-30'), 2)
  t.equal(diffDays('2026-01-01', '2027-01-01'), 365)
  t.equal(diffDays('2024-01-01', '2025-01-01'), 366)
  t.equal(diffDays('1600-01-01', '2000-01-01'), 146_097)
  t.equal(compareDates('2026-03-05', '2026-03-06'), -1)
  t.equal(compareDates('2026-03-06', '2026-03-05'), 1)
  t.equal(compareDates('2026-03-05', '2026-03-05'), 0)
  t.same(['2026-12-01', '2025-01-31', '2026-02-01'].sort(compareDates), ['2025-01-31', '2026-02-01', '2026-12-01'])
  t.throws(() => compareDates('2026-02-30', '2026-03-01'), RangeError)
  t.throws(() => diffDays('2026-03-01', 'tomorrow'), RangeError)
})

t.test('stockholmDate', async (t) => {
  const cases: Array<[string, string]> = [
    ['2026-03-31T22:30:00Z', '2026-04-01'],
    ['2026-10-24T22:30Z', '2026-10-25'],
    ['2026-12-31T23:30Z', '2027-01-01'],
    ['2026-12-31T22:59:59Z', '2026-12-31'],
    ['2026-01-15T12:00:00.000Z', '2026-01-15'],
    // Spring 2026: clocks go 02:00 CET -> 03:00 CEST at 01:00 UTC on 29 March.
    ['2026-03-28T22:59:59Z', '2026-03-28'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-03-29T00:59:59Z', '2026-03-29'],
    ['2026-03-29T01:00:00Z', '2026-03-29'],
    ['2026-03-29T21:59:59Z', '2026-03-29'],
    ['2026-03-29T22:00:00Z', '2026-03-30'],
    // Autumn 2026: clocks go 03:00 CEST -> 02:00 CET at 01:00 UTC on 25 October.
    ['2026-10-24T21:59:59Z', '2026-10-24'],
    ['2026-10-24T22:00:00Z', '2026-10-25'],
    ['2026-10-25T00:30:00Z', '2026-10-25'],
    ['2026-10-25T01:30:00Z', '2026-10-25'],
    ['2026-10-25T22:59:59Z', '2026-10-25'],
    ['2026-10-25T23:00:00Z', '2026-10-26'],
    // Offsets other than Z.
    ['2026-04-01T00:30:00+02:00', '2026-04-01'],
    ['2026-03-31T18:30:00-04:00', '2026-04-01'],
    ['2026-04-01T06:59:59+09:00', '2026-03-31'],
    ['2026-04-01T07:00:00+09:00', '2026-04-01'],
    ['2024-02-28T23:00:00Z', '2024-02-29'],
  ]
  for (const [instant, want] of cases) {
    t.equal(stockholmDate(instant), want, instant)
    t.equal(stockholmDate(new Date(instant)), want, `${instant} as Date`)
  }
})

t.test('stockholmDate does not depend on the server time zone', async (t) => {
  const saved = process.env.TZ
  t.teardown(() => {
    if (saved === undefined) delete process.env.TZ
    else process.env.TZ = saved
  })
  for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Europe/Stockholm']) {
    process.env.TZ = tz
    t.equal(stockholmDate('2026-03-31T22:30:00Z'), '2026-04-01', tz)
    t.equal(stockholmDate('2026-10-25T22:59:59Z'), '2026-10-25', tz)
  }
})

t.test('parseInstant rejects ambiguous or invalid instants', async (t) => {
  const bad = [
    '2026-03-31T22:30:00', // no offset: would be read in the server's zone
    '2026-03-31 22:30:00Z',
    '2026-03-31',
    '2026-02-30T10:00:00Z', // Date.parse would roll this into March
    '2026-03-31T24:00:00Z',
    '2026-03-31T22:60:00Z',
    'March 31, 2026 22:30 UTC',
    '',
  ]
  for (const s of bad) t.throws(() => parseInstant(s), RangeError, JSON.stringify(s))
  t.throws(() => stockholmDate(new Date(NaN)), RangeError)
  t.equal(parseInstant('2026-03-31T22:30Z').toISOString(), '2026-03-31T22:30:00.000Z')
  t.equal(parseInstant('2026-03-31t22:30:00.123456z').toISOString(), '2026-03-31T22:30:00.123Z')
})
