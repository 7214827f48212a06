import { DomainError, errorTable, type FieldProblems } from '../domain/errors.js'

/** What a change to the data map can be refused for: the API's `error` code, the status, the message. */
export const mapFail = errorTable({
  key_taken: [409, 'datamap.errors.keyTaken'],
  register_kept: [409, 'datamap.errors.registerKept'],
  not_connected: [409, 'datamap.errors.notConnected'],
  secrets_unreadable: [409, 'datamap.errors.secretsUnreadable'],
})

/** 404s answer `not_found`, as every other API route does. */
export const purposeNotFound = () => new DomainError('not_found', 404, 'datamap.errors.purposeNotFound')
export const systemNotFound = () => new DomainError('not_found', 404, 'datamap.errors.systemNotFound')

/** A purpose or system with problems in its fields: one answer naming each (src/datamap/validate.ts). */
export function invalidFields(problems: FieldProblems): DomainError {
  return new DomainError('invalid_body', 400, 'datamap.errors.invalid', {}, null, problems)
}

export { DomainError }
