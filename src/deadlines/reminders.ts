import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { deadlineOf } from '../cases/deadline.js'
import { openCasesDueBy, openCasesWithPauses, setDueDate } from '../cases/records.js'
import { t, type Lang } from '../i18n/index.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { RenderEmail } from '../mail/render.js'
import { claimPeriod, finishPeriod } from '../scheduler/job-runs.js'
import { activeStaff } from '../staff/directory.js'
import { addDays } from './calendar-date.js'
import { stockholmDate } from './stockholm.js'

export interface ReminderResult {
  period: string
  ran: boolean
  emails: number
  cases: number
}

/**
 * Paused cases' due dates move every day, and a stored date may come from an older reading of
 * the rules (issue 15: the earlier of two readings): every open case is brought up to date
 * before listing. Open cases are few; their pauses are read in one query.
 */
async function refreshOpenDueDates(trx: Executor, now: Date, eves: boolean): Promise<void> {
  const { open, pauses } = await openCasesWithPauses(trx)
  if (open.length === 0) return
  const byCase = new Map<number, typeof pauses>()
  for (const p of pauses) byCase.set(p.case_id, [...(byCase.get(p.case_id) ?? []), p])
  for (const c of open) {
    const due = deadlineOf(c, byCase.get(c.id) ?? [], now, eves).dueDate
    if (due !== c.due_date) await setDueDate(trx, c.id, due)
  }
}

/**
 * One email a day per handler with their cases overdue or due within `reminderDays`;
 * unassigned ones go to every admin. The day's job_runs row is claimed in the same
 * transaction as the emails are queued, so a restart or a second instance sends nothing twice.
 */
export async function runReminders(deps: { db: Db; config: Config; renderEmail: RenderEmail; now: Date }): Promise<ReminderResult> {
  const { db, config, now } = deps
  const today = stockholmDate(now)
  const horizon = addDays(today, config.reminderDays)
  const iso = now.toISOString()
  return db.transaction().execute(async (trx) => {
    if (!(await claimPeriod(trx, 'reminders', today, iso))) return { period: today, ran: false, emails: 0, cases: 0 }
    await refreshOpenDueDates(trx, now, config.holidayEves)
    const due = await openCasesDueBy(trx, horizon)
    const staff = await activeStaff(trx)
    const byAssignee = new Map<number, Case[]>()
    const unassigned: Case[] = []
    for (const c of due) {
      if (c.assignee_id === null) unassigned.push(c)
      else byAssignee.set(c.assignee_id, [...(byAssignee.get(c.assignee_id) ?? []), c])
    }
    let emails = 0
    for (const person of staff) {
      const own = byAssignee.get(person.id) ?? []
      const list = person.role === 'admin' ? [...own, ...unassigned] : own
      if (list.length === 0 || person.role === 'viewer') continue
      const lang: Lang = person.lang === 'en' ? 'en' : 'sv'
      const rows = list.map((c) => {
        const days = Math.round((Date.parse(c.due_date) - Date.parse(today)) / 86_400_000)
        return { reference: c.reference, type: t(lang, `types.${c.type}.short`), dueDate: c.due_date, daysLeft: days, overdue: days < 0, mine: c.assignee_id === person.id, url: `${config.publicUrl}/staff/cases/${c.id}` }
      })
      const mail = deps.renderEmail('reminder', lang, 'email.reminderSubject', { name: person.name, count: rows.length, cases: rows, days: config.reminderDays, queueUrl: `${config.publicUrl}/staff` })
      await enqueueEmail(trx, { kind: 'reminder', to: person.email, toName: person.name, ...mail }, { from: config.mailFrom, now })
      emails++
    }
    const result = { period: today, ran: true, emails, cases: due.length }
    await finishPeriod(trx, 'reminders', today, iso, result)
    return result
  })
}
