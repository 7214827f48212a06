import { StaffAccounts, type StaffDeps } from './accounts.js'
import { StaffMfa } from './mfa.js'
import { StaffSessions } from './sessions.js'

/** Everything staff-related the app needs, built once and decorated as `app.staffService`. */
export interface StaffServices {
  accounts: StaffAccounts
  sessions: StaffSessions
  mfa: StaffMfa
}

export function createStaffServices(deps: StaffDeps): StaffServices {
  const mfa = new StaffMfa(deps)
  return { accounts: new StaffAccounts(deps), sessions: new StaffSessions(deps, mfa), mfa }
}
