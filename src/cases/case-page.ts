import type { Case } from '../db/schema.js'
import type { CaseDeadline, ExtendCheck } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'
import { t, type Lang } from '../i18n/index.js'
import type { TimelineEntry } from './timeline.js'
import { CLOSED_STATUSES, isClosed } from './state-machine.js'

/**
 * The case page as a workbench (issue 18): what its summary header, deadline bar and "next steps"
 * say for the case's state, and the confirmation after a form. Pure: the route reads the case, its
 * deadline and names, and this decides the words.
 */

/** What a done form says (?done=<code>); the page words it from the case as it is now, so no personal data is in the URL. */
export const DONE_CODES = ['1', 'assigned', 'status', 'message', 'awaiting', 'paused', 'note', 'extended', 'team', 'client', 'forwarded', 'answered', 'authority', 'recipient', 'rectification', 'record', 'tasks'] as const
export type DoneCode = (typeof DONE_CODES)[number]

export function isDoneCode(value: unknown): value is DoneCode {
  return typeof value === 'string' && (DONE_CODES as readonly string[]).includes(value)
}

/** The refusals of the extension form that come back to the case page by a redirect (Post/Redirect/Get). */
export const EXTEND_REFUSALS = ['extensionReasonRequired', 'extensionClosed', 'extensionAlreadyExtended', 'extensionMonthPassed', 'extensionImmediate'] as const
export type ExtendRefusalName = (typeof EXTEND_REFUSALS)[number]

export function isExtendRefusal(value: unknown): value is ExtendRefusalName {
  return typeof value === 'string' && (EXTEND_REFUSALS as readonly string[]).includes(value)
}

export interface PageFacts {
  lang: Lang
  c: Case
  me: { id: number }
  deadline: CaseDeadline
  assigneeName: string | null
  teamName: string | null
  runningPause: { since: string; reason: string } | null
}

/** The confirmation after a form, worded from the case as it is now. */
export function confirmation(code: DoneCode, f: PageFacts): string {
  const { lang, c } = f
  const status = t(lang, `cases.statuses.${c.status}`)
  switch (code) {
    case 'assigned':
      if (c.assignee_id === null) return t(lang, 'cases.bench.done.unassigned')
      return c.assignee_id === f.me.id ? t(lang, 'cases.bench.done.assignedMe') : t(lang, 'cases.bench.done.assigned', { name: f.assigneeName ?? '?' })
    case 'status':
      return isClosed(c.status) ? t(lang, 'cases.bench.done.closed', { status }) : t(lang, 'cases.bench.done.status', { status })
    case 'message':
    case 'awaiting':
    case 'paused':
      return t(lang, `cases.bench.done.${code}`, { email: c.email })
    case 'extended':
      return t(lang, 'cases.bench.done.extended', { date: f.deadline.dueDate })
    case 'team':
      return t(lang, 'cases.bench.done.team', { team: f.teamName ?? t(lang, 'routing.casePage.noTeam') })
    case 'client':
    case 'forwarded':
      return t(lang, `cases.bench.done.${code}`, { client: c.controller_name ?? '?' })
    case '1':
      return t(lang, 'cases.bench.done.saved')
    default:
      return t(lang, `cases.bench.done.${code}`)
  }
}

export interface DeadlineBar {
  /** overdue, due_today, due_soon, ok, paused, closed or late: the bar's colour. */
  tone: string
  headline: string
  due: string
  paused: boolean
  extended: boolean
  notes: string[]
}

