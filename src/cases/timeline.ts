import type { Executor } from '../db/connection.js'
import { lookup, t, type Lang } from '../i18n/index.js'
import { caseMessageBodies, listCaseEvents } from './repository.js'
import { staffNamesByIds } from '../staff/directory.js'
import { listTeamNames } from '../routing/directory.js'
import { systemNames } from '../datamap/service.js'
import { stockholmDateTime } from '../domain/stockholm-time.js'

export interface TimelineEntry {
  kind: string
  title: string
  who: string
  when: string
  text: string | null
  detail: string | null
}

/** An automatic email by its name in the catalogue (never the template's key); an unknown one by none. */
function emailName(lang: Lang, template: unknown): string | null {
  if (typeof template !== 'string') return null
  const name = lookup(lang, `cases.bench.emails.${template}`)
  return name.startsWith('cases.') ? null : name
}

/** Why a case escalated and where it went: "Overdue; moved from A to B", or "…; stays with B" when it was already there. */
function escalationDetail(lang: Lang, data: Record<string, unknown>, teams: Map<number, string>): string | null {
  if (typeof data.reason !== 'string') return null
  const reason = t(lang, `routing.escalation.reasons.${data.reason}`)
  const to = typeof data.toTeamId === 'number' ? teams.get(data.toTeamId) : undefined
  if (!to) return reason
  const from = typeof data.fromTeamId === 'number' ? teams.get(data.fromTeamId) : undefined
  return from && data.fromTeamId !== data.toTeamId ? t(lang, 'cases.bench.escalatedTo', { reason, from, to }) : t(lang, 'cases.bench.escalatedStays', { reason, team: to })
}

function systemKeysOf(data: Record<string, unknown>): string[] {
  const keys = Array.isArray(data.systems) ? data.systems : [data.system]
  return keys.filter((k): k is string => typeof k === 'string')
}

/** Everything that happened to a case, oldest first, with who did it, ready to show. */
export async function caseTimeline(db: Executor, caseId: number, lang: Lang): Promise<TimelineEntry[]> {
  const events = await listCaseEvents(db, caseId)
  const staffIds = [...new Set(events.map((e) => e.actor_id).filter((id): id is number => id !== null))]
  const assigneeIds = events.filter((e) => e.kind === 'assigned' || e.kind === 'routed').map((e) => (JSON.parse(e.data ?? '{}') as { to?: number | null }).to).filter((id): id is number => typeof id === 'number')
  const ids = [...new Set([...staffIds, ...assigneeIds])]
  const names = await staffNamesByIds(db, ids)
  const bodies = await caseMessageBodies(db, caseId)
  const teams = events.some((e) => e.kind === 'escalated') ? new Map((await listTeamNames(db)).map((x) => [x.id, x.name])) : new Map<number, string>()
  // Tasks' events store system keys; the timeline shows the names the map gives them (the key for a system since removed).
  const parsed = events.map((e) => (e.data ? JSON.parse(e.data) : {}) as Record<string, unknown>)
  const keys = events.flatMap((e, i) => (e.kind.startsWith('task') ? systemKeysOf(parsed[i]) : []))
  const systems = keys.length ? await systemNames(db, keys) : new Map<string, { sv: string; en: string }>()
  const systemName = (key: unknown) => (typeof key === 'string' ? (systems.get(key)?.[lang] ?? key) : null)
  return events.map((e, i) => {
    const data = parsed[i]
    const who = e.actor_type === 'staff' ? (names.get(e.actor_id ?? -1) ?? '?') : t(lang, `cases.actors.${e.actor_type}`)
    let text: string | null = null
    let detail: string | null = null
    switch (e.kind) {
      case 'tasks_created':
        detail = Array.isArray(data.systems) ? data.systems.map(systemName).join(', ') : null
        break
      case 'task_approved':
      case 'task_finished':
      case 'task_waived':
      case 'task_added':
      case 'task_removed':
      case 'task_emailed':
        // The system and its new state; a waiver's reason or a note is the entry's text.
        detail = [systemName(data.system), typeof data.status === 'string' ? t(lang, `tasks.statuses.${data.status}` as never) : null].filter(Boolean).join(': ') || null
        text = typeof data.note === 'string' ? data.note : typeof data.plan === 'string' ? data.plan : null
        break
      case 'note':
        text = String(data.text ?? '')
        break
      case 'message_out':
      case 'message_in':
        text = bodies.get(Number(data.messageId)) ?? null
        break
      case 'status_changed':
        detail = `${t(lang, `cases.statuses.${String(data.from)}`)} → ${t(lang, `cases.statuses.${String(data.to)}`)}`
        text = typeof data.reason === 'string' ? data.reason : null
        break
      case 'assigned':
        detail = data.to === null || data.to === undefined ? t(lang, 'cases.casePage.nobody') : (names.get(Number(data.to)) ?? '?')
        break
      case 'extended':
        detail = String(data.dueDate ?? '')
        text = typeof data.reason === 'string' ? data.reason : null
        break
      case 'submitted':
      case 'registered':
        detail = t(lang, `cases.channels.${String(data.channel ?? 'web')}`)
        break
      case 'routed': {
        const reason = data.reason as { sv?: string; en?: string } | undefined
        detail = [data.team, data.to ? names.get(Number(data.to)) : null].filter(Boolean).join(', ') || null
        text = reason?.[lang] ?? null
        break
      }
      case 'escalated':
        detail = escalationDetail(lang, data, teams)
        break
      case 'forwarded':
        detail = [data.controller, data.email].filter(Boolean).join(', ') || null
        text = typeof data.body === 'string' ? data.body : null
        break
      case 'pause_started':
        // Pauses from before reasons were required (migration 010) carry none.
        detail = t(lang, `cases.pause.reasons.${typeof data.reason === 'string' ? data.reason : 'unspecified'}`)
        break
      case 'team_changed':
        detail = typeof data.team === 'string' ? data.team : null
        break
      case 'client_marked':
        detail = typeof data.controller === 'string' ? data.controller : null
        break
      case 'email_out':
        detail = emailName(lang, data.template)
        break
      default:
        if (typeof data.summary === 'string') detail = data.summary
    }
    const title = t(lang, `cases.events.${e.kind}`)
    return { kind: e.kind, title: title.startsWith('cases.') ? e.kind : title, who, when: stockholmDateTime(e.created_at), text, detail }
  })
}
