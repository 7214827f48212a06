import { CaseError } from '../cases/errors.js'
import { DomainError } from '../domain/errors.js'
import { domainMessage } from '../http/errors.js'
import type { Lang } from '../i18n/index.js'

export interface Refusal {
  code: string
  status: number
  message: string
}

/**
 * A refusal from the package service, or from the case it works on (src/cases answers with its
 * own CaseError until it speaks DomainError too), in the reader's language; null for a fault.
 */
export function refusalOf(error: unknown, lang: Lang): Refusal | null {
  if (error instanceof DomainError) return { code: error.code, status: error.status, message: domainMessage(error, lang) }
  if (error instanceof CaseError) return { code: error.code, status: error.status, message: error.messages[lang] }
  return null
}

/** Whether an error is a refusal with a message of its own (not a fault, not the parser's). */
export function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || error instanceof CaseError
}
