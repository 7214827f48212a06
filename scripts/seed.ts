/**
 * Fills a database with realistic cases for development and benchmarks.
 *
 *   npm run seed -- --cases 100000 [--staff 5] [--db data/portal.db] [--seed 1]
 *
 * Works on the database file directly (the server need not run; if it does, SQLite's locking and
 * BEGIN IMMEDIATE keep both safe). Case references continue the per-year counters, which are
 * bumped first, so cases created later by the portal carry on the sequence.
 *
 * Every address is on a domain under the reserved `.example` TLD (RFC 2606), so mail sent from a
 * seeded database can never reach a real person.
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { appendAudit } from '../src/audit/log.js'
import { loadConfig } from '../src/config.js'
import { createDb, type Db } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrate.js'
import type { NewCase, NewCaseEvent } from '../src/db/schema.js'
import { isImmediate } from '../src/deadlines/case-rules.js'
import { computeCaseDeadline, type Pause } from '../src/deadlines/due-date.js'
import { stockholmDate } from '../src/deadlines/stockholm.js'
import { formatReference } from '../src/cases/repository.js'
import type { CaseStatus } from '../src/cases/state-machine.js'
import { hashPassword } from '../src/staff/password-hash.js'
import { PASSWORD_HASH_COST } from '../src/config.js'

export interface SeedOptions {
  cases: number
  /** Handlers to create (or reuse, by email) and assign cases to. Default 5. */
  staff?: number
  /** "Now": received dates spread over the 15 months before it. Default: the real now. */
  now?: Date
  /** PRNG seed: the same seed and now give the same data. Default 1. */
  seed?: number
  /** Cases per transaction. Default 5000. */
  batchSize?: number
  eves?: boolean
  log?: (line: string) => void
}

