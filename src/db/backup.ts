import { cp, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import SqliteDb from 'better-sqlite3'
import { DEV_SECRET_FILE, DEV_SECRETS_KEY_FILE, DEV_SUPPRESSION_KEY_FILE } from '../config.js'

export class BackupError extends Error {}

/** Every page in one step: one read transaction, so the copy is the database as of one moment. */
const ALL_PAGES = 0x7fffffff

/**
 * A consistent copy of a live SQLite database through SQLite's online backup API. Copied in a
 * single step, the backup reads one snapshot (WAL mode lets the portal keep writing meanwhile)
 * and is never restarted by those writes. Written beside the target and renamed into place, so a
 * half-written copy never carries the target's name.
 */
export async function backupSqlite(databasePath: string, target: string): Promise<{ pages: number }> {
  const dest = resolve(target)
  if (sqliteFiles(databasePath).includes(dest)) throw new BackupError('The backup file must not be the database itself.')
  try {
    if ((await stat(dirname(dest))).isDirectory() === false) throw new Error()
  } catch {
    throw new BackupError(`The folder for the backup file does not exist: ${dirname(dest)}`)
  }
  const partial = join(dirname(dest), `.${basename(dest)}.partial-${process.pid}`)
  const source = new SqliteDb(databasePath, { fileMustExist: true })
  try {
    source.pragma('busy_timeout = 5000')
    const { totalPages } = await source.backup(partial, { progress: () => ALL_PAGES })
    const copy = new SqliteDb(partial, { fileMustExist: true })
    try {
      const [check] = copy.pragma('quick_check') as Array<{ quick_check: string }>
      if (check?.quick_check !== 'ok') throw new BackupError('The copy failed its integrity check; nothing was written.')
    } finally {
      copy.close()
    }
    await rename(partial, dest)
    return { pages: totalPages }
  } finally {
    source.close()
    await rm(partial, { force: true })
  }
}

/**
 * Copies everything stored under DATA_DIR (CVs, access-package files, the development mailbox)
 * into `dir`, which must be new or empty. Left out: the SQLite database's own files (copied
 * consistently by backupSqlite, never file by file while in use) and the development session
 * secret, which belongs with the other secrets, apart from backups.
 */
export async function backupFiles(dataDir: string, dir: string, exclude: string[]): Promise<{ files: number }> {
  const from = resolve(dataDir)
  const to = resolve(dir)
  if (to === from || to.startsWith(from + sep)) throw new BackupError('The files folder must be outside DATA_DIR.')
  const existing = await readdir(to).catch(() => null)
  if (existing && existing.length > 0) throw new BackupError(`The files folder must be new or empty: ${to}`)
  const left = new Set([...exclude.map((p) => resolve(p)), join(from, DEV_SECRET_FILE), join(from, DEV_SECRETS_KEY_FILE), join(from, DEV_SUPPRESSION_KEY_FILE)])
  let files = 0
  if (!(await stat(from).catch(() => null))) {
    await mkdir(to, { recursive: true })
    return { files }
  }
  // cp creates the folder itself; an empty one given is removed first (Node 24's cp refuses an existing one).
  if (existing) await rmdir(to)
  await cp(from, to, {
    recursive: true,
    errorOnExist: true,
    force: false,
    preserveTimestamps: true,
    filter: async (src) => {
      const path = resolve(src)
      if (left.has(path) || basename(path).includes('.partial-')) return false
      if ((await stat(path)).isFile()) files++
      return true
    },
  })
  return { files }
}

/** The database file and the files SQLite keeps beside it. */
export function sqliteFiles(databasePath: string): string[] {
  const db = resolve(databasePath)
  return [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]
}
