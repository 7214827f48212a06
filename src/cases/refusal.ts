import type { Executor } from '../db/connection.js'
import { cleanText } from '../intake/validate.js'
import type { Case } from '../db/schema.js'
import type { DomainError } from '../domain/errors.js'
import { caseFail } from './errors.js'
import { existingCaseIds } from './repository.js'
import { ANSWERED_STATUSES, isClosed } from './state-machine.js'
import type { TemplateKey } from './templates.js'

/** What a status change may carry besides its reason (Art. 12(4), 12(5)). */
export interface RefusalInput {
  /** Completing while refusing part of the request: the reason sent to the requester. */
  partialRefusal?: string | null
  /** Art. 12(5): ids of the earlier cases the refusal relies on. */
  evidence?: number[] | null
}

export const MAX_EVIDENCE = 50
/** Ids are 32-bit integers on PostgreSQL; a larger one cannot name a case (and must not reach the query). */
export const MAX_CASE_ID = 2_147_483_647

/**
 * A reason as the requester will read it: line breaks kept, control characters and invisible
 * format characters (zero-width spaces, bidi marks) dropped, so a reason that shows nothing is none.
 */
export function cleanReason(raw: unknown): string {
  return cleanText(typeof raw === 'string' ? raw.replace(/[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g, '') : raw) ?? ''
}

/** Refuses input that does not belong to the status asked for, before anything changes. */
export function checkRefusalInput(to: string, partial: string | null, evidence: number[] | null | undefined): void {
  if (partial !== null && to !== 'completed') throw caseFail('partialRefusalNotAllowed')
  if (partial === '') throw caseFail('partialRefusalReasonRequired')
  if (evidence && evidence.length > 0 && to !== 'refused_excessive') throw caseFail('evidenceNotAllowed')
  if (evidence && evidence.length > MAX_EVIDENCE) throw caseFail('evidenceTooMany', { max: MAX_EVIDENCE })
}

/** The linked cases must exist and be other cases than this one; returns them without repeats, in order. */
export async function checkEvidence(trx: Executor, c: Case, ids: number[]): Promise<number[]> {
  const wanted = [...new Set(ids)]
  if (wanted.length === 0) return []
  const impossible = wanted.filter((id) => !Number.isSafeInteger(id) || id < 1 || id > MAX_CASE_ID)
  if (impossible.length) throw unknownCases(impossible.map(String))
  if (wanted.includes(c.id)) throw caseFail('evidenceSelf')
  const known = await existingCaseIds(trx, wanted)
  const missing = wanted.filter((id) => !known.has(id))
  if (missing.length) throw unknownCases(missing.map(String))
  return wanted
}

export function unknownCases(names: string[]): DomainError {
  return caseFail('evidenceUnknown', { cases: names.join(', ') })
}

type RefusalColumns = Pick<Case, 'refusal_reason' | 'refusal_evidence' | 'partial_refusal_reason'>

/** What the case keeps about the refusal; reopening clears it (the history keeps the old one). */
export function refusalColumns(from: string, to: string, reason: string | null, partial: string | null, evidence: number[]): RefusalColumns | null {
  if (to === 'rejected' || to === 'refused_excessive') return { refusal_reason: reason, refusal_evidence: evidence.length ? JSON.stringify(evidence) : null, partial_refusal_reason: null }
  if (to === 'completed') return { refusal_reason: null, refusal_evidence: null, partial_refusal_reason: partial }
  if (isClosed(from)) return { refusal_reason: null, refusal_evidence: null, partial_refusal_reason: null }
  return null
}

/** The letter a status change sends, if any. */
export function refusalLetter(to: string, reason: string | null, partial: string | null): { key: TemplateKey; reason: string } | null {
  if (to === 'rejected') return { key: 'rejection', reason: reason ?? '' }
  if (to === 'refused_excessive') return { key: 'refused_excessive', reason: reason ?? '' }
  if (to === 'completed' && partial) return { key: 'partial_refusal', reason: partial }
  return null
}

export function evidenceIds(c: Pick<Case, 'refusal_evidence'>): number[] {
  if (!c.refusal_evidence) return []
  try {
    const v = JSON.parse(c.refusal_evidence) as unknown
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : []
  } catch {
    return []
  }
}

/**
 * Answered after the due date: still allowed (a late answer is better than none) but marked, on
 * the case and in the report. Art. 12(3)/(4): the answer, or the refusal with its reasons, is due
 * within the period; the due date here already counts pauses and an extension.
 */
export function answeredLate(status: string, closedAtDate: string | null, dueDate: string): boolean {
  return closedAtDate !== null && (ANSWERED_STATUSES as readonly string[]).includes(status) && closedAtDate > dueDate
}
