/**
 * The data map as the portal keeps it (issue 19 §1): purposes, systems and recipient categories,
 * read by everyone who needs them, changed by administrators in one transaction each, every
 * change in the audit log with who, when, what it was before and what it is after.
 *
 * Other features read the map through this module: `mapForSystems(db, keys)` gives the systems,
 * the purposes they serve, their recipients and transfers, for the systems a person's data was
 * found in (the access package, Art. 19 lists).
 */
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { appendAudit, canonicalJson } from '../audit/log.js'
import { Sealer, type SealKeys } from '../connectors/seal.js'
import type { Db, Executor } from '../db/connection.js'
import { listTeamNames, teamsByIds } from '../routing/directory.js'
import type { Actor } from '../staff/actor.js'
import { invalidFields, mapFail, purposeNotFound, systemNotFound } from './errors.js'
import { KEY_PATTERN, MAX_KEY, type ConnectionConfig, type MapExtract, type Purpose, type RecipientCategory, type System } from './model.js'
import { readiness, type Readiness } from './readiness.js'
import * as repo from './repository.js'
import { openConfig, resealConfig, storeConfig } from './sealed-config.js'
import { checkPurpose, checkSystem, type PurposeInput, type SystemInput } from './validate.js'
import type { ConfigContext } from './validate-config.js'

/** What connected systems' configs need from the settings (src/config.ts). */
export interface ConnectionSettings extends SealKeys {
  dataDir: string
  allowPrivateConnectorUrls: boolean
}

/**
 * Whether a text from a path could be a system key or a purpose id at all. One that cannot is not
 * looked up: PostgreSQL refuses some text outright (a NUL byte is an error, not a miss), and an
 * unknown key must read "not found" on every database.
 */
const mayBeKey = (key: string) => key.length <= MAX_KEY && KEY_PATTERN.test(key)

/**
 * A system's config with its secrets opened, for the task engine and the connectors: null when the
 * system has none (register, other) or does not exist. Never shown, logged or audited.
 */
export async function systemConfig(db: Executor, key: string, settings: SealKeys): Promise<ConnectionConfig | null> {
  if (!mayBeKey(key)) return null
  const found = await repo.findStoredConfig(db, key)
  return found ? openConfig(found.kind, found.config, new Sealer(settings)) : null
}

/** The systems' names by key (a case's timeline names the systems its tasks reached); a key no longer on the map is absent. */
export async function systemNames(db: Executor, keys: readonly string[]): Promise<Map<string, { sv: string; en: string }>> {
  const wanted = [...new Set(keys)].filter(mayBeKey)
  return new Map((await repo.listSystems(db, wanted)).map((s) => [s.key, s.name]))
}

/** A system's kind, in one query (the task worker asks it per task); null when there is no such system. */
export async function systemKind(db: Executor, key: string): Promise<string | null> {
  if (!mayBeKey(key)) return null
  return (await repo.findStoredConfig(db, key))?.kind ?? null
}

/** Reseals every stored secret under SECRETS_KEY (after a rotation; the old key as SECRETS_KEY_PREVIOUS); how many were resealed. */
export async function resealSecrets(db: Db, settings: SealKeys): Promise<number> {
  const sealer = new Sealer(settings)
  return db.transaction().execute(async (trx) => {
    let n = 0
    for (const { key, config } of await repo.listStoredConfigs(trx)) {
      const resealed = resealConfig(config, sealer)
      if (resealed !== null) {
        await repo.setStoredConfig(trx, key, resealed)
        n++
      }
    }
    return n
  })
}

async function withTeams(db: Executor, records: repo.SystemRecord[]): Promise<System[]> {
  const teams = await teamsByIds(db, records.map((r) => r.ownerTeamId))
  return records.map(({ ownerTeamId, ...s }) => {
    const team = ownerTeamId === null ? undefined : teams.get(ownerTeamId)
    return { ...s, ownerTeam: team && ownerTeamId !== null ? { id: ownerTeamId, ...team } : null }
  })
}

