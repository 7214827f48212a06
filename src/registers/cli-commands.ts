import { readFile } from 'node:fs/promises'
import { appendAudit } from '../audit/log.js'
import type { CliCommand } from '../cli/context.js'
import { CLI } from '../staff/actor.js'
import { IMPORT_REGISTERS, importCsv, reportLines, type ImportRegister } from './csv-import.js'
import { runRetention } from './retention.js'
import { suppressionKeyId } from './suppression-hash.js'

export const registerCommands: CliCommand[] = [
  {
    name: 'import',
    usage: 'import subscribers|candidates FILE.csv [--partial] [--dry-run]\n                              Import a register from CSV; all or nothing unless --partial',
    async run({ db, config, args, flags, out, err, now }) {
      const [register, file] = args
      if (!(IMPORT_REGISTERS as readonly string[]).includes(register ?? '') || !file) {
        err('Usage: dsr-portal import subscribers|candidates FILE.csv [--partial] [--dry-run]')
        return 2
      }
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        err(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
        return 1
      }
      const report = await importCsv(db, config, register as ImportRegister, text, { partial: flags.partial === 'true', dryRun: flags['dry-run'] === 'true', actor: CLI, now: now() })
      for (const line of reportLines(report)) out(line)
      if (flags.json === 'true') out(JSON.stringify(report))
      return report.fileErrors.length || (report.rejected.length && !report.imported) ? 1 : 0
    },
  },
  {
    name: 'retention run',
    usage: 'retention run               Erase expired/withdrawn candidates, purge unconfirmed requests, minimise old closed cases',
    async run({ db, config, out, now }) {
      out(JSON.stringify(await runRetention(db, config, now(), { type: 'cli', id: null })))
      return 0
    },
  },
  {
    name: 'suppression-key show',
    usage: 'suppression-key show        Print SUPPRESSION_KEY, so a mailing tool can hash its list the same way (audited)',
    async run({ db, config, out, now }) {
      const keyId = suppressionKeyId(config.suppressionKey)
      // Whoever can run the CLI can read the settings anyway; the audit entry says when the key left the server.
      await appendAudit(db, { actorType: CLI.type, actorId: CLI.id, action: 'register.suppression_key_show', data: { keyId }, at: now() })
      out(`SUPPRESSION_KEY=${config.suppressionKey}`)
      out(`keyId=${keyId}`)
      return 0
    },
  },
]
