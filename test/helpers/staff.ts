import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { SYSTEM } from '../../src/staff/actor.js'
import type { Role } from '../../src/staff/roles.js'
import { csrfFrom, form, type Jar } from './app.js'

export interface TestStaff {
  id: number
  email: string
  password: string
  role: Role
}

let counter = 0

/**
 * Adds a staff member straight through the service (real Argon2id, about 50 ms).
 * Defaults: a unique address, a name, and a random password that passes the rules.
 */
export async function createStaff(app: FastifyInstance, opts: { email?: string; name?: string; role: Role; password?: string }): Promise<TestStaff> {
  counter += 1
  const email = opts.email ?? `staff${counter}-${randomBytes(3).toString('hex')}@xtractor.se`
  const password = opts.password ?? `lång test fras ${randomBytes(6).toString('hex')}`
  const id = await app.staffService.accounts.create({ email, name: opts.name ?? `Staff Member ${counter}`, role: opts.role, password }, SYSTEM)
  return { id, email, password, role: opts.role }
}

/**
 * Signs in through the real form at /staff/login, so `jar` ends up holding the `dsr_staff`
 * session cookie (and the device cookie). Throws if the login does not succeed; members with
 * TOTP are left at the code step (finish it with a POST to /staff/login/mfa).
 */
export async function loginAs(app: FastifyInstance, jar: Jar, staff: { email: string; password: string }, opts: { ip?: string } = {}): Promise<void> {
  const res = await staffForm(app, jar, '/staff/login', { email: staff.email, password: staff.password }, { ip: opts.ip })
  if (res.statusCode !== 303) throw new Error(`login failed with status ${res.statusCode}`)
}

/** A fresh API token acting as the member (send it as `Authorization: Bearer <token>`). */
export async function apiTokenFor(app: FastifyInstance, staff: { id: number }): Promise<string> {
  return app.staffService.accounts.createApiToken(staff.id, 'test', SYSTEM)
}

/**
 * Like submitForm (GET the form, POST it back with its `_csrf`), from a chosen client IP.
 * `csrfFrom` overrides where the token is read (e.g. another page with the same session).
 */
export async function staffForm(
  app: FastifyInstance,
  jar: Jar,
  path: string,
  fields: Record<string, string>,
  opts: { ip?: string; postPath?: string; formPath?: string } = {},
): Promise<LightMyRequestResponse> {
  const remoteAddress = opts.ip ?? '127.0.0.1'
  const page = await app.inject({ method: 'GET', url: opts.formPath ?? path, headers: { cookie: jar.header }, remoteAddress })
  jar.store(page)
  const res = await app.inject({
    method: 'POST',
    url: opts.postPath ?? path.split('?')[0],
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: csrfFrom(page.body), ...fields }),
    remoteAddress,
  })
  jar.store(res)
  return res
}
