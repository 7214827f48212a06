/**
 * When the deadline clock may stand still. EDPB Guidelines 01/2022 §159 allows a suspension
 * only (a) while the controller has reasonable doubt about the requester's identity and has
 * asked, without undue delay, for what it needs (Art. 12(6)), and (b) for an access request,
 * while it asks the requester to specify what they want because it holds a large quantity of
 * data (recital 63). Anything else asked of the requester leaves the clock running. A pause is
 * always opened by the message that asks (CaseService.sendMessage) and ends when the requester
 * answers or the case goes back to in_progress.
 */
import type { CasePause } from '../db/schema.js'
import type { DomainError } from '../domain/errors.js'
import { caseFail } from './errors.js'

export const PAUSE_REASONS = ['identity', 'specify_access'] as const
export type PauseReason = (typeof PAUSE_REASONS)[number]

/** Recital 63 speaks of the right of access; portability (Art. 20) hands over the same data. */
const SPECIFY_TYPES: readonly string[] = ['access', 'portability']

export function isPauseReason(value: unknown): value is PauseReason {
  return typeof value === 'string' && (PAUSE_REASONS as readonly string[]).includes(value)
}

export function pauseReasonsFor(caseType: string): PauseReason[] {
  return PAUSE_REASONS.filter((r) => r !== 'specify_access' || SPECIFY_TYPES.includes(caseType))
}

/** Why this reason cannot pause this case, or null when it can. */
export function pauseRefusal(reason: unknown, caseType: string): DomainError | null {
  if (!isPauseReason(reason)) return caseFail('invalidPauseReason')
  if (!pauseReasonsFor(caseType).includes(reason)) return caseFail('pauseNotAllowed')
  return null
}

export { openPause, pausedCaseIds } from './repository.js'

export interface PauseJson {
  reason: string
  from: string
  to: string | null
  messageId: number | null
}

export function pausesJson(pauses: CasePause[]): PauseJson[] {
  return pauses.map((p) => ({ reason: p.reason, from: p.started_at, to: p.ended_at, messageId: p.message_id }))
}
