import type { Case, CasePause } from '../db/schema.js'
import { isImmediate } from '../deadlines/case-rules.js'
import { canExtend, computeCaseDeadline, type CaseDeadline, type CaseDeadlineInput, type ExtendCheck } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'

export { loadPauses } from './repository.js'

/** Confirming the address by email pauses the clock (EDPB 01/2022 §159); staff-registered cases had no such wait. */
function deadlineInput(c: Case, pauses: CasePause[], now: Date, eves: boolean): CaseDeadlineInput {
  return {
    receivedAt: c.received_at,
    verifiedAt: c.channel === 'web' || c.channel === 'api' ? c.verified_at : null,
    pauses: pauses.map((p) => ({ start: p.started_at, end: p.ended_at })),
    extended: c.extended === 1,
    today: stockholmDate(now),
    eves,
    immediate: isImmediate(c.type, c.relationship),
  }
}

export function deadlineOf(c: Case, pauses: CasePause[], now: Date, eves: boolean): CaseDeadline {
  return computeCaseDeadline(deadlineInput(c, pauses, now, eves))
}

export function extensionCheck(c: Case, pauses: CasePause[], now: Date, eves: boolean): ExtendCheck {
  return canExtend(deadlineInput(c, pauses, now, eves))
}
