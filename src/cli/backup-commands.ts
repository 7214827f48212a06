import { BackupError, backupFiles, backupSqlite, sqliteFiles } from '../db/backup.js'
import { isPostgresUrl } from '../db/connection.js'
import type { CliCommand } from './context.js'

const SECRETS_NOTE = 'Not in the backup: secrets (SESSION_SECRET, the passwords in DATABASE_URL and SMTP_URL). Keep them apart from the backups, and with them to restore.'

export const backupCommands: CliCommand[] = [
  {
    name: 'backup',
    usage: 'backup FILE [--files DIR]   Copy the SQLite database while the portal runs; --files also copies the files under DATA_DIR',
    migrates: false,
    async run({ config, args, flags, out, err }) {
      const [file] = args
      const filesDir = flags.files
      const postgres = isPostgresUrl(config.databaseUrl)
      if (postgres && (file || filesDir === undefined)) {
        err('On PostgreSQL the database is backed up with pg_dump, e.g. pg_dump --format=custom --file=portal.dump "$DATABASE_URL"; restore with pg_restore. This command copies the files under DATA_DIR: backup --files DIR.')
        return 1
      }
      if (!postgres && !file) {
        err('Usage: backup FILE [--files DIR]')
        return 2
      }
      if (config.databaseUrl === ':memory:') {
        err('DATABASE_URL is :memory:: there is nothing on disk to back up.')
        return 1
      }
      try {
        if (!postgres) {
          const { pages } = await backupSqlite(config.databaseUrl, file)
          out(`Database copied to ${file} (${pages} pages, as of one moment).`)
        }
        if (filesDir !== undefined) {
          const exclude = postgres ? [] : [...sqliteFiles(config.databaseUrl), file]
          const { files } = await backupFiles(config.dataDir, filesDir, exclude)
          out(`${files} files copied from DATA_DIR to ${filesDir}.`)
          if (postgres) out('The database itself: pg_dump --format=custom --file=portal.dump "$DATABASE_URL".')
        }
        out(SECRETS_NOTE)
        return 0
      } catch (error) {
        if (!(error instanceof BackupError)) throw error
        err(error.message)
        return 1
      }
    },
  },
]
