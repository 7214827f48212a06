/**
 * The life of a case, as a pure table: no I/O, no clock.
 *
 *   from \ to            new  in_progress  awaiting_requester  completed  rejected  withdrawn
 *   new                   ·       ✓               ·                ·         ✓R        ✓
 *   in_progress           ·       ·               ✓                ✓         ✓R        ✓
 *   awaiting_requester    ·       ✓               ·                ·         ✓R        ✓
 *   completed             ·       ✓A              ·                ·         ·         ·
 *   rejected              ·       ✓A              ·                ·         ·         ·
 *   withdrawn             ·       ·               ·                ·         ·         ·
 *
 *   refused_excessive goes like rejected: ✓R from each open status, ✓A back to in_progress.
 *   R = a reason is required; A = reopening: an administrator only, with a reason.
 *
 * Why:
 *  - new → rejected: a request can be refused before work starts, e.g. manifestly unfounded or
 *    excessive (Art. 12(5)) or the person cannot be identified (Arts. 11(2), 12(2)). Every refusal
 *    needs its reason, which the requester must be told with the right to complain to IMY and to
 *    go to court (Art. 12(4)).
 *  - new/in_progress/awaiting_requester → withdrawn: the requester may drop the request at any time.
 *  - new → awaiting_requester is not allowed: asking the requester for more (e.g. identity,
 *    Art. 12(6)) is work on the case, so it starts work first (the UI can do both in one action).
 *  - awaiting_requester → rejected: the requester did not provide what was needed to identify
 *    them, so the request is refused (Art. 12(2), EDPB Guidelines 01/2022); the reason is required.
 *  - awaiting_requester → completed is not allowed: the clock is stopped while waiting, and a case
 *    goes back to in_progress first so the pause is closed and the paused days are counted.
 *  - new/in_progress/awaiting_requester → forwarded: the company only processes the data for a
 *    client (the controller), so the request is passed on to the client and the case closes. Only
 *    the forwarding action may do this (`forward: true`), because it records the controller and
 *    tells the requester who it is; a plain status change is refused with 'use_forward'.
 *  - new/in_progress/awaiting_requester → refused_excessive (R): a manifestly unfounded or excessive
 *    request, in particular a repetitive one, may be refused (Art. 12(5)); the controller bears the
 *    burden of showing it, so the evidence is required in words (the reason) and the earlier cases
 *    relied on may be linked. The requester is told why, and about IMY and the courts (Art. 12(4)).
 *  - Closed statuses (completed, rejected, refused_excessive, withdrawn, forwarded) are final for handlers. An administrator may
 *    reopen a completed, rejected, refused_excessive or forwarded case (to in_progress, with a reason), e.g. after a complaint
 *    or an IMY inquiry, or when the answer was incomplete. A withdrawn case stays closed: what
 *    the requester asks for afterwards is a new request and a new case.
 */
import type { ErrorParams } from '../domain/errors.js'
import type { casesSv } from '../i18n/cases.sv.js'
import { messages, t, type MessageKey } from '../i18n/index.js'

export const CASE_STATUSES = ['new', 'in_progress', 'awaiting_requester', 'completed', 'rejected', 'withdrawn', 'forwarded', 'refused_excessive'] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'in_progress', 'awaiting_requester']
export const CLOSED_STATUSES: readonly CaseStatus[] = ['completed', 'rejected', 'withdrawn', 'forwarded', 'refused_excessive']
/** Closed statuses that count as answered in the deadline view and report (withdrawn does not). */
export const ANSWERED_STATUSES: readonly CaseStatus[] = ['completed', 'rejected', 'forwarded', 'refused_excessive']
/** Closed statuses that refuse the request as a whole: the letter gives the reason and the Art. 12(4) notice. */
export const REFUSED_STATUSES: readonly CaseStatus[] = ['rejected', 'refused_excessive']
/**
 * The status in which a pause of the clock may run: a pause starts only with a message that
 * gives a lawful reason (src/cases/pauses.ts), and ends when the case leaves this status.
 */
export const PAUSING_STATUSES: readonly CaseStatus[] = ['awaiting_requester']

export interface Localized {
  sv: string
  en: string
}

/** The staff catalogue's status words (src/i18n/cases.*.ts), so messages and pages name a status alike. */
export const STATUS_LABELS = Object.fromEntries(
  CASE_STATUSES.map((s) => [s, { sv: messages('sv').cases.statuses[s], en: messages('en').cases.statuses[s] }]),
) as Record<CaseStatus, Localized>

interface Edge {
  to: CaseStatus
  reason?: true
  adminOnly?: true
  /** Only through forwarding (CaseService.forwardToController), which records the controller and tells the requester. */
  forwardOnly?: true
}

/** The allowed transitions; anything not listed is forbidden. */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly Edge[]>> = {
  new: [{ to: 'in_progress' }, { to: 'rejected', reason: true }, { to: 'withdrawn' }, { to: 'refused_excessive', reason: true }, { to: 'forwarded', forwardOnly: true }],
  in_progress: [{ to: 'awaiting_requester' }, { to: 'completed' }, { to: 'rejected', reason: true }, { to: 'withdrawn' }, { to: 'refused_excessive', reason: true }, { to: 'forwarded', forwardOnly: true }],
  awaiting_requester: [{ to: 'in_progress' }, { to: 'rejected', reason: true }, { to: 'withdrawn' }, { to: 'refused_excessive', reason: true }, { to: 'forwarded', forwardOnly: true }],
  completed: [{ to: 'in_progress', reason: true, adminOnly: true }],
  rejected: [{ to: 'in_progress', reason: true, adminOnly: true }],
  withdrawn: [],
  forwarded: [{ to: 'in_progress', reason: true, adminOnly: true }],
  refused_excessive: [{ to: 'in_progress', reason: true, adminOnly: true }],
}

