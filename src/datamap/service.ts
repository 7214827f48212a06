/**
 * The data map as the portal keeps it (issue 19 §1): purposes, systems and recipient categories,
 * read by everyone who needs them, changed by administrators in one transaction each, every
 * change in the audit log with who, when, what it was before and what it is after.
 *
 * Other features read the map through this module: `mapForSystems(db, keys)` gives the systems,
 * the purposes they serve, their recipients and transfers, for the systems a person's data was
 * found in (the access package, Art. 19 lists).
 */
import { appendAudit, canonicalJson } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import { listTeamNames, teamsByIds } from '../routing/directory.js'
import type { Actor } from '../staff/actor.js'
import { invalidFields, mapFail, purposeNotFound, systemNotFound } from './errors.js'
import type { MapExtract, Purpose, RecipientCategory, System } from './model.js'
import { readiness, type Readiness } from './readiness.js'
import * as repo from './repository.js'
import { checkPurpose, checkSystem, type PurposeInput, type SystemInput } from './validate.js'

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
  return {
    systems,
    purposes,
    recipientCategories: (await repo.listCategories(db)).filter((c) => wanted.has(c.key)),
    recipients: systems.flatMap((s) => s.recipients.map((r) => ({ ...r, system: s.key }))),
    transfers: systems.flatMap((s) => s.transfers.map((tr) => ({ ...tr, system: s.key }))),
  }
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

/**
 * A system's config as the task engine reads it (email `{to}`, manual `{instructions}`); null when
 * it has none. The config column arrives with the connectors' migration: until then, none.
 */
export async function systemConfig(db: Executor, key: string): Promise<SystemConfig | null> {
  return repo.findSystemConfig(db, key)
}

/** A system as the API and the audit log show it: its owner team by key. */
export function systemView(s: System) {
  const { ownerTeam, ...rest } = s
  return { ...rest, ownerTeam: ownerTeam?.key ?? null }
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b)

export class DataMap {
  constructor(private readonly deps: { db: Db; now: () => Date }) {}

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
    const found = await repo.findPurpose(db, id)
    if (!found) throw purposeNotFound()
    return found
  }

  async systems(db: Executor = this.deps.db): Promise<System[]> {
    return withTeams(db, await repo.listSystems(db))
  }

  async system(key: string, db: Executor = this.deps.db): Promise<System> {
    const found = await repo.findSystem(db, key)
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

  private async known(trx: Executor) {
    const purposes = new Set((await repo.listPurposes(trx)).map((p) => p.id))
    const teams = new Map((await listTeamNames(trx)).map((t) => [t.key, t.id]))
    return { purposes, teams }
  }

  async createSystem(actor: Actor, input: SystemInput): Promise<System> {
    return this.tx(async (trx, at) => {
      const { values, problems } = checkSystem(null, input, await this.known(trx))
      if (problems) throw invalidFields(problems)
      if (await repo.systemExists(trx, values.key)) throw mapFail('key_taken', {}, 'key')
      await repo.insertSystem(trx, values, at.toISOString())
      const after = await this.system(values.key, trx)
      await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'datamap.system.create', target: `system:${values.key}`, data: { before: null, after: auditedSystem(after) }, at })
      return after
    })
  }

  /** Changes the fields given (a field left out keeps its value); an unchanged system is neither written nor audited. */
  async updateSystem(actor: Actor, key: string, input: SystemInput): Promise<System> {
    return this.tx(async (trx, at) => {
      const before = await this.system(key, trx)
      const { values, problems } = checkSystem(before, input, await this.known(trx))
      if (problems) throw invalidFields(problems)
      const old = { key: before.key, name: before.name, kind: before.kind, ownerTeamId: before.ownerTeam?.id ?? null, purposes: before.purposes, dataCategories: before.dataCategories, recipients: before.recipients, transfers: before.transfers }
      if (same(old, values)) return before
      await repo.updateSystem(trx, values, at.toISOString())
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
