import { DomainError, errorTable, type FieldProblems } from '../domain/errors.js'

/** The register API's errors: the codes and statuses its callers have always had. */
export const fail = errorTable({
  not_found: [404, 'registers.api.notFound'],
  suppressed: [409, 'registers.api.suppressed'],
  restricted: [409, 'registers.api.restricted'],
})

/** A body or a query checked as a whole: every field's problem in one answer. */
export function invalid(part: 'body' | 'query', problems: FieldProblems): DomainError {
  return part === 'body'
    ? new DomainError('invalid_body', 400, 'registers.api.invalidBody', {}, null, problems)
    : new DomainError('invalid_query', 400, 'registers.api.invalidQuery', {}, null, problems)
}

/** What staff are refused on a case's register forms; the page shows it with a link back to the case. */
export const caseFail = errorTable({
  unchecked: [409, 'behalf.staff.unchecked'],
  not_found: [404, 'registers.rectification.errors.not_found'],
  decided: [409, 'registers.rectification.errors.decided'],
  erased: [400, 'registers.rectification.errors.erased'],
  bad_field: [400, 'registers.rectification.errors.bad_field'],
  bad_value: [400, 'registers.rectification.errors.bad_value'],
  address_unconfirmed: [400, 'registers.rectification.errors.address_unconfirmed'],
  email_taken: [400, 'registers.rectification.errors.email_taken'],
  reason_required: [400, 'registers.rectification.errors.reason_required'],
  unknown_recipient: [400, 'registers.recipients.errors.unknown_recipient'],
  bad_status: [400, 'registers.recipients.errors.bad_status'],
  recipient_reason_required: [400, 'registers.recipients.errors.reason_required'],
  bad_action: [400, 'registers.actions.errors.bad_action'],
  record_not_found: [404, 'registers.actions.errors.record_not_found'],
  not_this_person: [400, 'registers.actions.errors.not_this_person'],
  confirm_erase: [400, 'registers.actions.errors.confirm_erase'],
  already_restricted: [409, 'registers.actions.errors.already_restricted'],
  not_restricted: [409, 'registers.actions.errors.not_restricted'],
  tell_first: [400, 'registers.actions.errors.tell_first'],
})

/** What the import and CV forms refuse; the registers page shows it above the forms. */
export const uploadFail = errorTable({
  choose_register: [400, 'registers.import.chooseRegister'],
  choose_file: [400, 'registers.import.chooseFile'],
  import_too_large: [413, 'registers.import.tooLarge'],
  not_utf8: [400, 'registers.import.notUtf8'],
  no_candidate: [404, 'registers.cv.noCandidate'],
  not_active: [409, 'registers.cv.notActive'],
  choose_cv: [400, 'registers.cv.chooseFile'],
  cv_too_large: [413, 'registers.cv.tooLarge'],
  bad_type: [415, 'registers.cv.badType'],
  restricted: [409, 'registers.cv.restricted'],
})
