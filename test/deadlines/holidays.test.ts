import t from 'tap'
import { addDays, dayOfWeek, formatDate, parseDate } from '../../src/deadlines/calendar-date.js'
import {
  easterSunday,
  holidayName,
  isWeekend,
  isWorkingDay,
  nextWorkingDay,
  swedishHolidays,
} from '../../src/deadlines/holidays.js'

const EVES = { eves: true } as const

/** The date of the holiday with this Swedish name in `year`, or undefined. */
const find = (year: number, nameSv: string, opts = {}): string | undefined =>
  swedishHolidays(year, opts).find((h) => h.nameSv === nameSv)?.date

/** Gauss's Easter algorithm with its two Gregorian exceptions: an independent oracle. */
function gaussEaster(year: number): string {
  const a = year % 19
  const b = year % 4
  const c = year % 7
  const k = Math.floor(year / 100)
  const p = Math.floor((13 + 8 * k) / 25)
  const q = Math.floor(k / 4)
  const M = (15 - p + k - q + 30) % 30
  const N = (4 + k - q) % 7
  const d = (19 * a + M) % 30
  const e = (2 * b + 4 * c + 6 * d + N) % 7
  if (d === 29 && e === 6) return formatDate({ year, month: 4, day: 19 })
  if (d === 28 && e === 6 && (11 * M + 11) % 30 < 19) return formatDate({ year, month: 4, day: 18 })
  return addDays(formatDate({ year, month: 3, day: 22 }), d + e)
}

t.test('Easter Sunday: known dates', async (t) => {
  const known = [
    '1818-03-22', '1943-04-25', '2000-04-23', '2001-04-15', '2002-03-31', '2003-04-20', '2004-04-11',
    '2005-03-27', '2006-04-16', '2007-04-08', '2008-03-23', '2009-04-12', '2010-04-04', '2011-04-24',
    '2012-04-08', '2013-03-31', '2014-04-20', '2015-04-05', '2016-03-27', '2017-04-16', '2018-04-01',
    '2019-04-21', '2020-04-12', '2021-04-04', '2022-04-17', '2023-04-09', '2024-03-31', '2025-04-20',
    '2026-04-05', '2027-03-28', '2028-04-16', '2029-04-01', '2030-04-21', '2031-04-13', '2032-03-28',
    '2033-04-17', '2034-04-09', '2035-03-25', '2036-04-13', '2037-04-05', '2038-04-25', '2039-04-10',
    '2040-04-01', '2285-03-22',
  ]
  for (const d of known) t.equal(easterSunday(parseDate(d).year), d, d)
})

t.test('Easter Sunday 1600..3000: a Sunday in 22 Mar..25 Apr, agreeing with Gauss', async (t) => {
  const bad: string[] = []
  for (let y = 1600; y <= 3000; y++) {
    const e = easterSunday(y)
    if (dayOfWeek(e) !== 0 || e < `${y}-03-22` || e > `${y}-04-25` || e !== gaussEaster(y)) bad.push(e)
  }
  t.same(bad, [])
})

t.test('2026 in full', async (t) => {
  t.same(
    swedishHolidays(2026).map((h) => [h.date, h.nameSv, h.nameEn]),
    [
      ['2026-01-01', 'Nyårsdagen', "New Year's Day"],
      ['2026-01-06', 'Trettondedag jul', 'Epiphany'],
      ['2026-04-03', 'Långfredagen', 'Good Friday'],
      ['2026-04-05', 'Påskdagen', 'Easter Sunday'],
      ['2026-04-06', 'Annandag påsk', 'Easter Monday'],
      ['2026-05-01', 'Första maj', 'May Day'],
      ['2026-05-14', 'Kristi himmelsfärdsdag', 'Ascension Day'],
      ['2026-05-24', 'Pingstdagen', 'Whit Sunday'],
      ['2026-06-06', 'Sveriges nationaldag', 'National Day of Sweden'],
      ['2026-06-20', 'Midsommardagen', 'Midsummer Day'],
      ['2026-10-31', 'Alla helgons dag', "All Saints' Day"],
      ['2026-12-25', 'Juldagen', 'Christmas Day'],
      ['2026-12-26', 'Annandag jul', "St Stephen's Day"],
    ],
  )
  t.same(
    swedishHolidays(2026, EVES)
      .filter((h) => !swedishHolidays(2026).some((l) => l.date === h.date))
      .map((h) => [h.date, h.nameSv]),
    [['2026-06-19', 'Midsommarafton'], ['2026-12-24', 'Julafton'], ['2026-12-31', 'Nyårsafton']],
  )
})

