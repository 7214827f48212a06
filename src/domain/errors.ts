import type { MessageKey } from '../i18n/index.js'

/** Values a message fills into its `{name}` placeholders: never what a person typed, only our own facts. */
export type ErrorParams = Record<string, string | number>

/**
 * A rule a request breaks, in one shape for every feature: its stable `code` (the API's `error`
 * field), the HTTP status it stands for, the catalogue key of its message with the values to
 * fill in, and the form field it belongs to, if any. Services throw it; the scope's error handler
 * (src/http/errors.ts) translates it into the caller's language, as JSON or as a page, so no
 * service carries a sentence of its own.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly key: MessageKey,
    readonly params: ErrorParams = {},
    readonly field: string | null = null,
  ) {
    super(code)
    this.name = 'DomainError'
  }
}

/**
 * A feature's errors as a table, `code → [status, key]`, so a service throws by code alone
 * (`fail('not_found')`) and the codes a feature can answer are listed in one place.
 */
export function errorTable<const T extends Record<string, readonly [number, MessageKey]>>(table: T) {
  return (code: keyof T & string, params: ErrorParams = {}, field: string | null = null): DomainError => {
    const [status, key] = table[code]
    return new DomainError(code, status, key, params, field)
  }
}