export type TransitionErrorCode = 'forbidden_transition' | 'reason_required' | 'unknown_status' | 'admin_required' | 'use_forward'

type TransitionKey = keyof typeof casesSv.transitions

/**
 * A refused change names its sentence (`key`, `params`) for a DomainError (its API `error` is
 * `code`); `message` has the sentence in both languages at once (test/cases/state-machine.test.ts).
 */
export type TransitionResult = { ok: true } | { ok: false; code: TransitionErrorCode; key: MessageKey; params: ErrorParams; readonly message: Localized }

export interface TransitionOptions {
  /** Free text; blank counts as none. */
  reason?: string | null
  /** The acting staff member's role ('admin' | 'handler' | 'viewer'); reopening needs 'admin'. */
  role?: string | null
  /** Set by the forwarding action only: the one way into 'forwarded'. */
  forward?: boolean
}

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value)
}

export function isClosed(status: string): boolean {
  return (CLOSED_STATUSES as readonly string[]).includes(status)
}

export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status)
}

/** Whether a pause may run in this status (whether one does is in case_pauses). */
export function isPausing(status: string): boolean {
  return (PAUSING_STATUSES as readonly string[]).includes(status)
}

function edge(from: CaseStatus, to: CaseStatus): Edge | undefined {
  return TRANSITIONS[from].find((e) => e.to === to)
}

/** Whether a transition needs a reason (rejections and reopenings). */
export function requiresReason(from: string, to: string): boolean {
  return isCaseStatus(from) && isCaseStatus(to) && edge(from, to)?.reason === true
}

/**
 * Whether the edge exists for this role. Reasons are not checked here (see `transition`);
 * reopening counts only with role 'admin'.
 */
export function canTransition(from: string, to: string, opts: Pick<TransitionOptions, 'role' | 'forward'> = {}): boolean {
  if (!isCaseStatus(from) || !isCaseStatus(to)) return false
  const e = edge(from, to)
  return e !== undefined && (!e.adminOnly || opts.role === 'admin') && (!e.forwardOnly || opts.forward === true)
}

/** The statuses a case can move to from `from`, for the given role (what to offer in the UI). */
export function nextStatuses(from: string, opts: Pick<TransitionOptions, 'role'> = {}): CaseStatus[] {
  if (!isCaseStatus(from)) return []
  // 'forwarded' has its own form (it needs the controller), so it is not offered as a plain status.
  return TRANSITIONS[from].filter((e) => (!e.adminOnly || opts.role === 'admin') && !e.forwardOnly).map((e) => e.to)
}

const list = (statuses: CaseStatus[], lang: keyof Localized) => statuses.map((s) => `”${STATUS_LABELS[s][lang]}”`).join(', ')

/** The forbidden transitions people are likely to try have a sentence of their own. */
const HINTED: readonly string[] = ['new>awaiting_requester', 'new>completed', 'awaiting_requester>completed']

/** Status words as parameters in both languages: each catalogue's sentence picks its own. */
function labels(name: string, status: CaseStatus): ErrorParams {
  return { [`${name}Sv`]: STATUS_LABELS[status].sv, [`${name}En`]: STATUS_LABELS[status].en }
}

function refused(code: TransitionErrorCode, key: TransitionKey, params: ErrorParams = {}): TransitionResult {
  return {
    ok: false,
    code,
    key: `cases.transitions.${key}`,
    params,
    get message() {
      return { sv: t('sv', `cases.transitions.${key}`, params), en: t('en', `cases.transitions.${key}`, params) }
    },
  }
}

function forbidden(from: CaseStatus, to: CaseStatus): TransitionResult {
  if (from === to) return refused('forbidden_transition', 'same', labels('to', to))
  if (from === 'withdrawn') return refused('forbidden_transition', 'withdrawn')
  const allowed = TRANSITIONS[from].filter((e) => !e.forwardOnly).map((e) => e.to)
  const params = { ...labels('from', from), ...labels('to', to), ...labels('reopen', 'in_progress'), allowedSv: list(allowed, 'sv'), allowedEn: list(allowed, 'en') }
  const pair = `${from}>${to}`
  const key = isClosed(from) ? 'forbiddenClosed' : HINTED.includes(pair) ? (pair as TransitionKey) : 'forbidden'
  return refused('forbidden_transition', key, params)
}

/**
 * Checks one status change. Does not change anything: the caller applies it (and pauses or
 * resumes the clock when `isPausing` differs between the two statuses).
 */
export function transition(from: string, to: string, opts: TransitionOptions = {}): TransitionResult {
  for (const s of [from, to]) {
    if (!isCaseStatus(s)) return refused('unknown_status', 'unknownStatus', { status: String(s), validSv: list([...CASE_STATUSES], 'sv'), validEn: list([...CASE_STATUSES], 'en') })
  }
  const f = from as CaseStatus
  const target = to as CaseStatus
  const e = edge(f, target)
  if (!e) return forbidden(f, target)
  if (e.adminOnly && opts.role !== 'admin') return refused('admin_required', 'adminRequired', labels('from', f))
  if (e.forwardOnly && opts.forward !== true) return refused('use_forward', 'useForward')
  if (e.reason && !(opts.reason ?? '').trim()) {
    return refused('reason_required', target === 'refused_excessive' ? 'reasonRefusedExcessive' : target === 'rejected' ? 'reasonRejected' : 'reasonReopen')
  }
  return { ok: true }
}
