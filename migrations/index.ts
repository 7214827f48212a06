import type { Migration } from 'kysely'
import * as m001 from './001_public_requests.js'
import * as m002 from './002_staff_and_cases.js'
import * as m003 from './003_queue_indexes.js'
import * as m004 from './004_registers.js'
import * as m005 from './005_routing.js'
import * as m006 from './006_access_packages.js'

/** Listed by hand so the same list works from TypeScript sources and from the compiled build. */
export const migrations: Record<string, Migration> = {
  '001_public_requests': m001,
  '002_staff_and_cases': m002,
  '003_queue_indexes': m003,
  '004_registers': m004,
  '005_routing': m005,
  '006_access_packages': m006,
}
