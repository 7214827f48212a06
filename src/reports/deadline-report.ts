import type { Executor } from '../db/connection.js'
import { diffDays } from '../deadlines/calendar-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { ANSWERED_STATUSES, REFUSED_STATUSES } from '../cases/state-machine.js'
import { casesReceivedBetween } from '../cases/records.js'
import { answeredLate } from '../cases/refusal.js'

export interface ReportCase {
  type: string
  status: string
  received_at: string
  closed_at: string | null
  due_date: string
  extended: number
  partial_refusal_reason?: string | null
}

export interface ReportRow {
  month: string
  type: string
  received: number
  answered: number
  medianDays: number | null
  onTimeShare: number | null
  extensions: number
  open: number
  /** Refused in whole (rejected, refused_excessive) or in part (Art. 12(4)). */
  refusals: number
  /** Of those, sent after the due date: allowed, but late. */
  lateRefusals: number
}

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Per month of receipt (Stockholm time) and request type. A case counts as answered when it is
 * completed, rejected or forwarded to the controller (processor cases); it was on time when that happened on or before its due date. Withdrawn
 * cases count as received but not as answered. An Art. 12(5) refusal (refused_excessive) is an
 * answer like a rejection. Refusals, whole or partial, are also counted on their own with how many
 * came after the due date (Art. 12(4): the refusal and its reasons are due within the period).
 */
export function buildReport(cases: ReportCase[]): ReportRow[] {
  const groups = new Map<string, { month: string; type: string; rows: ReportCase[] }>()
  for (const c of cases) {
    const month = stockholmDate(c.received_at).slice(0, 7)
    const key = `${month}|${c.type}`
    if (!groups.has(key)) groups.set(key, { month, type: c.type, rows: [] })
    groups.get(key)!.rows.push(c)
  }
  const out: ReportRow[] = []
  for (const g of groups.values()) {
    const answered = g.rows.filter((c) => c.closed_at && (ANSWERED_STATUSES as readonly string[]).includes(c.status))
    const days = answered.map((c) => diffDays(stockholmDate(c.received_at), stockholmDate(c.closed_at!)))
    const onTime = answered.filter((c) => stockholmDate(c.closed_at!) <= c.due_date).length
    const refusals = answered.filter((c) => (REFUSED_STATUSES as readonly string[]).includes(c.status) || (c.status === 'completed' && c.partial_refusal_reason))
    out.push({
      month: g.month,
      type: g.type,
      received: g.rows.length,
      answered: answered.length,
      medianDays: median(days),
      onTimeShare: answered.length ? onTime / answered.length : null,
      extensions: g.rows.filter((c) => c.extended === 1).length,
      open: g.rows.filter((c) => !c.closed_at).length,
      refusals: refusals.length,
      lateRefusals: refusals.filter((c) => answeredLate(c.status, stockholmDate(c.closed_at!), c.due_date)).length,
    })
  }
  return out.sort((a, b) => (a.month === b.month ? a.type.localeCompare(b.type) : b.month.localeCompare(a.month)))
}

/** Cases received from `fromDate` (inclusive) to `toDate` (exclusive), both YYYY-MM-DD. */
export async function loadReportCases(db: Executor, fromDate: string, toDate: string): Promise<ReportCase[]> {
  // received_at is UTC; a day's margin each side, then the Stockholm month decides.
  const from = new Date(Date.parse(fromDate) - 86_400_000).toISOString()
  const to = new Date(Date.parse(toDate) + 86_400_000).toISOString()
  const rows = await casesReceivedBetween(db, from, to)
  return rows.filter((r) => {
    const d = stockholmDate(r.received_at)
    return d >= fromDate && d < toDate
  })
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value)
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
  return /[",\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function reportCsv(rows: ReportRow[]): string {
  const header = ['month', 'type', 'received', 'answered', 'median_days', 'on_time_share', 'extensions', 'open', 'refusals', 'late_refusals']
  const lines = rows.map((r) => [r.month, r.type, r.received, r.answered, r.medianDays, r.onTimeShare === null ? '' : r.onTimeShare.toFixed(3), r.extensions, r.open, r.refusals, r.lateRefusals].map(csvCell).join(','))
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}