/** The systems with these keys (unknown keys are left out), what they serve, hold, disclose and transfer. */
export async function mapForSystems(db: Executor, keys: readonly string[]): Promise<MapExtract> {
  const systems = await withTeams(db, await repo.listSystems(db, [...new Set(keys)]))
  const purposes = (await repo.listPurposes(db))
    .map((p) => ({ ...p, systems: systems.filter((s) => s.purposes.includes(p.id)).map((s) => s.key) }))
    .filter((p) => p.systems.length > 0)
  const wanted = new Set(purposes.flatMap((p) => p.recipientCategories))
  const categories = await repo.listCategories(db)
  return {
    systems,
    purposes,
    recipientCategories: categories.filter((c) => wanted.has(c.key)),
    generalCategories: categories.filter((c) => c.general),
    recipients: systems.flatMap((s) => s.recipients.map((r) => ({ ...r, system: s.key }))),
    transfers: systems.flatMap((s) => s.transfers.map((tr) => ({ ...tr, system: s.key }))),
  }
}

/** Every recipient category on the map (an Art. 19 row kept for one no purpose names any more is still shown by name). */
export function recipientCategories(db: Executor): Promise<RecipientCategory[]> {
  return repo.listCategories(db)
}

/** Every system with its owner team, and every purpose: what the task engine (src/tasks) plans a case's tasks from. */
export async function mapSystemsAndPurposes(db: Executor): Promise<{ systems: System[]; purposes: Purpose[] }> {
  return { systems: await withTeams(db, await repo.listSystems(db)), purposes: await repo.listPurposes(db) }
}

/** What the task engine needs of an email or manual system's config: the supplier's address, the owner's instructions. */
export interface SystemConfig {
  to?: string
  instructions?: string
}

/** An email or manual system's config as the task engine reads it; null for every other kind. */
export async function taskSystemConfig(db: Executor, key: string, settings: SealKeys): Promise<SystemConfig | null> {
  const config = await systemConfig(db, key, settings)
  if (config?.kind === 'email') return { to: config.to }
  if (config?.kind === 'manual') return { instructions: config.instructions }
  return null
}

/** A system as the API and the audit log show it: its owner team by key. */
export function systemView(s: System) {
  const { ownerTeam, ...rest } = s
  return { ...rest, ownerTeam: ownerTeam?.key ?? null }
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b)

export class DataMap {
  private readonly sealer: Sealer
  private readonly context: ConfigContext
  private readonly settings: ConnectionSettings

  /** Without `connections` (read-only uses such as `doctor`), secrets are sealed under a throwaway key. */
  constructor(private readonly deps: { db: Db; now: () => Date; connections?: ConnectionSettings }) {
    this.settings = deps.connections ?? { secretsKey: randomBytes(32), secretsKeyPrevious: null, dataDir: resolve('data'), allowPrivateConnectorUrls: false }
    this.sealer = new Sealer(this.settings)
    this.context = { dataDir: this.settings.dataDir, allowPrivate: this.settings.allowPrivateConnectorUrls }
  }

  /** A system's config with secrets opened (for the connectors); null for register and other. */
  config(key: string, db: Executor = this.deps.db): Promise<ConnectionConfig | null> {
    return systemConfig(db, key, this.settings)
  }

  private tx<T>(fn: (trx: Executor, at: Date) => Promise<T>): Promise<T> {
    return this.deps.db.transaction().execute((trx) => fn(trx, this.deps.now()))
  }

  categories(db: Executor = this.deps.db): Promise<RecipientCategory[]> {
    return repo.listCategories(db)
  }

  purposes(db: Executor = this.deps.db): Promise<Purpose[]> {
    return repo.listPurposes(db)
  }

  async purpose(id: string, db: Executor = this.deps.db): Promise<Purpose> {
    const found = mayBeKey(id) ? await repo.findPurpose(db, id) : null
    if (!found) throw purposeNotFound()
    return found
  }

  async systems(db: Executor = this.deps.db): Promise<System[]> {
    return withTeams(db, await repo.listSystems(db))
  }

  async system(key: string, db: Executor = this.deps.db): Promise<System> {
    const found = mayBeKey(key) ? await repo.findSystem(db, key) : null
    if (!found) throw systemNotFound()
    return (await withTeams(db, [found]))[0]
  }

