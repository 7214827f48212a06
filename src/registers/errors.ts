import { DomainError, errorTable, type FieldProblems } from '../domain/errors.js'

/** The register API's errors: the codes and statuses its callers have always had. */
export const fail = errorTable({
  not_found: [404, 'registers.api.notFound'],
  suppressed: [409, 'registers.api.suppressed'],
})

/** A body or a query checked as a whole: every field's problem in one answer. */
export function invalid(part: 'body' | 'query', problems: FieldProblems): DomainError {
  return part === 'body'
    ? new DomainError('invalid_body', 400, 'registers.api.invalidBody', {}, null, problems)
    : new DomainError('invalid_query', 400, 'registers.api.invalidQuery', {}, null, problems)
}