t.test('other years, spot checks', async (t) => {
  t.equal(find(2025, 'Långfredagen'), '2025-04-18')
  t.equal(find(2025, 'Kristi himmelsfärdsdag'), '2025-05-29')
  t.equal(find(2025, 'Pingstdagen'), '2025-06-08')
  t.equal(find(2025, 'Midsommardagen'), '2025-06-21')
  t.equal(find(2025, 'Alla helgons dag'), '2025-11-01')
  t.equal(find(2024, 'Midsommardagen'), '2024-06-22')
  t.equal(find(2024, 'Alla helgons dag'), '2024-11-02')
  t.equal(find(2027, 'Midsommarafton', EVES), '2027-06-25')
  t.equal(find(2027, 'Midsommardagen'), '2027-06-26')
  t.equal(find(2021, 'Alla helgons dag'), '2021-11-06')
  t.equal(find(2020, 'Alla helgons dag'), '2020-10-31')
  t.equal(find(2020, 'Midsommardagen'), '2020-06-20')
  t.equal(find(2038, 'Kristi himmelsfärdsdag'), '2038-06-03')
  t.equal(find(2038, 'Pingstdagen'), '2038-06-13')
})

t.test('Whit Monday until 2004, National Day from 2005', async (t) => {
  t.equal(find(2004, 'Annandag pingst'), '2004-05-31')
  t.equal(find(2004, 'Sveriges nationaldag'), undefined)
  t.equal(holidayName('2004-06-07'), null, '6 June 2004 was a Monday and a working day')
  t.ok(isWorkingDay('2004-06-07'))
  t.notOk(isWorkingDay('2004-05-31'))
  t.equal(find(2005, 'Sveriges nationaldag'), '2005-06-06')
  t.equal(find(2005, 'Annandag pingst'), undefined)
  t.ok(isWorkingDay('2005-05-16'), 'Whit Monday 2005 was a working day')
  t.notOk(isWorkingDay('2005-06-06'))
  const bad: number[] = []
  for (let y = 1600; y <= 3000; y++) {
    const whitMonday = find(y, 'Annandag pingst')
    const nationalDay = find(y, 'Sveriges nationaldag')
    const ok = y < 2005
      ? whitMonday === addDays(easterSunday(y), 50) && nationalDay === undefined
      : nationalDay === `${y}-06-06` && whitMonday === undefined
    if (!ok) bad.push(y)
  }
  t.same(bad, [])
})

t.test('movable holidays fall on the right weekday, every year 1600..3000', async (t) => {
  const weekday: Record<string, number> = {
    Långfredagen: 5,
    Påskdagen: 0,
    'Annandag påsk': 1,
    'Kristi himmelsfärdsdag': 4,
    Pingstdagen: 0,
    'Annandag pingst': 1,
    Midsommarafton: 5,
    Midsommardagen: 6,
    'Alla helgons dag': 6,
  }
  const bad: string[] = []
  for (let y = 1600; y <= 3000; y++) {
    for (const h of swedishHolidays(y, EVES)) {
      const want = weekday[h.nameSv]
      if (want !== undefined && dayOfWeek(h.date) !== want) bad.push(`${h.date} ${h.nameSv}`)
    }
  }
  t.same(bad, [])
})

t.test('Midsummer and All Saints: Saturdays in their windows, 1900..2100', async (t) => {
  const bad: string[] = []
  for (let y = 1900; y <= 2100; y++) {
    const mid = find(y, 'Midsommardagen')!
    const eve = find(y, 'Midsommarafton', EVES)!
    const saints = find(y, 'Alla helgons dag')!
    if (dayOfWeek(mid) !== 6 || mid < `${y}-06-20` || mid > `${y}-06-26`) bad.push(mid)
    if (eve !== addDays(mid, -1)) bad.push(eve)
    if (dayOfWeek(saints) !== 6 || saints < `${y}-10-31` || saints > `${y}-11-06`) bad.push(saints)
  }
  t.same(bad, [])
})

t.test('holiday counts per year', async (t) => {
  const bad: string[] = []
  const collisions: number[] = []
  for (let y = 1600; y <= 3000; y++) {
    const law = swedishHolidays(y)
    const eves = swedishHolidays(y, EVES)
    if (law.length !== 13 || eves.length !== 16) bad.push(`${y}: ${law.length}/${eves.length}`)
    if (law.some((h, i) => i > 0 && h.date < law[i - 1]!.date)) bad.push(`${y}: unsorted`)
    if (law.some((h) => parseDate(h.date).year !== y)) bad.push(`${y}: wrong year`)
    const distinct = new Set(law.map((h) => h.date)).size
    if (distinct !== 13) collisions.push(y)
  }
  t.same(bad, [])
  // Easter on 23 March puts Ascension on 1 May; Easter on 18 April puts Whit Sunday on 6 June.
  const explained = collisions.every((y) => {
    const e = easterSunday(y)
    return e === `${y}-03-23` || (y >= 2005 && e === `${y}-04-18`)
  })
  t.ok(explained, 'only Easter-driven collisions')
  t.ok(collisions.includes(2008))
  t.ok(collisions.includes(2049), 'Easter 2049 is 18 April')
})

