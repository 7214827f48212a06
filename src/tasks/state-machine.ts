/**
 * The life of a fulfilment task, as a pure table: no I/O, no clock.
 *
 *   from \ to           running  completed  not_found  failed  waived  cancelled
 *   pending               ✓        ✓H         ✓H        ✓H      ✓R       ✓
 *   awaiting_approval     ✓A       ✓H         ✓H        ✓H      ✓R       ✓
 *   running               ·        ✓          ✓         ✓       ✓R       ✓
 *   failed                ✓        ✓H         ✓H        ·       ✓R       ✓
 *   completed, not_found, waived, cancelled: final.
 *
 *   A = only by approval (the handler approves the change plan shown); R = a reason is required;
 *   H = also by hand (a handler or the owner team marks it, with an optional note).
 *
 * Why:
 *  - A case cannot be completed while a task is pending, awaiting approval, running or failed
 *    (BLOCKING): every system that may hold the person's data has answered, or a handler has
 *    waived it with a reason the requester is told where data is kept (Art. 12(4)).
 *  - failed blocks too: a system that could not be reached has not been searched; it is tried
 *    again (→ running), marked by hand, or waived.
 *  - Rejecting or withdrawing the case cancels every open task: nothing more is done for it.
 *  - erasure, rectification and restriction on a system the portal changes itself wait in
 *    awaiting_approval: a change to another system is made only after a person has read its plan.
 */
export const TASK_STATUSES = ['pending', 'awaiting_approval', 'running', 'completed', 'not_found', 'failed', 'waived', 'cancelled'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

/** Statuses that keep the case from being completed. */
export const BLOCKING_STATUSES: readonly TaskStatus[] = ['pending', 'awaiting_approval', 'running', 'failed']
/** Statuses nothing moves out of. */
export const FINAL_STATUSES: readonly TaskStatus[] = ['completed', 'not_found', 'waived', 'cancelled']
/** What a handler or owner may mark a task as by hand. */
export const HAND_OUTCOMES = ['completed', 'not_found', 'failed'] as const
export type HandOutcome = (typeof HAND_OUTCOMES)[number]

export type TaskMove = { by: 'approval' } | { by: 'hand'; reason?: string | null } | { by: 'system'; reason?: string | null }

interface Edge {
  to: TaskStatus
  approval?: true
  hand?: true
  reason?: true
}

const finish = (hand: boolean): Edge[] => (['completed', 'not_found', 'failed'] as const).map((to) => (hand ? { to, hand: true } : { to }))

export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly Edge[]>> = {
  pending: [{ to: 'running' }, ...finish(true), { to: 'waived', reason: true }, { to: 'cancelled' }],
  awaiting_approval: [{ to: 'running', approval: true }, ...finish(true), { to: 'waived', reason: true }, { to: 'cancelled' }],
  running: [...finish(true), { to: 'waived', reason: true }, { to: 'cancelled' }],
  failed: [{ to: 'running' }, { to: 'completed', hand: true }, { to: 'not_found', hand: true }, { to: 'waived', reason: true }, { to: 'cancelled' }],
  completed: [],
  not_found: [],
  waived: [],
  cancelled: [],
}

export type TaskCheck = { ok: true } | { ok: false; code: 'task_final' | 'task_transition' | 'reason_required' | 'approval_required' }

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value)
}

export const isBlocking = (s: string): boolean => (BLOCKING_STATUSES as readonly string[]).includes(s)
export const isFinal = (s: string): boolean => (FINAL_STATUSES as readonly string[]).includes(s)

/** Whether `from` may become `to` by this kind of move. */
export function taskTransition(from: string, to: string, move: TaskMove): TaskCheck {
  if (!isTaskStatus(from) || !isTaskStatus(to)) return { ok: false, code: 'task_transition' }
  if (isFinal(from)) return { ok: false, code: 'task_final' }
  const edge = TASK_TRANSITIONS[from].find((e) => e.to === to)
  if (!edge) return { ok: false, code: 'task_transition' }
  if (edge.approval && move.by !== 'approval') return { ok: false, code: 'approval_required' }
  if (move.by === 'approval' && !edge.approval) return { ok: false, code: 'task_transition' }
  if (edge.reason && !('reason' in move && move.reason && move.reason.trim())) return { ok: false, code: 'reason_required' }
  return { ok: true }
}
