import type { CliCommand } from '../cli/context.js'
import { verifyAuditChain } from './verify.js'

export const auditCommands: CliCommand[] = [
  {
    name: 'audit verify',
    usage: 'audit verify                Check the audit log hash chain; exit 1 if it is broken',
    async run({ db, out }) {
      const result = await verifyAuditChain(db)
      if (result.ok) {
        out(`Audit chain intact: ${result.rows} entries`)
        out(`Head hash: ${result.headHash}`)
        return 0
      }
      out(`Audit chain BROKEN at entry #${result.firstBadId}: ${result.reason}`)
      return 1
    },
  },
]
