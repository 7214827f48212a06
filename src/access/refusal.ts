import { DomainError } from '../domain/errors.js'
import { domainMessage } from '../http/errors.js'
import type { Lang } from '../i18n/index.js'

export interface Refusal {
  code: string
  status: number
  message: string
}

/**
 * A refusal from the package service, or from the case it works on, in the reader's language;
 * null for a fault.
 */
export function refusalOf(error: unknown, lang: Lang): Refusal | null {
  if (error instanceof DomainError) return { code: error.code, status: error.status, message: domainMessage(error, lang) }
  return null
}

/** Whether an error is a refusal with a message of its own (not a fault, not the parser's). */
export function isRefusal(error: unknown): boolean {
  return error instanceof DomainError
}
