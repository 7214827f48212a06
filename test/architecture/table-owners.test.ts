// Issue 17: each feature folder has routes → service → repository, and nothing else reaches its
// tables. This reads every src/<feature>/*repository*.ts, finds the tables its queries name
// (Kysely's selectFrom/insertInto/updateTable/deleteFrom and joins, and raw `sql` text) and checks
// each against the table's owner. Another feature reaches a table through the owner's public
// module (e.g. src/cases/records.ts, src/staff/directory.ts), which takes the caller's Executor.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'

const root = join(import.meta.dirname, '../..')

/** Every table of src/db/schema.ts's Database, and the feature folder that owns it. */
const OWNERS: Record<string, string> = {
  submissions: 'intake',
  verification_tokens: 'intake',
  address_changes: 'intake',
  cases: 'cases',
  case_events: 'cases',
  case_messages: 'cases',
  case_pauses: 'cases',
  case_access_tokens: 'cases',
  case_minimisations: 'cases',
  counters: 'cases',
  message_templates: 'cases',
  outbox: 'mail',
  staff: 'staff',
  staff_sessions: 'staff',
  api_tokens: 'staff',
  setup_tokens: 'staff',
  rate_events: 'security',
  audit_log: 'audit',
  job_runs: 'scheduler',
  newsletter_subscribers: 'registers',
  candidates: 'registers',
  suppressions: 'registers',
  suppression_hashes: 'registers',
  case_recipient_notifications: 'registers',
  rectification_proposals: 'registers',
  email_merge_reviews: 'registers',
  access_packages: 'access',
  access_package_files: 'access',
  access_package_codes: 'access',
  teams: 'routing',
  team_members: 'routing',
  routing_rules: 'routing',
  clients: 'routing',
  recipient_categories: 'datamap',
  purposes: 'datamap',
  systems: 'datamap',
  system_purposes: 'datamap',
  case_tasks: 'tasks',
}

/**
 * Reaches into another feature's tables still to be moved behind the owner's public module. Empty
 * since every repository reaches only its own feature's tables; it may only shrink: a new entry
 * fails, and so does one that is no longer true.
 */
const NOT_YET_MOVED: string[] = []

const KYSELY = /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|replaceInto|mergeInto)\(\s*'([a-z_]+)/g
const SQL_TEMPLATE = /\bsql(?:<[^`]*?>)?`([^`]*)`/g
const SQL_TABLE = /\b(?:from|join|into|update|table)\s+"?([a-z_]+)"?/gi

function tablesIn(source: string): Set<string> {
  const found = new Set<string>()
  for (const m of source.matchAll(KYSELY)) found.add(m[1])
  for (const m of source.matchAll(SQL_TEMPLATE)) for (const n of m[1].matchAll(SQL_TABLE)) if (n[1] in OWNERS) found.add(n[1])
  return found
}

function repositories(): Array<{ feature: string; file: string }> {
  const src = join(root, 'src')
  const out: Array<{ feature: string; file: string }> = []
  for (const dir of readdirSync(src, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue
    for (const f of readdirSync(join(src, dir.name), { recursive: true }) as string[]) {
      if (/repository[^/]*\.ts$/.test(f)) out.push({ feature: dir.name, file: `src/${dir.name}/${f}` })
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file))
}

t.test('the owner map names every table of src/db/schema.ts', async (t) => {
  const schema = readFileSync(join(root, 'src/db/schema.ts'), 'utf8')
  const database = /export interface Database \{([^}]*)\}/.exec(schema)
  t.ok(database, 'schema.ts declares the Database interface')
  const tables = [...database![1].matchAll(/^\s*([a-z_]+):/gm)].map((m) => m[1]).sort()
  t.same(Object.keys(OWNERS).sort(), tables)
})

t.test('a repository reaches only its own feature’s tables', async (t) => {
  const foreign: string[] = []
  for (const { feature, file } of repositories()) {
    for (const table of tablesIn(readFileSync(join(root, file), 'utf8'))) {
      const owner = OWNERS[table]
      t.ok(owner, `${file}: ${table} has an owner`)
      if (owner && owner !== feature) foreign.push(`${file}: ${table} (${owner})`)
    }
  }
  t.same(foreign.sort(), [...NOT_YET_MOVED].sort(), 'a table used outside its owner goes through the owner’s public module')
})

t.test('the scan sees every way a query names a table', async (t) => {
  t.same([...tablesIn(`db.selectFrom('a').innerJoin('b', 'b.x', 'a.x'); db.insertInto('c'); db.updateTable('d'); db.deleteFrom('e')`)].sort(), ['a', 'b', 'c', 'd', 'e'])
  t.same([...tablesIn('sql`select 1 from staff join teams on 1 = 1`')].sort(), ['staff', 'teams'])
})

t.test('every query lives in a repository', async (t) => {
  // Services and routes call repositories; a query builder elsewhere would escape the owner check above.
  const src = join(root, 'src')
  const outside: string[] = []
  for (const f of readdirSync(src, { recursive: true }) as string[]) {
    if (!f.endsWith('.ts') || /repository[^/]*\.ts$/.test(f) || f.startsWith('db/')) continue
    const text = readFileSync(join(src, f), 'utf8')
    if (/\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/.test(text)) outside.push(`src/${f}`)
  }
  t.same(outside, [], 'Kysely queries outside src/db/ are in *repository*.ts files')
})