  /** The teams a system may be owned by, for the forms. */
  teams(db: Executor = this.deps.db) {
    return listTeamNames(db)
  }

  forSystems(keys: readonly string[], db: Executor = this.deps.db): Promise<MapExtract> {
    return mapForSystems(db, keys)
  }

  async readiness(db: Executor = this.deps.db): Promise<Readiness> {
    return readiness(await repo.listPurposes(db), await this.systems(db))
  }

  /** Changes the fields given; an unchanged purpose is neither written nor audited. */
  async updatePurpose(actor: Actor, id: string, input: PurposeInput): Promise<Purpose> {
    return this.tx(async (trx, at) => {
      const before = await this.purpose(id, trx)
      const categories = new Set((await repo.listCategories(trx)).map((c) => c.key))
      const { values, problems } = checkPurpose(before, input, { categories })
      if (problems) throw invalidFields(problems)
      const { updatedAt: _at, ...old } = before
      if (same(old, { id, ...values })) return before
      await repo.updatePurpose(trx, id, values, at.toISOString())
      const after = await this.purpose(id, trx)
      await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'datamap.purpose.update', target: `purpose:${id}`, data: { before: old, after: { id, ...values } }, at })
      return after
    })
  }

  /** `configSent`: a change that sends a config may replace secrets that can no longer be opened. */
  private async known(trx: Executor, key?: string, configSent = false) {
    const purposes = new Set((await repo.listPurposes(trx)).map((p) => p.id))
    const teams = new Map((await listTeamNames(trx)).map((t) => [t.key, t.id]))
    const currentConfig = key === undefined ? null : await this.config(key, trx).catch(() => {
      // A key missing after a rotation: a change without the config is refused with what to do, not a 500.
      if (configSent) return null
      throw mapFail('secrets_unreadable')
    })
    return { purposes, teams, config: this.context, currentConfig }
  }

  async createSystem(actor: Actor, input: SystemInput): Promise<System> {
    return this.tx(async (trx, at) => {
      const { values, problems } = checkSystem(null, input, await this.known(trx))
      if (problems) throw invalidFields(problems)
      if (await repo.systemExists(trx, values.key)) throw mapFail('key_taken', {}, 'key')
      await repo.insertSystem(trx, values, storeConfig(values.config, this.sealer), at.toISOString())
      const after = await this.system(values.key, trx)
      await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'datamap.system.create', target: `system:${values.key}`, data: { before: null, after: auditedSystem(after) }, at })
      return after
    })
  }

  /** Changes the fields given (a field left out keeps its value); an unchanged system is neither written nor audited. */
  async updateSystem(actor: Actor, key: string, input: SystemInput): Promise<System> {
    return this.tx(async (trx, at) => {
      const before = await this.system(key, trx)
      const known = await this.known(trx, key, input.config !== undefined)
      const { values, problems } = checkSystem(before, input, known)
      if (problems) throw invalidFields(problems)
      const old = { key: before.key, name: before.name, kind: before.kind, ownerTeamId: before.ownerTeam?.id ?? null, purposes: before.purposes, dataCategories: before.dataCategories, recipients: before.recipients, transfers: before.transfers, config: known.currentConfig }
      if (same(old, values)) return before
      await repo.updateSystem(trx, values, storeConfig(values.config, this.sealer), at.toISOString())
      const after = await this.system(key, trx)
      await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'datamap.system.update', target: `system:${key}`, data: { before: auditedSystem(before), after: auditedSystem(after) }, at })
      return after
    })
  }

  /** The portal's own registers stay on the map (409). */
  async deleteSystem(actor: Actor, key: string): Promise<void> {
    await this.tx(async (trx, at) => {
      const before = await this.system(key, trx)
      if (before.kind === 'register') throw mapFail('register_kept')
      await repo.deleteSystem(trx, key)
      await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'datamap.system.delete', target: `system:${key}`, data: { before: auditedSystem(before), after: null }, at })
    })
  }
}

/** A system in the audit log: as the API shows it, without the timestamps the row itself carries. */
function auditedSystem(s: System) {
  const { createdAt: _c, updatedAt: _u, ...rest } = systemView(s)
  return rest
}
