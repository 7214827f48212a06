import type { Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { TestSmtp } from './smtp.js'
import { freePort, runCli, startServer, type Started } from './server.js'

export interface Portal {
  server: Started
  smtp: TestSmtp
  url: string
  dir: string
  env: Record<string, string>
  staff: { admin: { email: string; password: string }; handler: { email: string; password: string } }
}

/**
 * A real portal for browser tests: a test SMTP server, two staff members added with the CLI
 * (`dsr-portal staff add`, password on stdin) in a temp SQLite file, then `src/server.ts` listening on localhost.
 */
export async function startPortal(t: Test, extraEnv: Record<string, string> = {}): Promise<Portal> {
  const smtp = await new TestSmtp().start()
  t.teardown(() => smtp.stop())
  const dir = t.testdir()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = {
    DATA_DIR: dir,
    DATABASE_URL: join(dir, 'portal.db'),
    PUBLIC_URL: url,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Xtractor Interactive AB <dsr@xtractor.se>',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '50',
    LIMIT_IP_PER_HOUR: '10000',
    ...extraEnv,
  }
  const staff = {
    admin: { email: 'admin-e2e@xtractor.se', password: `admin fras ${randomBytes(6).toString('hex')}` },
    handler: { email: 'handler-e2e@xtractor.se', password: `handläggar fras ${randomBytes(6).toString('hex')}` },
  }
  for (const [role, who] of Object.entries(staff)) {
    const name = role === 'admin' ? 'Ada Admin' : 'Hanna Handläggare'
    const res = await runCli(['staff', 'add', '--email', who.email, '--name', name, '--role', role], env, who.password + '\n')
    if (res.code !== 0) throw new Error(`staff add failed: ${res.out}`)
  }
  const server = await startServer(t, env, { port })
  if (!/listening on/.test(server.output())) throw new Error('server did not start: ' + server.output())
  return { server, smtp, url, dir, env, staff }
}

/** The newest email to `address` whose text contains `marker`, waiting for it. */
export async function mailTo(smtp: TestSmtp, address: string, marker: RegExp, count = 1) {
  const found = await smtp.waitFor((m) => m.envelopeTo.includes(address) && marker.test(m.parsed.text ?? ''), count)
  return found[found.length - 1]
}
