import { DomainError, errorTable } from '../domain/errors.js'

/** What a task change can be refused for: the API's `error` code, the status, the message. */
export const taskFail = errorTable({
  not_found: [404, 'tasks.errors.notFound'],
  task_final: [409, 'tasks.errors.final'],
  task_transition: [409, 'tasks.errors.transition'],
  reason_required: [400, 'tasks.errors.reasonRequired'],
  approval_required: [409, 'tasks.errors.approvalRequired'],
  nothing_to_approve: [409, 'tasks.errors.noneToApprove'],
  unauthorized: [401, 'tasks.errors.badToken'],
  already_answered: [409, 'tasks.errors.answered'],
  too_long: [400, 'tasks.errors.tooLong'],
  invalid_outcome: [400, 'tasks.errors.outcome'],
  system_unavailable: [409, 'tasks.errors.systemUnavailable'],
})

export { DomainError }
