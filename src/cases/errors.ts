import { DomainError, type ErrorParams } from '../domain/errors.js'
import type { casesSv } from '../i18n/cases.sv.js'

type Texts = typeof casesSv.errors
/** A refusal's name: its text is `cases.errors.<name>` in the catalogue (src/i18n/cases.*.ts). */
export type CaseErrorName = keyof Texts

/**
 * Every refusal of a case action: its API `error` code and HTTP status. Several names share a
 * code (`text_required` for a note, a message and an answer): the code is what integrations
 * rely on, the name picks the sentence.
 */
const TABLE: Record<CaseErrorName, readonly [code: string, status: number]> = {
  notFound: ['not_found', 404],
  assigneeRole: ['invalid_assignee', 400],
  assigneeUnknown: ['invalid_assignee', 400],
  noteRequired: ['text_required', 400],
  noteTooLong: ['text_too_long', 400],
  messageRequired: ['text_required', 400],
  messageTooLong: ['text_too_long', 400],
  notOnBehalf: ['not_on_behalf', 409],
  authorityChecked: ['authority_checked', 409],
  authorityUnchecked: ['authority_unchecked', 409],
  caseClosed: ['case_closed', 409],
  invalidPauseReason: ['invalid_pause_reason', 400],
  pauseNotAllowed: ['pause_not_allowed', 409],
  unknownTeam: ['unknown_team', 400],
  unknownClient: ['unknown_client', 400],
  controllerRequired: ['controller_required', 400],
  controllerEmail: ['controller_email', 400],
  minimised: ['minimised', 409],
  notAQuestion: ['not_a_question', 409],
  questionClosed: ['case_closed', 409],
  answerRequired: ['text_required', 400],
  answerTooLong: ['text_too_long', 400],
  extensionReasonRequired: ['reason_required', 400],
  extensionClosed: ['case_closed', 409],
  extensionAlreadyExtended: ['extension_refused', 409],
  extensionMonthPassed: ['extension_refused', 409],
  extensionImmediate: ['extension_refused', 409],
  partialRefusalNotAllowed: ['partial_refusal_not_allowed', 400],
  partialRefusalReasonRequired: ['reason_required', 400],
  evidenceNotAllowed: ['evidence_not_allowed', 400],
  evidenceTooMany: ['invalid_evidence', 400],
  evidenceSelf: ['invalid_evidence', 400],
  evidenceUnknown: ['invalid_evidence', 400],
}

/** The refusal named, as the DomainError the scope's edge translates. */
export function caseFail(name: CaseErrorName, params: ErrorParams = {}, field: string | null = null): DomainError {
  const [code, status] = TABLE[name]
  return new DomainError(code, status, `cases.errors.${name}`, params, field)
}

/** The case that is not there (or not there for this member: src/routing/team-scope.ts). */
export function notFound(): DomainError {
  return caseFail('notFound')
}
