import { ConfigError, loadConfig } from './config.js'
import { createDb } from './db/connection.js'
import { migrateToLatest } from './db/migrate.js'
import { runMaintenance } from './scheduler/maintenance.js'

const USAGE = `Usage: dsr-portal <command>

Commands:
  migrate            Bring the database schema up to date
  maintenance run    Purge unconfirmed submissions and old rate-limit counts now
  help               Show this help

Settings are read from the environment, as for the server (see README.md).`

export async function main(argv: string[], out: (s: string) => void = (s) => console.log(s), err: (s: string) => void = (s) => console.error(s)): Promise<number> {
  const [command, sub] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE)
    return command ? 0 : 1
  }
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message)
      return 1
    }
    throw error
  }
  const db = createDb(config.databaseUrl)
  try {
    if (command === 'migrate') {
      const result = await migrateToLatest(db)
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? []
      out(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
      return 0
    }
    if (command === 'maintenance' && sub === 'run') {
      await migrateToLatest(db)
      out(JSON.stringify(await runMaintenance(db, config, new Date())))
      return 0
    }
    err(`Unknown command: ${argv.join(' ')}\n\n${USAGE}`)
    return 2
  } finally {
    await db.destroy()
  }
}
