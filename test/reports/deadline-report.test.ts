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
  t.match(csv, /^month,type,received,answered,median_days,on_time_share,extensions,open,refusals,late_refusals\r\n/)
  t.match(csv, /2026-03,access,5,3,20,0\.667,1,1/)
  t.equal(reportCsv([{ month: '=1+1', type: 'x', received: 0, answered: 0, medianDays: null, onTimeShare: null, extensions: 0, open: 0, refusals: 0, lateRefusals: 0 }]).split('\r\n')[1].startsWith("'=1+1"), true, 'no spreadsheet formulas')
})

t.test('Art. 12(5): a refused_excessive case counts as answered, on time when closed by the due date', async (t) => {
  const rows = buildReport([
    c({ status: 'refused_excessive', closed_at: '2026-04-07T10:00:00.000Z' }),
    c({ status: 'refused_excessive', closed_at: '2026-04-08T10:00:00.000Z' }),
  ])
  t.match(rows[0], { received: 2, answered: 2, open: 0, refusals: 2, lateRefusals: 1 })
  t.equal(rows[0].onTimeShare, 1 / 2, 'closed on the due date is on time, the day after is not')
})

t.test('Art. 12(4): refusals in whole or in part are counted, and those sent after the due date are marked late', async (t) => {
  const rows = buildReport([
    c({ status: 'rejected', closed_at: '2026-04-09T10:00:00.000Z' }),
    c({ status: 'completed', partial_refusal_reason: 'Notes about a colleague withheld (Art. 15(4))' }),
    c({ status: 'completed' }),
    c({ status: 'forwarded' }),
  ])
  t.match(rows[0], { answered: 4, refusals: 2, lateRefusals: 1 })
  t.match(reportCsv(rows), /2026-03,access,4,4,10,0\.750,0,0,2,1\r\n/)
})
