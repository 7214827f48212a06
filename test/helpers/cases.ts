import type { FastifyInstance } from 'fastify'
import type { TestApp } from './app.js'
import type { Lang } from '../../src/i18n/index.js'

/** A staff row without going through accounts (tests of case work do not need a password). */
export async function insertStaff(app: FastifyInstance, role: 'admin' | 'handler' | 'viewer', email = `${role}-${Math.random().toString(36).slice(2, 8)}@xtractor.se`, lang: Lang = 'sv') {
  const at = app.clock().toISOString()
  const row = await app.db
    .insertInto('staff')
    .values({ email, email_key: email.toLowerCase(), name: `${role[0].toUpperCase()}${role.slice(1)} Person`, role, password_hash: 'x', lang, created_at: at, updated_at: at })
    .returning(['id', 'email', 'name', 'role'])
    .executeTakeFirstOrThrow()
  return { ...row, lang }
}

/** A case opened through the public portal's own flow: submit, then confirm. */
export async function openCase(ctx: TestApp, input: { type?: string; email?: string; name?: string; relationship?: string; lang?: Lang } = {}) {
  const { app, smtp } = ctx
  const email = input.email ?? `person-${Math.random().toString(36).slice(2, 8)}@example.se`
  await app.intake.submit(
    { type: (input.type ?? 'access') as never, email, name: input.name ?? 'Test Person', relationship: (input.relationship ?? null) as never, consentKind: null, details: 'Details', incorrect: null, correct: null, keepData: false },
    { ip: '192.0.2.1', lang: input.lang ?? 'sv', channel: 'web' },
  )
  await ctx.flushMail()
  const mails = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/verify\//.test(m.parsed.text ?? ''))
  const token = /\/verify\/([A-Za-z0-9_-]{43})/.exec(mails[mails.length - 1].parsed.text ?? '')![1]
  const result = await app.intake.confirm(token)
  if (result.state !== 'confirmed') throw new Error('could not confirm: ' + result.state)
  return { case: result.case, statusToken: result.statusToken, email }
}

/** The requester answers on their status page, as the browser posts it (with the page's CSRF field). */
export async function postStatusReply(app: FastifyInstance, statusToken: string, reply: string, lang: Lang = 'sv') {
  const page = await app.inject({ url: `/status/${statusToken}?lang=${lang}` })
  const cookie = (page.cookies as Array<{ name: string; value: string }>).map((c) => `${c.name}=${c.value}`).join('; ')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  return app.inject({ method: 'POST', url: `/status/${statusToken}/reply`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, reply }).toString() })
}
