// Child process for test/audit/log.test.ts: appends N audit entries (all at once) to the database given (SQLite file or postgres:// URL).
import { appendAudit } from '../../src/audit/log.js'
import { createDb } from '../../src/db/connection.js'

const [file, count, tag] = process.argv.slice(2)
const db = createDb(file)
try {
  await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      appendAudit(db, { actorType: 'cli', actorId: null, action: 'test.append', target: `${tag}-${i}`, at: new Date() }),
    ),
  )
} finally {
  await db.destroy()
}
