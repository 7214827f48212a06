/**
 * The data map's tables (migration 015): recipient_categories, purposes, systems, system_purposes.
 * Texts and lists are JSON in text columns; they are parsed and written here and nowhere else.
 */
import type { Executor } from '../db/connection.js'
import type { Selectable } from 'kysely'
import type { PurposeTable, SystemTable } from '../db/schema.js'
import type { Purpose, PurposeRole, Recipient, RecipientCategory, Relationship, System, SystemKind, Text, Transfer } from './model.js'
import type { PurposeValues, SystemValues } from './validate.js'

/** A system as stored: its owner team by id (the team's key and name are routing's). */
export type SystemRecord = Omit<System, 'ownerTeam'> & { ownerTeamId: number | null }

const parse = <T>(json: string): T => JSON.parse(json) as T
const parseOrNull = <T>(json: string | null): T | null => (json === null ? null : parse<T>(json))
const json = (value: unknown): string => JSON.stringify(value)

function toPurpose(r: Selectable<PurposeTable>): Purpose {
  return {
    id: r.id,
    title: parse<Text>(r.title),
    description: parse<Text>(r.description),
    legalBasis: parseOrNull(r.legal_basis),
    dataCategories: parse<Text[]>(r.data_categories),
    dataSubjects: parse<Text>(r.data_subjects),
    retention: parse<Text>(r.retention),
    source: parse<Text>(r.source),
    relationships: parse<Relationship[]>(r.relationships),
    role: r.role as PurposeRole,
    sensitive: r.sensitive === 1,
    recipientCategories: parse<string[]>(r.recipient_categories),
    note: parseOrNull<Text>(r.note),
    updatedAt: r.updated_at,
  }
}

export async function listCategories(db: Executor): Promise<RecipientCategory[]> {
  const rows = await db.selectFrom('recipient_categories').selectAll().orderBy('position').execute()
  return rows.map((r) => ({ key: r.key, name: parse<Text>(r.name), description: parse<Text>(r.description), general: r.general === 1, note: parseOrNull<Text>(r.note) }))
}

export async function listPurposes(db: Executor): Promise<Purpose[]> {
  return (await db.selectFrom('purposes').selectAll().orderBy('position').execute()).map(toPurpose)
}

export async function findPurpose(db: Executor, id: string): Promise<Purpose | null> {
  const row = await db.selectFrom('purposes').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toPurpose(row) : null
}

export async function updatePurpose(db: Executor, id: string, v: PurposeValues, at: string): Promise<void> {
  await db
    .updateTable('purposes')
    .set({
      title: json(v.title),
      description: json(v.description),
      legal_basis: v.legalBasis === null ? null : json(v.legalBasis),
      data_categories: json(v.dataCategories),
      data_subjects: json(v.dataSubjects),
      retention: json(v.retention),
      source: json(v.source),
      relationships: json(v.relationships),
      role: v.role,
      sensitive: v.sensitive ? 1 : 0,
      recipient_categories: json(v.recipientCategories),
      note: v.note === null ? null : json(v.note),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute()
}

function toSystem(r: Selectable<SystemTable>, purposes: string[]): SystemRecord {
  return {
    key: r.key,
    name: parse<Text>(r.name),
    kind: r.kind as SystemKind,
    ownerTeamId: r.owner_team_id,
    purposes,
    dataCategories: parse<Text[]>(r.data_categories),
    recipients: parse<Recipient[]>(r.recipients),
    transfers: parse<Transfer[]>(r.transfers),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** The systems (all, or those with the given keys), by key, each with the purposes it serves in the map's order. */
export async function listSystems(db: Executor, keys?: readonly string[]): Promise<SystemRecord[]> {
  if (keys && keys.length === 0) return []
  let query = db.selectFrom('systems').selectAll().orderBy('key')
  if (keys) query = query.where('key', 'in', [...keys])
  const rows = await query.execute()
  let links = db
    .selectFrom('system_purposes')
    .innerJoin('purposes', 'purposes.id', 'system_purposes.purpose_id')
    .select(['system_purposes.system_key', 'system_purposes.purpose_id'])
    .orderBy('purposes.position')
  if (keys) links = links.where('system_purposes.system_key', 'in', [...keys])
  const served = new Map<string, string[]>()
  for (const l of await links.execute()) served.set(l.system_key, [...(served.get(l.system_key) ?? []), l.purpose_id])
  return rows.map((r) => toSystem(r, served.get(r.key) ?? []))
}

export async function findSystem(db: Executor, key: string): Promise<SystemRecord | null> {
  return (await listSystems(db, [key]))[0] ?? null
}

function systemColumns(v: SystemValues, at: string) {
  return { name: json(v.name), owner_team_id: v.ownerTeamId, data_categories: json(v.dataCategories), recipients: json(v.recipients), transfers: json(v.transfers), updated_at: at }
}

async function linkPurposes(db: Executor, key: string, purposes: string[]): Promise<void> {
  await db.deleteFrom('system_purposes').where('system_key', '=', key).execute()
  if (purposes.length) await db.insertInto('system_purposes').values(purposes.map((purpose_id) => ({ system_key: key, purpose_id }))).execute()
}

export async function systemExists(db: Executor, key: string): Promise<boolean> {
  return (await db.selectFrom('systems').select('key').where('key', '=', key).executeTakeFirst()) !== undefined
}

export async function insertSystem(db: Executor, v: SystemValues, at: string): Promise<void> {
  await db.insertInto('systems').values({ key: v.key, kind: v.kind, created_at: at, ...systemColumns(v, at) }).execute()
  await linkPurposes(db, v.key, v.purposes)
}

export async function updateSystem(db: Executor, v: SystemValues, at: string): Promise<void> {
  await db.updateTable('systems').set(systemColumns(v, at)).where('key', '=', v.key).execute()
  await linkPurposes(db, v.key, v.purposes)
}

export async function deleteSystem(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('system_purposes').where('system_key', '=', key).execute()
  await db.deleteFrom('systems').where('key', '=', key).execute()
}

/**
 * A system's config (JSON), for the task engine. STUB: the `config` column is added by the
 * connectors' migration (017); until it is merged, no system has one. At merge, read the column here.
 */
export async function findSystemConfig(_db: Executor, _key: string): Promise<{ to?: string; instructions?: string } | null> {
  return null
}
