import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { createDb, type Db } from './connection.js'
import { GroupCommit } from './group-commit.js'
import { migrateToLatest } from './migrate.js'
import { describeMergeReview, openMergeReviews } from '../registers/merge-reviews.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    dbHealthy(): Promise<boolean>
    /** Shared durable commits for frequent small writes (src/db/group-commit.ts). */
    writes: GroupCommit
  }
}

export default fp(
  async function dbPlugin(app, opts: { databaseUrl: string; poolSize?: number; migrate?: boolean }) {
    const db = createDb(opts.databaseUrl, {
      poolSize: opts.poolSize,
      // Only the error's code: its message may name the database's path.
      onCheckpointThreadFail: (error) => app.log.warn({ code: (error as { code?: unknown })?.code ?? null }, 'checkpoint thread stopped; the main connection checkpoints again'),
    })
    if (opts.migrate !== false) {
      await migrateToLatest(db)
      for (const review of await openMergeReviews(db)) app.log.warn({ register: review.register, recordId: review.recordId, keptId: review.keptId, domain: review.domain }, describeMergeReview(review))
    }
    app.decorate('db', db)
    // PostgreSQL commits concurrently on its own; grouping is for SQLite's single writer.
    app.decorate('writes', new GroupCommit(db, { enabled: !/^postgres(ql)?:/.test(opts.databaseUrl) }))
    app.decorate('dbHealthy', async () => {
      try {
        await sql`select 1`.execute(db)
        return true
      } catch {
        return false
      }
    })
    // Closed last: onClose hooks run in reverse order of registration, and this plugin is registered first.
    app.addHook('onClose', async () => {
      await db.destroy()
    })
  },
  { name: 'db' },
)
