/**
 * The staff table as other features read it: who a case's assignee is, whom a case can be given to,
 * the names on a timeline or a package, routing's team members and warnings, whom the reminders go
 * to. Each function takes the caller's Executor, so it joins the caller's transaction. The table
 * stays staff's own: outside src/staff nothing imports its repository.
 */
export { findStaffForAssignment, findStaffIdByEmailKey, listAssignable, staffByIds, staffNamesByIds } from './repository.js'
// Routing (team members, rule assignees, leavers' cases) and the daily reminders.
export { activeStaff, disabledStaff, staffBrief, staffEmails } from './repository.js'
