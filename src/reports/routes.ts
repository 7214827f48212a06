import type { FastifyInstance } from 'fastify'
import { isValidDate } from '../deadlines/calendar-date.js'
import { computeDueDate } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { isSupportedDate, SUPPORTED_DATES } from '../cases/received-at.js'
import { t } from '../i18n/index.js'
import { buildReport, loadReportCases, reportCsv } from './deadline-report.js'

function yearRange(raw: unknown, today: string): { year: number; from: string; to: string } {
  const y = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : Number(today.slice(0, 4))
  const year = y >= 2000 && y <= 2100 ? y : Number(today.slice(0, 4))
  return { year, from: `${year}-01-01`, to: `${year + 1}-01-01` }
}

/** The deadline report (per month and type) and the deadline calculator, in the staff area. */
export async function reportRoutes(app: FastifyInstance) {
  const viewer = { preHandler: app.requireStaff('viewer') }

  app.get<{ Querystring: { year?: string; format?: string } }>('/staff/reports', viewer, async (request, reply) => {
    const lang = request.lang
    const today = stockholmDate(app.clock())
    const range = yearRange(request.query?.year, today)
    const rows = buildReport(await loadReportCases(app.db, range.from, range.to))
    if (request.query?.format === 'csv') {
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="dsr-report-${range.year}.csv"`)
        .header('Cache-Control', 'no-store')
        .send(reportCsv(rows))
    }
    return reply.staffPage(
      'staff-report',
      {
        year: range.year,
        years: Array.from({ length: 5 }, (_, i) => Number(today.slice(0, 4)) - i),
        rows: rows.map((r) => ({
          ...r,
          typeLabel: t(lang, `types.${r.type}.short`),
          onTime: r.onTimeShare === null ? '–' : `${Math.round(r.onTimeShare * 100)} %`,
          median: r.medianDays === null ? '–' : String(r.medianDays),
        })),
      },
      { title: t(lang, 'cases.report.title') },
    )
  })

  app.get<{ Querystring: { receivedAt?: string; months?: string } }>('/staff/deadlines', viewer, async (request, reply) => {
    const lang = request.lang
    const q = request.query ?? {}
    const months = q.months === '3' ? 3 : 1
    let result = null
    let error: string | null = null
    if (q.receivedAt !== undefined) {
      if (isValidDate(q.receivedAt) && !isSupportedDate(q.receivedAt)) error = t(lang, 'cases.manual.outOfRange', SUPPORTED_DATES)
      else if (isValidDate(q.receivedAt)) {
        const r = computeDueDate({ receivedDate: q.receivedAt, months, eves: app.config.holidayEves })
        result = { ...r, skipped: r.skipped.map((s) => ({ date: s.date, reason: t(lang, `cases.calculator.${s.reason}`), holiday: s.holiday ? s.holiday[lang] : null })) }
      } else error = t(lang, 'cases.manual.invalidDate')
    }
    return reply.staffPage(
      'staff-deadlines',
      { values: { receivedAt: q.receivedAt ?? stockholmDate(app.clock()), months: String(months) }, result, error, errorList: error ? [{ id: 'receivedAt', message: error }] : [] },
      { status: error ? 400 : 200, title: t(lang, 'cases.calculator.title') },
    )
  })
}