/** Days left, the due date, paused or extended, overdue: the bar under the case's heading. */
export function deadlineBar(f: PageFacts, answered: { answeredDate: string | null; late: boolean; answered: boolean }): DeadlineBar {
  const { lang, c, deadline } = f
  const due = deadline.immediate ? t(lang, 'cases.bench.dueImmediate', { date: deadline.dueDate }) : t(lang, 'cases.bench.dueBy', { date: deadline.dueDate })
  if (isClosed(c.status)) {
    const date = answered.answeredDate ?? (c.closed_at ? stockholmDate(c.closed_at) : '')
    const headline = answered.answered ? t(lang, answered.late ? 'cases.bench.answeredLate' : 'cases.bench.answeredOnTime', { date }) : t(lang, 'cases.bench.closedOn', { date })
    return { tone: answered.late ? 'late' : 'closed', headline, due, paused: false, extended: deadline.extended, notes: [] }
  }
  const days = deadline.daysLeft
  const headline = days > 0 ? t(lang, 'cases.bench.daysLeft', { count: days }) : days === 0 ? t(lang, 'cases.bench.dueToday') : t(lang, 'cases.bench.overdue', { count: -days })
  // A running pause is told by the page's own line (#pause-running), with the pause's reason.
  const notes: string[] = []
  if (deadline.extended) notes.push(t(lang, 'cases.bench.extendedNote', { date: deadline.oneMonthDueDate }))
  const tone = f.runningPause && deadline.state !== 'overdue' ? 'paused' : deadline.state
  return { tone, headline, due, paused: f.runningPause !== null, extended: deadline.extended, notes }
}

/** Whether the extension form is offered, and what the page says instead when it is not. */
export function extensionOffer(f: PageFacts, check: ExtendCheck): { offer: boolean; note: string } | null {
  const { lang, c, deadline } = f
  if (isClosed(c.status)) return null
  if (check.ok) return { offer: true, note: t(lang, 'cases.bench.extendUntil', { date: deadline.oneMonthDueDate }) }
  switch (check.reason) {
    case 'already_extended':
      return { offer: false, note: t(lang, 'cases.bench.extendAlready', { date: deadline.dueDate }) }
    case 'immediate':
      return { offer: false, note: t(lang, 'cases.bench.extendImmediate') }
    default:
      return { offer: false, note: t(lang, 'cases.bench.extendPassed', { date: deadline.oneMonthDueDate }) }
  }
}

export interface NextStep {
  href: string
  label: string
}

/** The next steps for this status: a one-click start or resume, and links to the forms that apply now. */
export function nextSteps(
  lang: Lang,
  c: Case,
  o: { transitions: readonly string[]; canPause: boolean; offerExtend: boolean; canWrite: boolean; isQuestion: boolean },
): { quickStatus: { value: string; label: string; hint: string | null } | null; links: NextStep[] } {
  const toProgress = o.transitions.includes('in_progress') && !isClosed(c.status)
  const quickStatus = !toProgress
    ? null
    : c.status === 'new'
      ? { value: 'in_progress', label: t(lang, 'cases.bench.start'), hint: null }
      : c.status === 'awaiting_requester'
        ? { value: 'in_progress', label: t(lang, 'cases.bench.resume'), hint: t(lang, 'cases.bench.resumeHint') }
        : null
  const links: NextStep[] = []
  if (o.isQuestion && o.canWrite) links.push({ href: '#answer-form', label: t(lang, 'routing.casePage.answerTitle') })
  if (o.canWrite) links.push({ href: '#message-form', label: t(lang, 'cases.bench.goWrite') })
  if (o.canPause) links.push({ href: '#pause', label: t(lang, 'cases.bench.goPause') })
  if (o.offerExtend) links.push({ href: '#extend-form', label: t(lang, 'cases.bench.goExtend') })
  const closing = o.transitions.some((s) => (CLOSED_STATUSES as readonly string[]).includes(s))
  if (closing) links.push({ href: '#status-form', label: t(lang, 'cases.bench.goClose') })
  else if (isClosed(c.status) && o.transitions.length) links.push({ href: '#status-form', label: t(lang, 'cases.bench.goReopen') })
  links.push({ href: '#note-form', label: t(lang, 'cases.bench.goNote') })
  return { quickStatus, links }
}

/** The timeline newest first; messages carry their direction so the page shows them as a thread. */
export function threadView(entries: readonly TimelineEntry[], lang: Lang) {
  return [...entries].reverse().map((e) => {
    const direction = e.kind === 'message_out' ? 'out' : e.kind === 'message_in' ? 'in' : null
    return { ...e, direction, directionLabel: direction === 'out' ? t(lang, 'cases.bench.toRequester') : direction === 'in' ? t(lang, 'cases.bench.fromRequester') : null }
  })
}

/** The running pause as the bar words it. */
export function runningPause(lang: Lang, pause: { started_at: string; reason: string } | undefined) {
  return pause ? { since: stockholmDateTime(pause.started_at), reason: t(lang, `cases.pause.reasons.${pause.reason}`) } : null
}
