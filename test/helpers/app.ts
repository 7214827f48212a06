import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import app, { type AppOptions } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { fastifyOptions } from '../../src/fastify-options.js'
import { testDatabaseUrl } from './db.js'
import { TestSmtp } from './smtp.js'

export const PUBLIC_URL = 'https://portal.test'

export interface TestClock {
  now: () => Date
  set(iso: string | Date): void
  advance(ms: number): void
}

export function testClock(start = '2026-11-25T10:00:00.000Z'): TestClock {
  let current = new Date(start).getTime()
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso).getTime()
    },
    advance: (ms) => {
      current += ms
    },
  }
}

export interface TestApp {
  app: FastifyInstance
  smtp: TestSmtp
  config: Config
  clock: TestClock
  /** Sends every queued email now and waits until the SMTP server has them. */
  flushMail(): Promise<void>
}

/**
 * Builds the app as the server does, on an in-memory database (a fresh PostgreSQL schema when
 * TEST_DATABASE_URL is set; a DATABASE_URL file in env maps to one schema per name, see db.ts), sending mail to a real SMTP
 * server started for the test; both are closed in the test's teardown.
 */
export async function buildTestApp(
  t: Test,
  opts: {
    env?: Record<string, string>
    clock?: TestClock
    background?: boolean
    app?: Partial<AppOptions>
    /** Runs on the bare Fastify instance before the app is registered (e.g. an onRoute hook). */
    beforeRegister?: (fastify: FastifyInstance) => void
    /** Receives every log line (JSON) at LOG_LEVEL (set it in env, e.g. 'trace'; tests default to silent). */
    logStream?: { write(line: string): void }
  } = {},
): Promise<TestApp> {
  // Before the teardown below is registered, so the schema is dropped after the app has closed.
  const databaseUrl = await testDatabaseUrl(t, opts.env?.DATABASE_URL ?? ':memory:')
  const smtp = await new TestSmtp().start()
  let fastify: FastifyInstance | undefined
  // Registered before the app boots: when booting fails (a bad setting, a migration error), the
  // SMTP server and the pool still close, instead of holding the test process open until its timeout.
  t.teardown(async () => {
    try {
      await fastify?.close()
    } finally {
      await smtp.stop()
    }
  })
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Xtractor Interactive AB <dsr@xtractor.se>',
    LIMIT_IP_PER_HOUR: '1000',
    ...opts.env,
    DATABASE_URL: databaseUrl,
  })
  const clock = opts.clock ?? testClock()
  const options = fastifyOptions(config)
  if (opts.logStream) options.logger = { ...(options.logger as object), stream: opts.logStream }
  fastify = Fastify(options)
  opts.beforeRegister?.(fastify)
  await fastify.register(app, { config, now: clock.now, background: opts.background ?? false, ...opts.app })
  await fastify.ready()
  return { app: fastify, smtp, config, clock, flushMail: () => fastify.outbox.drain() }
}

/** Cookie jar for app.inject: keeps what the server set, like a browser. */
export class Jar {
  private cookies = new Map<string, string>()
  store(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string }>) this.cookies.set(c.name, c.value)
  }
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  get(name: string): string | undefined {
    return this.cookies.get(name)
  }
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!m) throw new Error('no CSRF field in page')
  return m[1]
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

/** GETs a form page and POSTs it back with the CSRF field, as a browser would. */
export async function submitForm(
  app: FastifyInstance,
  jar: Jar,
  path: string,
  fields: Record<string, string>,
  opts: { postPath?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const page = await app.inject({ method: 'GET', url: path, headers: { cookie: jar.header, ...opts.headers } })
  jar.store(page)
  const res = await app.inject({
    method: 'POST',
    url: opts.postPath ?? path.split('?')[0],
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    payload: form({ _csrf: csrfFrom(page.body), ...fields }),
  })
  jar.store(res)
  return res
}
