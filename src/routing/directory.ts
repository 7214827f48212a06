/**
 * The teams and clients tables as other features read them: a case's team and client, the team
 * names of the queue and the case page. Each function takes the caller's Executor, so it joins the
 * caller's transaction. The tables stay routing's own: outside src/routing nothing imports its repository.
 */
export { findClientById, findTeamById, findTeamIdByKey, listTeamNames, teamIdsOf, teamsByIds } from './repository.js'
