/**
 * The intake's tables as other features write them: retention clears the submissions behind a
 * minimised case, and an answered question's minimisation deletes them. Each function takes the
 * caller's Executor, so it joins the caller's transaction. The tables stay intake's own: outside
 * src/intake nothing imports its repositories.
 */
export { clearCaseSubmissions, deleteCaseSubmissions } from './repository.js'
