import { ConfigError, loadConfig } from './config.js'
import { createDb } from './db/connection.js'
import { migrateToLatest } from './db/migrate.js'
import { hashPlainSuppressions } from './registers/suppression-conversion.js'
import { isFlagError, parseFlags, type CliCommand, type FlagSpec } from './cli/context.js'
import { coreCommands } from './cli/core-commands.js'
import { deadlineCommands } from './deadlines/cli-commands.js'
import { auditCommands } from './audit/cli-commands.js'
import { staffCommands } from './staff/cli-commands.js'
import { registerCommands } from './registers/cli-commands.js'
import { backupCommands } from './cli/backup-commands.js'
import { dataMapCommands } from './datamap/cli-commands.js'

/** Every feature adds its verbs here, and their flags to FLAGS. */
const COMMANDS: CliCommand[] = [...coreCommands, ...deadlineCommands, ...auditCommands, ...staffCommands, ...registerCommands, ...backupCommands, ...dataMapCommands]

/** Every flag a command reads; any other is refused (a typo would otherwise be ignored). */
const FLAGS: FlagSpec = {
  help: 'boolean',
  email: 'string',
  name: 'string',
  role: 'string',
  received: 'string',
  months: 'string',
  partial: 'boolean',
  'dry-run': 'boolean',
  json: 'boolean',
  files: 'string',
}

function usage(): string {
  return ['Usage: dsr-portal <command> [options]', '', 'Commands:', ...COMMANDS.map((c) => '  ' + c.usage), '', 'Settings are read from the environment, as for the server (see docs/settings.md).'].join('\n')
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  if ((stream as NodeJS.ReadStream).isTTY) return ''
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

export interface CliIo {
  out?: (s: string) => void
  err?: (s: string) => void
  stdin?: () => Promise<string>
  env?: Record<string, string | undefined>
  now?: () => Date
}

export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => console.log(s))
  const err = io.err ?? ((s: string) => console.error(s))
  let parsed
  try {
    parsed = parseFlags(argv, FLAGS)
  } catch (error) {
    if (!isFlagError(error)) throw error
    err(`${error.message}\n\n${usage()}`)
    return 2
  }
  const { positional, flags } = parsed
  if (positional.length === 0 || positional[0] === 'help' || flags.help) {
    out(usage())
    return positional.length === 0 && !flags.help ? 1 : 0
  }
  // The longest command name that prefixes the words given wins ('staff add' over 'staff').
  const command = COMMANDS.filter((c) => {
    const words = c.name.split(' ')
    return words.every((w, i) => positional[i] === w)
  }).sort((a, b) => b.name.length - a.name.length)[0]
  if (!command) {
    err(`Unknown command: ${positional.join(' ')}\n\n${usage()}`)
    return 2
  }
  let config
  try {
    config = loadConfig(io.env ?? process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message)
      return 1
    }
    throw error
  }
  const db = createDb(config.databaseUrl, { poolSize: config.databasePoolSize })
  try {
    if (command.name !== 'migrate' && command.migrates !== false) {
      await migrateToLatest(db)
      // As the server does at start: no command compares suppression hashes while plain rows remain.
      await hashPlainSuppressions(db, config.suppressionKey)
    }
    return await command.run({
      config,
      db,
      args: positional.slice(command.name.split(' ').length),
      flags,
      out,
      err,
      readStdin: io.stdin ?? (() => readAll(process.stdin)),
      now: io.now ?? (() => new Date()),
    })
  } finally {
    await db.destroy()
  }
}