export interface SeedResult {
  cases: number
  events: number
  pauses: number
  staffIds: number[]
  ms: number
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
const SPAN_DAYS = 456 // ~15 months

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
function weighted<T extends string>(r: Rand, w: Readonly<Record<T, number>>): T {
  const entries = Object.entries(w) as Array<[T, number]>
  let x = r() * entries.reduce((s, [, n]) => s + n, 0)
  for (const [k, n] of entries) if ((x -= n) < 0) return k
  return entries[entries.length - 1][0]
}

const SV_FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Anders', 'Sara', 'Mikael', 'Lena', 'Per', 'Emma', 'Karl', 'Kristina', 'Fredrik', 'Linnéa', 'Oskar', 'Åsa', 'Björn', 'Märta', 'Göran', 'Ingrid', 'Sofia', 'Elin', 'Nils', 'Astrid', 'Hugo', 'Maja', 'Olle', 'Ebba', 'Viktor', 'Agnes', 'Gustav', 'Saga', 'Linus', 'Tove', 'Jörgen', 'Ulla', 'Mats', 'Ylva', 'Pär', 'Frida', 'Henrik', 'Ida', 'Stefan', 'Malin', 'Jonas', 'Helén', 'Sven']
const SV_LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström', 'Olofsson', 'Lindqvist', 'Lindgren', 'Berg', 'Axelsson', 'Bergström', 'Lundberg', 'Lundgren', 'Mattsson', 'Berglund', 'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Eklund', 'Håkansson', 'Björk', 'Bergman', 'Holm', 'Wikström', 'Isaksson', 'Löfgren', 'Söderberg', 'Nyberg', 'Blomqvist', 'Mårtensson', 'Åberg', 'Öberg', 'Ström']
const EN_FIRST = ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Jack', 'Olivia', 'James', 'Emily', 'William', 'Sophie', 'Thomas', 'Charlotte', 'Daniel', 'Grace', 'Matthew', 'Chloe', 'Michael', 'Hannah', 'David', 'Laura', 'Priya', 'Mohammed', 'Aisha', 'Wei', 'Yuki', 'Carlos', 'Fatima', 'Liam', 'Zoë', 'Seán']
const EN_LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel', 'Khan', "O'Brien", 'Murphy', 'Kelly', 'Müller', 'García', 'Nguyen']
const DOMAINS = ['gmail.example', 'hotmail.example', 'outlook.example', 'icloud.example', 'telia.example', 'bredband.example', 'live.example', 'proton.example', 'yahoo.example', 'foretag.example']
const HANDLER_NAMES = ['Karin Lindqvist', 'Jonas Bergström', 'Sofia Åkesson', 'Ahmed Hassan', 'Emma Nordin', 'Peter Sjögren', 'Lisa Ek', 'Mattias Holm', 'Nora Berg', 'Oskar Dahl']

const TYPE_MIX = { unsubscribe: 36, withdraw_consent: 22, erasure: 14, access: 12, objection: 6, rectification: 4, portability: 3, restriction: 3 } as const
type SeedType = keyof typeof TYPE_MIX

const DETAILS: Record<SeedType, { sv: string[]; en: string[] }> = {
  unsubscribe: { sv: ['Sluta skicka nyhetsbrev till mig.', 'Vill inte ha fler utskick.', ''], en: ['Please stop sending me newsletters.', ''] },
  withdraw_consent: { sv: ['Jag har fått jobb och vill att ni raderar min ansökan.', 'Jag återkallar mitt samtycke till att ni sparar mitt CV.', 'Ta bort mig ur kandidatdatabasen.'], en: ['I withdraw my consent to keep my CV on file.', 'Please remove my application.'] },
  erasure: { sv: ['Radera alla uppgifter ni har om mig.', 'Jag vill bli raderad ur era system.', 'Ta bort mitt konto och allt som hör till det.'], en: ['Please erase all my personal data.', 'Delete everything you hold about me.'] },
  access: { sv: ['Vilka uppgifter har ni om mig och var kommer de ifrån?', 'Jag vill ha en kopia av mina personuppgifter.'], en: ['Please send me a copy of my personal data.', 'What data do you hold about me?'] },
  objection: { sv: ['Jag invänder mot att ni använder mina uppgifter för marknadsföring.', 'Jag motsätter mig behandlingen.'], en: ['I object to the processing of my data for marketing.'] },
  rectification: { sv: ['Mitt efternamn är felstavat.', 'Ni har fel telefonnummer till mig.'], en: ['My address is out of date.'] },
  portability: { sv: ['Jag vill få mina uppgifter i ett maskinläsbart format.'], en: ['Please send my data in a machine-readable format.'] },
  restriction: { sv: ['Sluta behandla mina uppgifter tills ni har rättat dem.'], en: ['Please restrict processing while you check my data.'] },
}

function relationshipFor(r: Rand, type: SeedType): { relationship: string | null; consent: string | null } {
  switch (type) {
    case 'unsubscribe':
      return { relationship: 'newsletter', consent: null }
    case 'withdraw_consent': {
      const consent = weighted(r, { recruitment: 80, newsletter: 15, other: 5 })
      return { relationship: consent === 'recruitment' ? 'candidate' : consent === 'newsletter' ? 'newsletter' : 'other', consent }
    }
    case 'objection':
      return { relationship: weighted(r, { newsletter: 60, customer_contact: 20, candidate: 10, other: 10 }), consent: null }
    default:
      return { relationship: weighted(r, { candidate: 45, customer_contact: 20, newsletter: 15, event_participant: 8, supplier: 5, other: 7 }), consent: null }
  }
}

const ASCII: Record<string, string> = { å: 'a', ä: 'a', ö: 'o', é: 'e', ü: 'u', ë: 'e', í: 'i', á: 'a' }
function emailLocal(first: string, last: string, r: Rand): string {
  const clean = (s: string) => s.toLowerCase().replace(/[åäöéüëíá]/g, (c) => ASCII[c]).replace(/[^a-z]/g, '')
  const f = clean(first)
  const l = clean(last)
  const style = Math.floor(r() * 4)
  const n = r() < 0.4 ? String(Math.floor(r() * 99) + 1) : ''
  return style === 0 ? `${f}.${l}${n}` : style === 1 ? `${f}${l}${n}` : style === 2 ? `${f[0]}${l}${n}` : `${f}_${l}${n}`
}

interface Person {
  name: string | null
  email: string
  lang: 'sv' | 'en'
}

function newPerson(r: Rand): Person {
  const sv = r() < 0.85
  const first = pick(r, sv ? SV_FIRST : EN_FIRST)
  const last = pick(r, sv ? SV_LAST : EN_LAST)
  let email = `${emailLocal(first, last, r)}@${pick(r, DOMAINS)}`
  if (r() < 0.08) email = email.replace(/^./, (c) => c.toUpperCase()) // people type capitals; email_key is lower case
  return { name: r() < 0.93 ? `${first} ${last}` : null, email, lang: sv ? (r() < 0.95 ? 'sv' : 'en') : 'en' }
}

interface Draft {
  row: Omit<NewCase, 'reference'>
  createdMs: number
  year: number
  pause: { started_at: string; ended_at: string | null } | null
}

function statusFor(r: Rand, ageDays: number, immediate: boolean): CaseStatus {
  if (immediate) {
    if (ageDays > 3 || r() < ageDays / 3) return r() < 0.995 ? 'completed' : 'withdrawn'
    return r() < 0.7 ? 'new' : 'in_progress'
  }
  const pClosed = ageDays > 60 ? 0.997 : Math.min(0.97, ageDays / 38)
  if (r() < pClosed) return weighted(r, { completed: 86, rejected: 7, withdrawn: 7 })
  if (ageDays < 2) return r() < 0.8 ? 'new' : 'in_progress'
  return weighted(r, { new: ageDays < 7 ? 30 : 6, in_progress: 55, awaiting_requester: 25 })
}

function draftCase(r: Rand, nowMs: number, today: string, person: Person, handlerIds: number[], eves: boolean): Draft {
  const type = weighted(r, TYPE_MIX)
  const { relationship, consent } = relationshipFor(r, type)
  const immediate = isImmediate(type, relationship)
  // Received: spread over 15 months, more during office hours.
  let receivedMs = nowMs - Math.floor(r() * SPAN_DAYS * DAY) - HOUR
  if (r() < 0.7) {
    const d = new Date(receivedMs)
    d.setUTCHours(6 + Math.floor(r() * 10), Math.floor(r() * 60), Math.floor(r() * 60))
    receivedMs = Math.min(d.getTime(), nowMs - HOUR)
  }
  const channel = weighted(r, { web: 86, api: 5, email: 6, phone: 1, letter: 2 })
  const online = channel === 'web' || channel === 'api'
  const verifiedMs = online ? Math.min(nowMs - 60_000, receivedMs + (r() < 0.8 ? r() * HOUR : r() * 20 * HOUR)) : null
  const createdMs = verifiedMs ?? Math.min(nowMs - 60_000, receivedMs + r() * 48 * HOUR)
  const ageDays = (nowMs - receivedMs) / DAY
  const status = statusFor(r, ageDays, immediate)
  const closed = status === 'completed' || status === 'rejected' || status === 'withdrawn'
  const extended = !immediate && ageDays > 14 && r() < 0.03

  let pause: Draft['pause'] = null
  if (status === 'awaiting_requester') {
    pause = { started_at: new Date(createdMs + r() * Math.max(HOUR, nowMs - createdMs - HOUR)).toISOString(), ended_at: null }
  } else if (!immediate && status !== 'new' && r() < 0.12 && ageDays > 4) {
    // Never after now - 1 h, where the end is clamped: a pause cannot end before it starts.
    const start = Math.min(nowMs - 2 * HOUR, createdMs + r() * 3 * DAY)
    pause = { started_at: new Date(start).toISOString(), ended_at: new Date(Math.min(nowMs - HOUR, start + (1 + r() * 9) * DAY)).toISOString() }
  }
  const receivedAt = new Date(receivedMs).toISOString()
  const verifiedAt = verifiedMs === null ? null : new Date(verifiedMs).toISOString()
  const pauses: Pause[] = pause ? [{ start: pause.started_at, end: pause.ended_at }] : []
  const deadline = computeCaseDeadline({ receivedAt, verifiedAt, pauses, extended, today, eves, immediate })

  let closedAt: string | null = null
  if (closed) {
    const span = immediate ? 36 * HOUR : Math.max(HOUR, Date.parse(`${deadline.dueDate}T16:00:00Z`) - createdMs)
    const late = !immediate && r() < 0.04 ? 1.1 + r() * 0.3 : 0.05 + r() * 0.9
    closedAt = new Date(Math.min(nowMs - 60_000, createdMs + span * late)).toISOString()
  }
  const assigned = status === 'new' ? r() < 0.15 : r() < 0.93
  // Handlers do not share the work evenly.
  const assignee = assigned && handlerIds.length ? handlerIds[Math.min(handlerIds.length - 1, Math.floor(handlerIds.length * r() ** 1.4))] : null
  const createdAt = new Date(createdMs).toISOString()
  const texts = DETAILS[type][person.lang]
  const details = pick(r, texts) || null
  return {
    createdMs,
    year: Number(stockholmDate(createdAt).slice(0, 4)),
    pause,
    row: {
      type,
      status,
      email: person.email,
      email_key: person.email.trim().toLowerCase(),
      name: person.name,
      relationship,
      consent_kind: consent,
      details,
      incorrect_value: type === 'rectification' ? 'Andersen' : null,
      correct_value: type === 'rectification' ? 'Andersson' : null,
      lang: person.lang,
      channel,
      received_at: receivedAt,
      verified_at: verifiedAt,
      due_date: deadline.dueDate,
      assignee_id: assignee,
      extended: extended ? 1 : 0,
      extension_reason: extended ? (person.lang === 'sv' ? 'Begäran omfattar uppgifter i flera system.' : 'The request covers data in several systems.') : null,
      closed_at: closedAt,
      created_at: createdAt,
      updated_at: closedAt ?? pause?.started_at ?? createdAt,
    },
  }
}

async function ensureHandlers(db: Db, n: number, at: string): Promise<number[]> {
  if (n <= 0) return []
  // Nobody knows this password: seeded handlers exist to be assigned cases, not to log in. Hashed
  // with the portal's own parameters, like every real account, so sign-in timing matches the dummy's.
  const passwordHash = await hashPassword(randomBytes(32).toString('base64url'), PASSWORD_HASH_COST)
  const rows = Array.from({ length: n }, (_, i) => {
    const name = HANDLER_NAMES[i % HANDLER_NAMES.length] + (i >= HANDLER_NAMES.length ? ` ${Math.floor(i / HANDLER_NAMES.length) + 1}` : '')
    const email = `handlaggare${i + 1}@xtractor-seed.example`
    return { email, email_key: email, name, role: 'handler', password_hash: passwordHash, lang: 'sv', created_at: at, updated_at: at }
  })
  await db.insertInto('staff').values(rows).onConflict((oc) => oc.column('email_key').doNothing()).execute()
  const found = await db.selectFrom('staff').select(['id', 'email_key']).where('email_key', 'in', rows.map((r) => r.email_key)).execute()
  const byKey = new Map(found.map((f) => [f.email_key, f.id]))
  return rows.map((r) => byKey.get(r.email_key)!).filter((id) => id !== undefined)
}

/** Reserves `count` reference numbers for `year` at once; returns the first. */
async function reserveReferences(db: Db, year: number, count: number): Promise<number> {
  const row = await db
    .insertInto('counters')
    .values({ name: `case_reference_${year}`, value: count })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', count) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return Number(row.value) - count + 1
}

const CASE_CHUNK = 500 // 23 columns × 500 rows stays under SQLite's 32766 bound parameters
const EVENT_CHUNK = 4000

export async function seedDatabase(db: Db, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now()
  const total = Math.max(0, Math.floor(opts.cases))
  const now = opts.now ?? new Date()
  const nowMs = now.getTime()
  const today = stockholmDate(now)
  const r = prng(opts.seed ?? 1)
  const batchSize = Math.max(1, opts.batchSize ?? 5000)
  const log = opts.log ?? (() => {})

  const staffIds = await ensureHandlers(db, opts.staff ?? 5, now.toISOString())

  // People: about one in eight cases comes from someone who wrote before (e.g. unsubscribe, then erasure).
  const people: Person[] = []
  const drafts: Draft[] = []
  for (let i = 0; i < total; i++) {
    const person = people.length > 0 && r() < 0.12 ? pick(r, people) : newPerson(r)
    if (people.length < 50_000) people.push(person)
    drafts.push(draftCase(r, nowMs, today, person, staffIds, opts.eves === true))
  }
  drafts.sort((a, b) => a.createdMs - b.createdMs)
  log(`generated ${total} cases in ${Math.round(performance.now() - started)} ms`)

  // References are numbered per year in order of creation, after whatever the counters held.
  const perYear = new Map<number, number>()
  for (const d of drafts) perYear.set(d.year, (perYear.get(d.year) ?? 0) + 1)
  const nextNumber = new Map<number, number>()
  for (const [year, count] of [...perYear].sort((a, b) => a[0] - b[0])) {
    nextNumber.set(year, await reserveReferences(db, year, count))
  }
  const references = drafts.map((d) => {
    const n = nextNumber.get(d.year)!
    nextNumber.set(d.year, n + 1)
    return formatReference(d.year, n)
  })

  let events = 0
  let pauses = 0
  for (let from = 0; from < drafts.length; from += batchSize) {
    const to = Math.min(drafts.length, from + batchSize)
    await db.transaction().execute(async (trx) => {
      const idByRef = new Map<string, number>()
      for (let c = from; c < to; c += CASE_CHUNK) {
        const end = Math.min(to, c + CASE_CHUNK)
        const rows = drafts.slice(c, end).map((d, k) => ({ ...d.row, reference: references[c + k] }))
        const inserted = await trx.insertInto('cases').values(rows).returning(['id', 'reference']).execute()
        for (const row of inserted) idByRef.set(row.reference, row.id)
      }
      const ev: NewCaseEvent[] = []
      const pauseRows: Array<{ case_id: number; reason: string; started_at: string; ended_at: string | null }> = []
      for (let i = from; i < to; i++) {
        const d = drafts[i].row
        const caseId = idByRef.get(references[i])!
        const online = d.channel === 'web' || d.channel === 'api'
        ev.push({ case_id: caseId, kind: 'submitted', actor_type: online ? 'requester' : 'staff', actor_id: online ? null : (staffIds[0] ?? null), data: JSON.stringify({ channel: d.channel }), created_at: d.received_at })
        if (online) ev.push({ case_id: caseId, kind: 'verified', actor_type: 'requester', actor_id: null, data: JSON.stringify({ pausedDays: 0 }), created_at: d.verified_at! })
        else ev.push({ case_id: caseId, kind: 'registered', actor_type: 'staff', actor_id: staffIds[0] ?? null, data: JSON.stringify({ channel: d.channel }), created_at: d.created_at })
        if (d.status !== 'new') {
          ev.push({ case_id: caseId, kind: 'status_changed', actor_type: 'staff', actor_id: d.assignee_id ?? null, data: JSON.stringify({ from: 'new', to: d.status }), created_at: d.updated_at })
        }
        const p = drafts[i].pause
        if (p) pauseRows.push({ case_id: caseId, reason: 'identity', started_at: p.started_at, ended_at: p.ended_at })
      }
      for (let e = 0; e < ev.length; e += EVENT_CHUNK) await trx.insertInto('case_events').values(ev.slice(e, e + EVENT_CHUNK)).execute()
      for (let e = 0; e < pauseRows.length; e += EVENT_CHUNK) await trx.insertInto('case_pauses').values(pauseRows.slice(e, e + EVENT_CHUNK)).execute()
      events += ev.length
      pauses += pauseRows.length
    })
    log(`inserted ${to} / ${total}`)
  }
  await appendAudit(db, { actorType: 'cli', actorId: null, action: 'seed.run', data: { cases: total, staff: staffIds.length, seed: opts.seed ?? 1 }, at: new Date() })
  return { cases: total, events, pauses, staffIds, ms: Math.round(performance.now() - started) }
}

async function cli(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({ args: argv, options: { help: { type: 'boolean' }, cases: { type: 'string' }, staff: { type: 'string' }, db: { type: 'string' }, seed: { type: 'string' }, batch: { type: 'string' } } })
  if (flags.help) {
    console.log('Usage: npm run seed -- --cases N [--staff N] [--db PATH] [--seed N] [--batch N]\nPATH defaults to DATABASE_URL (see docs/settings.md).')
    return 0
  }
  const int = (name: 'cases' | 'staff' | 'seed' | 'batch', def: number): number => {
    const v = flags[name]
    if (v === undefined) return def
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v}"`)
    return Number(v)
  }
  const cases = int('cases', 1000)
  const path = flags.db ?? loadConfig(process.env).databaseUrl
  if (path === ':memory:') throw new Error('Seeding :memory: would be lost at exit; give --db PATH')
  const db = createDb(path)
  try {
    await migrateToLatest(db)
    console.log(`Seeding ${cases} cases into ${path.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} ...`)
    const res = await seedDatabase(db, { cases, staff: int('staff', 5), seed: int('seed', 1), batchSize: int('batch', 5000), log: (l) => console.log('  ' + l) })
    console.log(`Done: ${res.cases} cases, ${res.events} events, ${res.pauses} pauses, ${res.staffIds.length} handlers in ${(res.ms / 1000).toFixed(1)} s (${Math.round(res.cases / (res.ms / 1000))} cases/s)`)
    return 0
  } finally {
    await db.destroy()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exitCode = 1
    },
  )
}