t.test('coinciding holidays share a date and a joined name', async (t) => {
  t.same(
    swedishHolidays(2008).filter((h) => h.date === '2008-05-01').map((h) => h.nameSv),
    ['Första maj', 'Kristi himmelsfärdsdag'],
  )
  t.same(holidayName('2008-05-01'), {
    sv: 'Första maj och Kristi himmelsfärdsdag',
    en: 'May Day and Ascension Day',
  })
  t.same(holidayName('2049-06-06'), {
    sv: 'Pingstdagen och Sveriges nationaldag',
    en: 'Whit Sunday and National Day of Sweden',
  })
})

t.test('holidayName', async (t) => {
  t.same(holidayName('2026-04-06'), { sv: 'Annandag påsk', en: 'Easter Monday' })
  t.same(holidayName('2026-01-06'), { sv: 'Trettondedag jul', en: 'Epiphany' })
  t.equal(holidayName('2026-04-07'), null)
  t.equal(holidayName('2026-12-24'), null)
  t.same(holidayName('2026-12-24', EVES), { sv: 'Julafton', en: 'Christmas Eve' })
  t.same(holidayName('2026-12-31', EVES), { sv: 'Nyårsafton', en: "New Year's Eve" })
  t.same(holidayName('2026-06-19', EVES), { sv: 'Midsommarafton', en: 'Midsummer Eve' })
  t.equal(holidayName('2026-06-19'), null)
  t.throws(() => holidayName('2026-02-30'), RangeError)
  t.throws(() => holidayName('1599-12-25'), RangeError)
  t.throws(() => holidayName('3001-01-01'), RangeError)
})

t.test('isWorkingDay', async (t) => {
  const cases: Array<[string, boolean, boolean]> = [
    // date, working by law, working with eves
    ['2026-03-05', true, true],
    ['2026-03-07', false, false], // Saturday
    ['2026-03-08', false, false], // Sunday
    ['2026-04-03', false, false], // Good Friday
    ['2026-04-06', false, false], // Easter Monday
    ['2026-04-07', true, true],
    ['2026-05-14', false, false], // Ascension
    ['2026-06-19', true, false], // Midsummer Eve
    ['2026-12-24', true, false], // Christmas Eve
    ['2026-12-31', true, false], // New Year's Eve
    ['2027-01-06', false, false], // Epiphany, a Wednesday
    ['2027-12-24', true, false], // a Friday
  ]
  for (const [d, law, eves] of cases) {
    t.equal(isWorkingDay(d), law, `${d} by law`)
    t.equal(isWorkingDay(d, EVES), eves, `${d} with eves`)
  }
  t.ok(isWeekend('2026-03-07'))
  t.notOk(isWeekend('2026-03-06'))
})

t.test('nextWorkingDay', async (t) => {
  const cases: Array<[string, string, string]> = [
    // from, by law, with eves
    ['2026-03-05', '2026-03-05', '2026-03-05'],
    ['2026-03-07', '2026-03-09', '2026-03-09'],
    ['2026-04-03', '2026-04-07', '2026-04-07'],
    ['2026-04-05', '2026-04-07', '2026-04-07'],
    ['2026-12-24', '2026-12-24', '2026-12-28'],
    ['2026-12-25', '2026-12-28', '2026-12-28'],
    ['2026-12-31', '2026-12-31', '2027-01-04'],
    ['2027-01-01', '2027-01-04', '2027-01-04'],
    ['2026-06-19', '2026-06-19', '2026-06-22'],
    ['2008-05-01', '2008-05-02', '2008-05-02'],
  ]
  for (const [from, law, eves] of cases) {
    t.equal(nextWorkingDay(from), law, `${from} by law`)
    t.equal(nextWorkingDay(from, EVES), eves, `${from} with eves`)
  }
})

t.test('memoised and immutable', async (t) => {
  t.equal(swedishHolidays(2026), swedishHolidays(2026), 'same array for same year and options')
  t.equal(swedishHolidays(2026, {}), swedishHolidays(2026, { eves: false }))
  t.not(swedishHolidays(2026), swedishHolidays(2026, EVES))
  t.ok(Object.isFrozen(swedishHolidays(2026)))
  t.ok(Object.isFrozen(swedishHolidays(2026)[0]))
  t.throws(() => (swedishHolidays(2026) as unknown as unknown[]).push({}))
  t.equal(swedishHolidays(2026).length, 13, 'cache not corrupted')
})

t.test('year range', async (t) => {
  t.equal(swedishHolidays(1600).length, 13)
  t.equal(swedishHolidays(3000).length, 13)
  t.throws(() => swedishHolidays(1599), RangeError)
  t.throws(() => swedishHolidays(3001), RangeError)
  t.throws(() => swedishHolidays(2026.5), RangeError)
  t.throws(() => easterSunday(1599), RangeError)
})
