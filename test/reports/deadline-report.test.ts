import t from 'tap'
import { buildReport, reportCsv, type ReportCase } from '../../src/reports/deadline-report.js'

const c = (over: Partial<ReportCase>): ReportCase => ({ type: 'access', status: 'completed', received_at: '2026-03-05T10:00:00.000Z', closed_at: '2026-03-15T10:00:00.000Z', due_date: '2026-04-07', extended: 0, ...over })

t.test('per month and type: received, median days, on-time share, extensions', async (t) => {
  const rows = buildReport([
    c({}),
    c({ closed_at: '2026-03-25T10:00:00.000Z' }),
    c({ closed_at: '2026-04-10T10:00:00.000Z', extended: 1 }),
    c({ status: 'in_progress', closed_at: null }),
    c({ status: 'withdrawn', closed_at: '2026-03-06T10:00:00.000Z' }),
    c({ type: 'erasure', received_at: '2026-03-31T22:30:00.000Z', closed_at: '2026-04-02T10:00:00.000Z', due_date: '2026-05-04' }),
  ])
  const access = rows.find((r) => r.type === 'access' && r.month === '2026-03')!
  t.match(access, { received: 5, answered: 3, medianDays: 20, extensions: 1, open: 1 })
  t.equal(access.onTimeShare, 2 / 3)
  const erasure = rows.find((r) => r.type === 'erasure')!
  t.equal(erasure.month, '2026-04', 'received 2026-03-31T22:30Z is 1 April in Stockholm')
  t.equal(erasure.medianDays, 1)
  const csv = reportCsv(rows)
  t.match(csv, /^month,type,received,answered,median_days,on_time_share,extensions,open\r\n/)
  t.match(csv, /2026-03,access,5,3,20,0\.667,1,1/)
  t.equal(reportCsv([{ month: '=1+1', type: 'x', received: 0, answered: 0, medianDays: null, onTimeShare: null, extensions: 0, open: 0 }]).split('\r\n')[1].startsWith("'=1+1"), true, 'no spreadsheet formulas')
})
