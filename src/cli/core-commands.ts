import { migrateToLatest } from '../db/migrate.js'
import { describeMergeReview, openMergeReviews } from '../registers/merge-reviews.js'
import { runMaintenance } from '../scheduler/maintenance.js'
import type { CliCommand } from './context.js'

export const coreCommands: CliCommand[] = [
  {
    name: 'migrate',
    usage: 'migrate                     Bring the database schema up to date',
    async run({ db, out }) {
      const result = await migrateToLatest(db)
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? []
      out(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
      for (const review of await openMergeReviews(db)) out(describeMergeReview(review))
      return 0
    },
  },
  {
    name: 'maintenance run',
    usage: 'maintenance run             Purge unconfirmed submissions and old rate-limit counts now',
    async run({ db, config, out, now }) {
      out(JSON.stringify(await runMaintenance(db, config, now())))
      return 0
    },
  },
]
