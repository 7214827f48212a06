/**
 * Swedish public holidays (allmänna helgdagar, lag 1989:253).
 *
 * The current rules are applied to every supported year, with one historical
 * exception that still matters for dates in living memory: Sveriges
 * nationaldag (6 June) became a holiday in 2005, replacing Annandag pingst.
 * Earlier changes (e.g. Midsummer and All Saints' being fixed dates before
 * 1953) are not modelled.
 */
import {
  addDays,
  dayOfWeek,
  formatDate,
  parseDate,
  type IsoDate,
} from './calendar-date.js'

export interface HolidayOptions {
  /**
   * Also treat Midsommarafton, Julafton and Nyårsafton as holidays. They are
   * not public holidays by law, but many offices are closed on them.
   */
  readonly eves?: boolean
}

export interface HolidayName {
  readonly sv: string
  readonly en: string
}

export interface Holiday {
  readonly date: IsoDate
  readonly nameSv: string
  readonly nameEn: string
}

export const MIN_HOLIDAY_YEAR = 1600
export const MAX_HOLIDAY_YEAR = 3000
export const NATIONAL_DAY_FIRST_YEAR = 2005

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  checkYear(year)
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const n = h + l - 7 * m + 114
  return formatDate({ year, month: Math.floor(n / 31), day: (n % 31) + 1 })
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_HOLIDAY_YEAR || year > MAX_HOLIDAY_YEAR) {
    throw new RangeError(`Holiday year must be ${MIN_HOLIDAY_YEAR}..${MAX_HOLIDAY_YEAR}: ${year}`)
  }
}

/** The first Saturday on or after the given day. */
function saturdayFrom(year: number, month: number, day: number): IsoDate {
  const start = formatDate({ year, month, day })
  return addDays(start, (6 - dayOfWeek(start) + 7) % 7)
}

function buildHolidays(year: number, eves: boolean): Holiday[] {
  const date = (month: number, day: number): IsoDate => formatDate({ year, month, day })
  const easter = easterSunday(year)
  const midsummer = saturdayFrom(year, 6, 20)
  const list: Array<[IsoDate, string, string]> = [
    [date(1, 1), 'Nyårsdagen', "New Year's Day"],
    [date(1, 6), 'Trettondedag jul', 'Epiphany'],
    [addDays(easter, -2), 'Långfredagen', 'Good Friday'],
    [easter, 'Påskdagen', 'Easter Sunday'],
    [addDays(easter, 1), 'Annandag påsk', 'Easter Monday'],
    [date(5, 1), 'Första maj', 'May Day'],
    [addDays(easter, 39), 'Kristi himmelsfärdsdag', 'Ascension Day'],
    [addDays(easter, 49), 'Pingstdagen', 'Whit Sunday'],
    year >= NATIONAL_DAY_FIRST_YEAR
      ? [date(6, 6), 'Sveriges nationaldag', 'National Day of Sweden']
      : [addDays(easter, 50), 'Annandag pingst', 'Whit Monday'],
    [midsummer, 'Midsommardagen', 'Midsummer Day'],
    [saturdayFrom(year, 10, 31), 'Alla helgons dag', "All Saints' Day"],
    [date(12, 25), 'Juldagen', 'Christmas Day'],
    [date(12, 26), 'Annandag jul', "St Stephen's Day"],
  ]
  if (eves) {
    list.push(
      [addDays(midsummer, -1), 'Midsommarafton', 'Midsummer Eve'],
      [date(12, 24), 'Julafton', 'Christmas Eve'],
      [date(12, 31), 'Nyårsafton', "New Year's Eve"],
    )
  }
  // Array#sort is stable, so holidays sharing a date keep the order above.
  return list
    .map(([d, nameSv, nameEn]) => Object.freeze({ date: d, nameSv, nameEn }))
    .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0))
}

const holidayCache = new Map<string, readonly Holiday[]>()
const nameCache = new Map<string, ReadonlyMap<IsoDate, HolidayName>>()

const cacheKey = (year: number, opts: HolidayOptions): string => `${year}:${opts.eves ? 'eves' : 'law'}`

/**
 * The holidays of `year`, sorted by date. Each holiday is listed separately,
 * so two may share a date (Första maj and Kristi himmelsfärdsdag in 2008).
 * The result is cached and frozen.
 */
export function swedishHolidays(year: number, opts: HolidayOptions = {}): readonly Holiday[] {
  checkYear(year)
  const key = cacheKey(year, opts)
  let list = holidayCache.get(key)
  if (!list) {
    list = Object.freeze(buildHolidays(year, opts.eves === true))
    holidayCache.set(key, list)
  }
  return list
}

function namesByDate(year: number, opts: HolidayOptions): ReadonlyMap<IsoDate, HolidayName> {
  const key = cacheKey(year, opts)
  let names = nameCache.get(key)
  if (!names) {
    const map = new Map<IsoDate, HolidayName>()
    for (const h of swedishHolidays(year, opts)) {
      const prev = map.get(h.date)
      map.set(
        h.date,
        Object.freeze(
          prev
            ? { sv: `${prev.sv} och ${h.nameSv}`, en: `${prev.en} and ${h.nameEn}` }
            : { sv: h.nameSv, en: h.nameEn },
        ),
      )
    }
    names = map
    nameCache.set(key, names)
  }
  return names
}

/** The holiday on `date`, names joined when two coincide; null on other days. */
export function holidayName(date: IsoDate, opts: HolidayOptions = {}): HolidayName | null {
  return namesByDate(parseDate(date).year, opts).get(date) ?? null
}

export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date)
  return dow === 0 || dow === 6
}

/** Neither Saturday, Sunday nor a holiday. */
export function isWorkingDay(date: IsoDate, opts: HolidayOptions = {}): boolean {
  return !isWeekend(date) && holidayName(date, opts) === null
}

/** `date` itself when it is a working day, else the first working day after it. */
export function nextWorkingDay(date: IsoDate, opts: HolidayOptions = {}): IsoDate {
  let d = date
  while (!isWorkingDay(d, opts)) d = addDays(d, 1)
  return d
}
