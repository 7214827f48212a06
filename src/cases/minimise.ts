// The minimisation is all queries, so it lives in a repository; the scheduler and tests import it from here.
export { minimiseCase, purgeMinimisedMail } from './minimise-repository.js'
