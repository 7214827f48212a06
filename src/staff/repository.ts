import type { Executor } from '../db/connection.js'
import type { NewStaff, Staff, StaffSession, StaffUpdate } from '../db/schema.js'

/** Database access for staff accounts, sessions, API tokens and setup tokens. No rules here: see service.ts. */

export async function countStaff(db: Executor): Promise<number> {
  const row = await db.selectFrom('staff').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findStaffById(db: Executor, id: number): Promise<Staff | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst()
}

export function findStaffByEmailKey(db: Executor, emailKey: string): Promise<Staff | undefined> {
  return db.selectFrom('staff').selectAll().where('email_key', '=', emailKey).executeTakeFirst()
}

export function listStaff(db: Executor): Promise<Staff[]> {
  return db.selectFrom('staff').selectAll().orderBy('disabled').orderBy('email_key').execute()
}

export async function insertStaff(db: Executor, row: NewStaff): Promise<number> {
  const result = await db.insertInto('staff').values(row).returning('id').executeTakeFirstOrThrow()
  return result.id
}

export async function updateStaff(db: Executor, id: number, values: StaffUpdate): Promise<void> {
  await db.updateTable('staff').set(values).where('id', '=', id).execute()
}

/** Records an accepted TOTP step unless that step (or a later one) was already used; false means a replay. */
export async function advanceTotpStep(db: Executor, id: number, step: number): Promise<boolean> {
  const result = await db
    .updateTable('staff')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

// Sessions

export async function insertSession(db: Executor, row: StaffSession): Promise<void> {
  await db.insertInto('staff_sessions').values(row).execute()
}

export function findSessionWithStaff(db: Executor, idHash: string) {
  return db
    .selectFrom('staff_sessions')
    .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
    .select([
      'staff_sessions.id_hash',
      'staff_sessions.mfa_passed',
      'staff_sessions.created_at',
      'staff_sessions.last_seen_at',
      'staff_sessions.expires_at',
      'staff.id',
      'staff.email',
      'staff.name',
      'staff.role',
      'staff.lang',
      'staff.disabled',
      'staff.totp_enabled',
    ])
    .where('staff_sessions.id_hash', '=', idHash)
    .executeTakeFirst()
}

export async function touchSession(db: Executor, idHash: string, at: string): Promise<void> {
  await db.updateTable('staff_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute()
}

export async function deleteSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteSessionsOf(db: Executor, staffId: number, exceptIdHash?: string): Promise<number> {
  let q = db.deleteFrom('staff_sessions').where('staff_id', '=', staffId)
  if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash)
  const result = await q.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function purgeExpiredSessions(db: Executor, now: string, idleBefore: string): Promise<number> {
  const result = await db
    .deleteFrom('staff_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

// API tokens

export async function insertApiToken(db: Executor, row: { staffId: number; tokenHash: string; name: string | null; createdAt: string }): Promise<number> {
  const result = await db
    .insertInto('api_tokens')
    .values({ staff_id: row.staffId, token_hash: row.tokenHash, name: row.name, created_at: row.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow()
  return result.id
}

export function findApiTokenWithStaff(db: Executor, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('staff', 'staff.id', 'api_tokens.staff_id')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at', 'api_tokens.revoked_at', 'staff.id', 'staff.email', 'staff.name', 'staff.role', 'staff.lang', 'staff.disabled'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst()
}

export async function touchApiToken(db: Executor, tokenId: number, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute()
}

export async function revokeApiTokensOf(db: Executor, staffId: number, at: string): Promise<number> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: at }).where('staff_id', '=', staffId).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows)
}

// Setup tokens (the first administrator's one-time link)

export async function insertSetupToken(db: Executor, row: { purpose: string; tokenHash: string; expiresAt: string; createdAt: string }): Promise<void> {
  await db.insertInto('setup_tokens').values({ purpose: row.purpose, token_hash: row.tokenHash, expires_at: row.expiresAt, created_at: row.createdAt }).execute()
}

export function findSetupToken(db: Executor, tokenHash: string) {
  return db.selectFrom('setup_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/** Marks the token used unless it already was; false when someone else got there first. */
export async function useSetupToken(db: Executor, id: number, at: string): Promise<boolean> {
  const result = await db.updateTable('setup_tokens').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Staff ids by email key (an API body names people by address). */
export async function findStaffIdByEmailKey(db: Executor, key: string): Promise<number | undefined> {
  return (await db.selectFrom('staff').select('id').where('email_key', '=', key).executeTakeFirst())?.id
}

export async function staffByIds(db: Executor, ids: Array<number | null>): Promise<Map<number, { email: string; name: string }>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))]
  if (wanted.length === 0) return new Map()
  const rows = await db.selectFrom('staff').select(['id', 'email', 'name']).where('id', 'in', wanted).execute()
  return new Map(rows.map((r) => [r.id, { email: r.email, name: r.name }]))
}

/** Who a case can be assigned to, for the case page's list. */
export async function listAssignable(db: Executor) {
  return db.selectFrom('staff').select(['id', 'name', 'email']).where('disabled', '=', 0).where('role', 'in', ['handler', 'admin']).orderBy('name').execute()
}

export async function findStaffForAssignment(db: Executor, id: number) {
  return db.selectFrom('staff').select(['id', 'role', 'disabled']).where('id', '=', id).executeTakeFirst()
}

/** Staff names for a timeline (disabled members included: history keeps who did it). */
export async function staffNamesByIds(db: Executor, ids: number[]): Promise<Map<number, string>> {
  const rows = ids.length ? await db.selectFrom('staff').select(['id', 'name']).where('id', 'in', ids).execute() : []
  return new Map(rows.map((r) => [r.id, r.name]))
}

/** Routing's view of people: who they are and whether they may work cases, by name (all, or those with `ids`). */
export async function staffBrief(db: Executor, ids?: number[]) {
  if (ids && ids.length === 0) return []
  let q = db.selectFrom('staff').select(['id', 'name', 'email', 'role', 'disabled'])
  if (ids) q = q.where('id', 'in', ids)
  return q.orderBy('name').execute()
}

/** Every member's id and address (a routing rule names its assignee by address in the API). */
export async function staffEmails(db: Executor) {
  return db.selectFrom('staff').select(['id', 'email']).execute()
}

/** Disabled members, by id and name (routing warns about the open cases they still hold). */
export async function disabledStaff(db: Executor) {
  return db.selectFrom('staff').select(['id', 'name']).where('disabled', '=', 1).execute()
}

/** The staff who may get a reminder: everyone not disabled. */
export async function activeStaff(trx: Executor) {
  return trx.selectFrom('staff').select(['id', 'email', 'name', 'role', 'lang']).where('disabled', '=', 0).execute()
}
