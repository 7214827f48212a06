import type { Executor } from '../db/connection.js'
import type { Insertable, Updateable } from 'kysely'
import type { AccessPackage, AccessPackageCode, AccessPackageFile, AccessPackageFileTable, AccessPackageTable } from '../db/schema.js'

/** Every query of access packages (src/access): the service decides, these only read and write. */

type PackageValues = Omit<Updateable<AccessPackageTable>, 'id' | 'case_id' | 'created_at'>

export async function findPackage(db: Executor, caseId: number): Promise<AccessPackage | undefined> {
  return db.selectFrom('access_packages').selectAll().where('case_id', '=', caseId).executeTakeFirst()
}

export async function updatePackage(db: Executor, id: number, values: PackageValues): Promise<void> {
  await db.updateTable('access_packages').set(values).where('id', '=', id).execute()
}

export async function insertPackage(db: Executor, caseId: number, createdAt: string, values: Omit<Insertable<AccessPackageTable>, 'id' | 'case_id' | 'created_at'>): Promise<void> {
  await db.insertInto('access_packages').values({ ...values, case_id: caseId, created_at: createdAt }).execute()
}

export async function countDownload(db: Executor, id: number): Promise<void> {
  await db.updateTable('access_packages').set((eb) => ({ downloads: eb('downloads', '+', 1) })).where('id', '=', id).execute()
}

/** Sent packages whose retention has run out. */
export async function findExpiredPackages(db: Executor, iso: string): Promise<Array<Pick<AccessPackage, 'id' | 'case_id'>>> {
  return db.selectFrom('access_packages').select(['id', 'case_id']).where('status', '=', 'sent').where('delete_after', '<=', iso).execute()
}

/** The package emptied: files and codes gone, the row kept as a record that it existed. */
export async function markPackageDeleted(db: Executor, id: number, iso: string): Promise<void> {
  await db.deleteFrom('access_package_files').where('package_id', '=', id).execute()
  await db.deleteFrom('access_package_codes').where('package_id', '=', id).execute()
  await db.updateTable('access_packages').set({ status: 'deleted', data: null, deleted_at: iso, updated_at: iso }).where('id', '=', id).execute()
}

export async function listFiles(db: Executor, packageId: number): Promise<AccessPackageFile[]> {
  return db.selectFrom('access_package_files').selectAll().where('package_id', '=', packageId).orderBy('id').execute()
}

export async function countFiles(db: Executor, packageId: number): Promise<number> {
  const row = await db.selectFrom('access_package_files').select((eb) => eb.fn.countAll<number>().as('n')).where('package_id', '=', packageId).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findFile(db: Executor, packageId: number, fileId: number): Promise<AccessPackageFile | undefined> {
  return db.selectFrom('access_package_files').selectAll().where('id', '=', fileId).where('package_id', '=', packageId).executeTakeFirst()
}

export async function insertFile(db: Executor, values: Insertable<AccessPackageFileTable>): Promise<AccessPackageFile> {
  return db.insertInto('access_package_files').values(values).returningAll().executeTakeFirstOrThrow()
}

export async function deleteFile(db: Executor, fileId: number): Promise<void> {
  await db.deleteFrom('access_package_files').where('id', '=', fileId).execute()
}

export async function deleteCodes(db: Executor, packageId: number): Promise<void> {
  await db.deleteFrom('access_package_codes').where('package_id', '=', packageId).execute()
}

/** A new code replaces the earlier ones: they stop working. */
export async function replaceCode(db: Executor, packageId: number, codeHash: string, expiresAt: string, iso: string): Promise<void> {
  await db.updateTable('access_package_codes').set({ used_at: iso }).where('package_id', '=', packageId).where('used_at', 'is', null).execute()
  await db.insertInto('access_package_codes').values({ package_id: packageId, code_hash: codeHash, expires_at: expiresAt, created_at: iso }).execute()
}

export async function latestOpenCode(db: Executor, packageId: number): Promise<AccessPackageCode | undefined> {
  return db.selectFrom('access_package_codes').selectAll().where('package_id', '=', packageId).where('used_at', 'is', null).orderBy('id', 'desc').executeTakeFirst()
}

/** Counts one try, atomically and only while tries are left: false when the code is used up. */
export async function takeCodeTry(db: Executor, codeId: number, maxTries: number): Promise<boolean> {
  const taken = await db.updateTable('access_package_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', codeId).where('attempts', '<', maxTries).where('used_at', 'is', null).executeTakeFirst()
  return Number(taken.numUpdatedRows) > 0
}

export async function markCodeUsed(db: Executor, codeId: number, iso: string): Promise<void> {
  await db.updateTable('access_package_codes').set({ used_at: iso }).where('id', '=', codeId).execute()
}

/** The letter that goes with the package, kept on the case like any outgoing message. */
export async function insertPackageMessage(db: Executor, values: { caseId: number; body: string; staffId: number; lang: string; at: string }): Promise<number> {
  const row = await db
    .insertInto('case_messages')
    .values({ case_id: values.caseId, direction: 'out', body: values.body, staff_id: values.staffId, template: 'access_package', lang: values.lang, created_at: values.at })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** A sent package closes the case: what was left out is its partial refusal, and nothing is refused in whole. */
export async function setPackageRefusal(db: Executor, caseId: number, partial: string | null): Promise<void> {
  await db.updateTable('cases').set({ partial_refusal_reason: partial, refusal_reason: null, refusal_evidence: null }).where('id', '=', caseId).execute()
}

/** The candidate register's CVs for an address, in the order the document lists the candidates. */
export async function candidateCvs(db: Executor, key: string) {
  return db.selectFrom('candidates').select(['id', 'cv_path', 'cv_filename', 'cv_content_type']).where('email_normalized', '=', key).orderBy('id').execute()
}

export async function staffNames(db: Executor, ids: number[]): Promise<Array<{ id: number; name: string }>> {
  return db.selectFrom('staff').select(['id', 'name']).where('id', 'in', ids).execute()
}

const CHUNK = 500

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

/**
 * Everything the portal holds about one address, read straight from the tables (the registers'
 * own services live in src/registers; only their tables are needed here). Matching is on the
 * normalised address (emailKey: trimmed, lower-case), the same key every table stores.
 */
export async function gatherFor(db: Executor, key: string) {
  const newsletter = await db.selectFrom('newsletter_subscribers').selectAll().where('email_normalized', '=', key).orderBy('id').execute()
  const candidates = await db.selectFrom('candidates').selectAll().where('email_normalized', '=', key).orderBy('id').execute()
  const suppressions = await db.selectFrom('suppressions').selectAll().where('email_normalized', '=', key).execute()
  const cases = await db.selectFrom('cases').selectAll().where('email_key', '=', key).orderBy('received_at').orderBy('id').execute()
  const ids = cases.map((c) => c.id)
  const messages = []
  const events = []
  for (const part of chunks(ids)) {
    messages.push(...(await db.selectFrom('case_messages').select(['id', 'case_id', 'direction', 'body', 'lang', 'created_at']).where('case_id', 'in', part).orderBy('id').execute()))
    events.push(...(await db.selectFrom('case_events').select(['id', 'case_id', 'kind', 'actor_type', 'data', 'created_at']).where('case_id', 'in', part).orderBy('id').execute()))
  }
  return { newsletter, candidates, suppressions, cases, messages, events }
}
