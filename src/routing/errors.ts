import { DomainError, type ErrorParams } from '../domain/errors.js'
import type { MessageKey } from '../i18n/index.js'
import type { routingSv } from '../i18n/routing.sv.js'

type Errors = (typeof routingSv)['errors']
/** A message of the routing catalogue's `errors` section: `keyTaken`, or `notList.types`. */
export type RoutingMessage = { [K in keyof Errors & string]: Errors[K] extends string ? K : `${K}.${keyof Errors[K] & string}` }[keyof Errors & string]

/**
 * A routing or team change that cannot be made: the API's `error` code, the HTTP status, the
 * message (src/i18n/routing.*.ts `errors`) with its values, and the field at fault.
 */
export function routingError(code: string, status: number, message: RoutingMessage, params: ErrorParams = {}, field: string | null = null): DomainError {
  return new DomainError(code, status, `routing.errors.${message}` as MessageKey, params, field)
}

/** The same error said of the n-th rule (0-based `index`) of a whole list, its field under the rule's index. */
export function atRule(error: DomainError, index: number): DomainError {
  if (!error.key.startsWith('routing.errors.')) return error
  const key = `routing.errorsAtRule.${error.key.slice('routing.errors.'.length)}` as MessageKey
  return new DomainError(error.code, error.status, key, { ...error.params, rule: index + 1 }, `${index}.${error.field ?? ''}`)
}

export { DomainError }
