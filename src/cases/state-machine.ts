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
import { messages } from '../i18n/index.js'

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

export type TransitionResult = { ok: true } | { ok: false; code: TransitionErrorCode; message: Localized }

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

const q = (s: string) => `”${s}”`
const list = (statuses: CaseStatus[], lang: keyof Localized) => statuses.map((s) => q(STATUS_LABELS[s][lang])).join(', ')

/** Extra words for the forbidden transitions people are likely to try. */
const HINTS: Partial<Record<`${CaseStatus}>${CaseStatus}`, Localized>> = {
  'new>awaiting_requester': {
    sv: 'Påbörja handläggningen först; sedan kan du be den registrerade om mer information.',
    en: 'Start work on the case first; then you can ask the requester for more information.',
  },
  'new>completed': {
    sv: 'Ett ärende måste handläggas innan det kan slutföras.',
    en: 'A case must be worked on before it can be completed.',
  },
  'awaiting_requester>completed': {
    sv: 'Ärendet väntar på den registrerade och tidsfristen står still. Återuppta handläggningen först, så att pausen avslutas.',
    en: 'The case is waiting for the requester and the deadline clock is stopped. Resume work first, so that the pause ends.',
  },
}

function forbidden(from: CaseStatus, to: CaseStatus): TransitionResult {
  const L = STATUS_LABELS
  if (from === to) {
    return {
      ok: false,
      code: 'forbidden_transition',
      message: { sv: `Ärendet har redan status ${q(L[to].sv)}.`, en: `The case already has the status ${q(L[to].en)}.` },
    }
  }
  if (from === 'withdrawn') {
    return {
      ok: false,
      code: 'forbidden_transition',
      message: {
        sv: 'Ärendet är återkallat av den registrerade och kan inte ändras. Om hen vill något nytt blir det ett nytt ärende.',
        en: 'The case was withdrawn by the requester and cannot be changed. Anything they ask for later is a new case.',
      },
    }
  }
  const allowed = TRANSITIONS[from].filter((e) => !e.forwardOnly).map((e) => e.to)
  const hint = HINTS[`${from}>${to}`]
  const closed = isClosed(from)
  return {
    ok: false,
    code: 'forbidden_transition',
    message: {
      sv:
        `Status kan inte ändras från ${q(L[from].sv)} till ${q(L[to].sv)}.` +
        (hint ? ` ${hint.sv}` : '') +
        (closed
          ? ` Ärendet är avslutat; en administratör kan öppna det igen (till ${q(L.in_progress.sv)}) med ett skäl.`
          : ` Tillåtet från ${q(L[from].sv)}: ${list(allowed, 'sv')}.`),
      en:
        `The status cannot change from ${q(L[from].en)} to ${q(L[to].en)}.` +
        (hint ? ` ${hint.en}` : '') +
        (closed
          ? ` The case is closed; an administrator can reopen it (to ${q(L.in_progress.en)}) with a reason.`
          : ` Allowed from ${q(L[from].en)}: ${list(allowed, 'en')}.`),
    },
  }
}

/**
 * Checks one status change. Does not change anything: the caller applies it (and pauses or
 * resumes the clock when `isPausing` differs between the two statuses).
 */
export function transition(from: string, to: string, opts: TransitionOptions = {}): TransitionResult {
  for (const s of [from, to]) {
    if (!isCaseStatus(s)) {
      return {
        ok: false,
        code: 'unknown_status',
        message: {
          sv: `Okänd status ${q(String(s))}. Giltiga: ${list([...CASE_STATUSES], 'sv')}.`,
          en: `Unknown status ${q(String(s))}. Valid: ${list([...CASE_STATUSES], 'en')}.`,
        },
      }
    }
  }
  const f = from as CaseStatus
  const t = to as CaseStatus
  const e = edge(f, t)
  if (!e) return forbidden(f, t)
  if (e.adminOnly && opts.role !== 'admin') {
    return {
      ok: false,
      code: 'admin_required',
      message: {
        sv: `Bara en administratör kan öppna ett avslutat ärende (${q(STATUS_LABELS[f].sv)}) igen.`,
        en: `Only an administrator can reopen a closed case (${q(STATUS_LABELS[f].en)}).`,
      },
    }
  }
  if (e.forwardOnly && opts.forward !== true) {
    return {
      ok: false,
      code: 'use_forward',
      message: {
        sv: 'Ett ärende blir vidarebefordrat genom att skickas vidare till den personuppgiftsansvarige (kunden) med formuläret för det; då registreras kunden och den registrerade får veta vem som ansvarar.',
        en: 'A case becomes forwarded by passing it on to the controller (the client) with the forwarding form; that records the client and tells the requester who is responsible.',
      },
    }
  }
  if (e.reason && !(opts.reason ?? '').trim()) {
    return {
      ok: false,
      code: 'reason_required',
      message:
        t === 'refused_excessive'
          ? {
              sv: 'Beskriv varför begäran är uppenbart ogrundad eller orimlig, med det som visar det (till exempel tidigare ärenden). Den registrerade ska få veta skälet, och att hen kan klaga hos Integritetsskyddsmyndigheten (IMY) och gå till domstol (artiklarna 12.4 och 12.5 i dataskyddsförordningen).',
              en: 'Describe why the request is manifestly unfounded or excessive, with what shows it (such as earlier cases). The requester must be told the reason, and that they can complain to the Swedish Authority for Privacy Protection (IMY) and go to court (GDPR Article 12(4) and (5)).',
            }
          : t === 'rejected'
          ? {
              sv: 'Ange skälet till avslaget. Den registrerade ska få veta varför, och att hen kan klaga hos Integritetsskyddsmyndigheten (IMY) och gå till domstol (artikel 12.4 i dataskyddsförordningen).',
              en: 'Give the reason for the rejection. The requester must be told why, and that they can complain to the Swedish Authority for Privacy Protection (IMY) and go to court (GDPR Article 12(4)).',
            }
          : {
              sv: 'Ange varför ärendet öppnas igen; skälet sparas i ärendets historik.',
              en: 'Give the reason for reopening the case; it is kept in the case history.',
            },
    }
  }
  return { ok: true }
}
