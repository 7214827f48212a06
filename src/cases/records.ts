/**
 * The case record as other features reach it: intake and the registers open cases, access and
 * routing and the registers write to their timelines, the requester's status link finds its case,
 * the access package gathers an address's cases, the reminders and the report read them.
 * Each function takes the caller's Executor, so it joins the caller's transaction (a confirmed
 * request's case commits with its submission, or neither does). The tables stay cases' own:
 * outside src/cases nothing imports its repositories (eslint.config.js).
 */
import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { hashToken, looksLikeToken } from '../security/tokens.js'
import { findCaseByStatusTokenHash } from './repository.js'

export { addCaseEvent, findCaseById, insertAccessToken, insertCase, type EventInput } from './repository.js'
// The registers' writes: completing a case without staff, retention's minimisation.
export { casesToMinimise, isMinimised, markCaseCompleted, markCaseMinimised, reduceCaseToMinimalRecord } from './repository.js'
// Intake's proof of authority: the file a case names, and clearing it.
export { caseProofFile, clearCaseProofColumns } from './repository.js'
// Routing's writes to a case (route, escalate, release) and its reads for team scope.
export { caseTeamAndAssignee, escalationCandidates, markEscalated, openCasesHeldBy, setCaseRoute, unassignCase } from './repository.js'
// Routing's load counts: open cases per assignee and per team, and where some cases sit.
export { casesTeamAndAssignee, openCasesByAssignee, openCasesByTeam } from './repository.js'
// The access package: an address's cases with their messages and events (Art. 15), the package's letter, its refusal.
export { casesHeldFor, insertCaseMessage, setPackageRefusal } from './repository.js'
// The daily reminders (open cases, their pauses, their due dates) and the deadline report.
export { casesReceivedBetween, openCasesDueBy, openCasesWithPauses, setDueDate } from './repository.js'

/** The case a requester's status link names; anything that is not one of our tokens finds none. */
export async function findCaseByStatusToken(db: Executor, token: string): Promise<Case | undefined> {
  return looksLikeToken(token) ? findCaseByStatusTokenHash(db, hashToken(token)) : undefined
}
