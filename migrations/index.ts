/*
 * Every migration runs on SQLite AND PostgreSQL (the suite runs both ways: TEST_DATABASE_URL).
 * Portability rules:
 *  - Schema builder only (db.schema...). No sql`` / raw SQL, no pragmas, no SQLite- or PG-only types
 *    (exception: the search indexes of 013 and 014, one branch per dialect).
 *  - Column types: 'text' for every string (no varchar(N): SQLite ignores the length, PostgreSQL
 *    enforces it, so a long value would be stored on one and a 500 on the other), 'integer' for
 *    numbers and for booleans (0/1, `.defaultTo(0)`), timestamps as 'text' ISO-8601 UTC
 *    (Date#toISOString), dates as 'text' YYYY-MM-DD. No 'boolean', 'timestamp', 'date', 'json',
 *    'bigint' or 'real': the values would come back as different JS types from the two drivers.
 *  - Auto ids: 'serial' primary key on PostgreSQL, 'integer' primaryKey().autoIncrement() on
 *    SQLite (copy the withId() helper from 001; keep each migration self-contained).
 *  - Names of tables, indexes and constraints are unique across the schema (PostgreSQL puts
 *    indexes in the schema's namespace). SQLite cannot alterColumn or add a constraint to an
 *    existing table: add a column (nullable or with a constant default) or build a new table.
 *  - Defaults are constants only (.defaultTo(0), .defaultTo('sv')); no CURRENT_TIMESTAMP.
 */
import type { Migration } from 'kysely'
import * as m001 from './001_public_requests.js'
import * as m002 from './002_staff_and_cases.js'
import * as m003 from './003_queue_indexes.js'
import * as m004 from './004_registers.js'
import * as m005 from './005_routing.js'
import * as m006 from './006_access_packages.js'
import * as m007 from './007_address_changes.js'
import * as m008 from './008_one_mailbox_one_address.js'
import * as m010 from './010_pause_reasons.js'
import * as m011 from './011_refusals.js'
import * as m012 from './012_on_behalf.js'
import * as m013 from './013_name_search.js'
import * as m014 from './014_queue_search_indexes.js'
import * as m015 from './015_data_map.js'
import * as m016 from './016_registers_act.js'
import * as m017 from './017_system_config.js'
import * as m018 from './018_case_tasks.js'

/** Listed by hand so the same list works from TypeScript sources and from the compiled build. */
export const migrations: Record<string, Migration> = {
  '001_public_requests': m001,
  '002_staff_and_cases': m002,
  '003_queue_indexes': m003,
  '004_registers': m004,
  '005_routing': m005,
  '006_access_packages': m006,
  '007_address_changes': m007,
  '008_one_mailbox_one_address': m008,
  '010_pause_reasons': m010,
  '011_refusals': m011,
  '012_on_behalf': m012,
  '013_name_search': m013,
  '014_queue_search_indexes': m014,
  '015_data_map': m015,
  '016_registers_act': m016,
  '017_system_config': m017,
  '018_case_tasks': m018,
}
