/**
 * The case page's "Systems" section: each task with its owner, state and result, the approve
 * button with each change plan, and the forms to mark or waive a task. Worded here; the route
 * reads the tasks (TaskService.list) and the plans (TaskService.plans).
 */
import { t, type Lang } from '../i18n/index.js'
import type { TaskService, TaskView } from './service.js'
import { isBlocking, isFinal } from './state-machine.js'

/** What a refused task form says on the page (?taskProblem=<code>): a code only, so no text typed is in the URL. */
const PROBLEM_KEYS = {
  reason_required: 'tasks.errors.reasonRequired',
  too_long: 'tasks.errors.tooLong',
  task_final: 'tasks.errors.final',
  task_transition: 'tasks.errors.transition',
  nothing_to_approve: 'tasks.errors.noneToApprove',
  invalid_outcome: 'tasks.errors.outcome',
  not_found: 'tasks.errors.notFound',
  system_unavailable: 'tasks.errors.systemUnavailable',
} as const

export function taskProblemText(lang: Lang, code: unknown): string | null {
  return typeof code === 'string' && code in PROBLEM_KEYS ? t(lang, PROBLEM_KEYS[code as keyof typeof PROBLEM_KEYS], { max: 2000 }) : null
}

function resultText(lang: Lang, v: TaskView): string | null {
  const r = v.result
  if (!r) return v.note ?? null
  const parts: string[] = []
  // A register's rows are counted under the register's own key: named as the system is.
  const where = (table: string) => (table === v.system && v.systemName ? v.systemName[lang] : table)
  if (r.rows) parts.push(Object.entries(r.rows).map(([table, n]) => `${where(table)}: ${t(lang, 'tasks.page.rows', { count: n })}`).join(', '))
  if (Array.isArray(r.records)) parts.push(t(lang, 'tasks.page.records', { count: r.records.length }))
  else if (r.records) parts.push(t(lang, 'tasks.page.records', { count: Object.values(r.records).reduce((n, rows) => n + (Array.isArray(rows) ? rows.length : 0), 0) }))
  if (r.message) parts.push(r.message)
  if (v.note) parts.push(v.note)
  return parts.join(' · ') || null
}

export async function taskPanel(tasks: TaskService, caseId: number, lang: Lang, canWork: boolean, problem: { code: unknown; task: unknown }, systems: ReadonlyArray<{ key: string; name: { sv: string; en: string } }>) {
  const views = await tasks.list(caseId)
  if (views.length === 0) return null
  const onCase = new Set(views.filter((v) => v.status !== 'cancelled' && v.status !== 'waived').map((v) => v.system))
  const plans = canWork && views.some((v) => v.status === 'awaiting_approval') ? await tasks.plans(caseId) : new Map<number, string | null>()
  const open = views.filter((v) => isBlocking(v.status)).length
  const problemTask = typeof problem.task === 'string' && /^\d{1,10}$/.test(problem.task) ? Number(problem.task) : null
  const message = taskProblemText(lang, problem.code)
  const rows = views.map((v) => ({
    id: v.id,
    system: v.systemName ? v.systemName[lang] : v.system,
    key: v.system,
    owner: v.owner ?? t(lang, 'tasks.page.noOwner'),
    action: t(lang, `tasks.actions.${v.action}`),
    status: v.status,
    statusLabel: t(lang, `tasks.statuses.${v.status}` as never),
    result: resultText(lang, v),
    approved: v.approvedBy ? t(lang, 'tasks.page.approvedBy', { name: v.approvedBy }) + (v.planSummary ? `: ${v.planSummary}` : '') : null,
    awaiting: v.status === 'awaiting_approval',
    plan: plans.has(v.id) ? (plans.get(v.id) ?? t(lang, 'tasks.page.noPlan')) : null,
    open: !isFinal(v.status),
    problem: problemTask === v.id ? message : null,
  }))
  return {
    rows,
    summary: open > 0 ? t(lang, 'tasks.page.open', { count: open, total: views.length }) : t(lang, 'tasks.page.done'),
    awaiting: rows.some((r) => r.awaiting),
    canWork,
    problem: problemTask === null ? message : null,
    addable: systems.filter((s) => !onCase.has(s.key)).map((s) => ({ value: s.key, label: s.name[lang] })),
    outcomes: (['completed', 'not_found', 'failed'] as const).map((value) => ({ value, label: t(lang, `tasks.statuses.${value}`) })),
  }
}
