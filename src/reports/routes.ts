import type { FastifyInstance } from 'fastify'
import { parseCalculatorQuery } from '../deadlines/calculator-query.js'
import { computeDueDate } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { t } from '../i18n/index.js'
import { QueryFlag } from '../cases/form-body.js'
import { buildReport, loadReportCases, reportCsv } from './deadline-report.js'

function yearRange(raw: unknown, today: string): { year: number; from: string; to: string } {
  const y = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : Number(today.slice(0, 4))
  const year = y >= 2000 && y <= 2100 ? y : Number(today.slice(0, 4))
  return { year, from: `${year}-01-01`, to: `${year + 1}-01-01` }
}

// Query values as the parser gives them (a repeated name is a list); the handlers word what is wrong.
const ReportQuery = Type.Object({ year: QueryFlag, format: QueryFlag })
const CalculatorQuery = Type.Object({ receivedAt: QueryFlag, confirmedAt: QueryFlag, months: QueryFlag })

/** The deadline report (per month and type) and the deadline calculator, in the staff area. */
export async function reportRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const viewer = { preValidation: app.requireStaff('viewer') }

  r.get('/reports', { ...viewer, schema: { querystring: ReportQuery } }, async (request, reply) => {
    const lang = request.lang
    const today = stockholmDate(app.clock())
    const range = yearRange(request.query.year, today)
    const rows = buildReport(await loadReportCases(app.db, range.from, range.to))
    if (request.query.format === 'csv') {
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

  r.get('/deadlines', { ...viewer, schema: { querystring: CalculatorQuery } }, async (request, reply) => {
    const lang = request.lang
    const q = request.query ?? {}
    const months = q.months === '3' ? '3' : '1'
    let result = null
    const errors: Record<string, string> = {}
    if (q.receivedAt !== undefined) {
      const parsed = parseCalculatorQuery({ ...q, months })
      if (parsed.ok) {
        const r = computeDueDate({ receivedDate: parsed.receivedDate, months: parsed.months, eves: app.config.holidayEves, pausedDays: parsed.pausedDays })
        result = { ...r, pausedDays: parsed.pausedDays, skipped: r.skipped.map((s) => ({ date: s.date, reason: t(lang, `cases.calculator.${s.reason}`), holiday: s.holiday ? s.holiday[lang] : null })) }
      } else {
        for (const [field, problem] of Object.entries(parsed.fields)) errors[field] = t(lang, `cases.calculator.problems.${problem}`)
      }
    }
    const errorList = Object.entries(errors).map(([id, message]) => ({ id, message }))
    return reply.staffPage(
      'staff-deadlines',
      { values: { receivedAt: q.receivedAt ?? stockholmDate(app.clock()), confirmedAt: q.confirmedAt ?? '', months }, result, errors, errorList },
      { status: errorList.length ? 400 : 200, title: t(lang, 'cases.calculator.title') },
    )
  })
}
