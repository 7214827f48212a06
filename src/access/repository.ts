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
