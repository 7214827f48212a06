import { errorTable } from '../domain/errors.js'

/** A confirmation link the API cannot use: code → [HTTP status, catalogue key]. */
export const tokenError = errorTable({
  token_unknown: [404, 'api.tokenUnknown'],
  token_expired: [410, 'api.tokenExpired'],
  token_used: [410, 'api.tokenUsed'],
})
