import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'

export interface CliContext {
  config: Config
  db: Db
  args: string[]
  /** Named flags (src/cli.ts FLAGS): --email a@b.se → { email: 'a@b.se' }; a yes/no --flag → 'true'. */
  flags: Record<string, string>
  out: (line: string) => void
  err: (line: string) => void
  /** Everything on standard input (passwords are read this way, never from flags). */
  readStdin: () => Promise<string>
  now: () => Date
}

export interface CliCommand {
  /** e.g. 'staff add' */
  name: string
  usage: string
  /** false: runs on the schema as it is (a backup taken before an upgrade is of the old schema). */
  migrates?: false
  run: (ctx: CliContext) => Promise<number>
}

/** The flags the command line knows: name → 'string' (takes a value: --email a@b.se or --email=a@b.se) or 'boolean'. */
export type FlagSpec = Record<string, 'string' | 'boolean'>

/**
 * node:util parseArgs, strict: a flag not in `spec`, a missing value (`--files` at the end) or a
 * value for a yes/no flag throws a TypeError whose `code` starts with ERR_PARSE_ARGS_ and whose
 * message says which flag. For the commands every value is a string; a yes/no flag given is 'true'.
 */
export function parseFlags(args: string[], spec: FlagSpec): { positional: string[]; flags: Record<string, string> } {
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }]))
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true })
  const flags = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]))
  return { positional: positionals, flags }
}

export function isFlagError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')
}
