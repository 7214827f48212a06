import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'

export interface CliContext {
  config: Config
  db: Db
  args: string[]
  /** Named flags: --email a@b.se → { email: 'a@b.se' }; a bare --flag → 'true'. */
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

export function parseFlags(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = []
  const flags: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1)
      else if (i + 1 < args.length && !args[i + 1].startsWith('--')) flags[a.slice(2)] = args[++i]
      else flags[a.slice(2)] = 'true'
    } else positional.push(a)
  }
  return { positional, flags }
}
