import type { TestApp } from './app.js'
import { Jar, submitForm } from './app.js'
import { openCase } from './cases.js'
import { codeIn } from './package.js'
import { linkIn } from './smtp.js'
import { apiTokenFor, createStaff } from './staff.js'

/** An access case taken through compile, review and send over the staff API; returns the requester's status path. */
export async function sentPackage(ctx: TestApp, input: { email?: string; name?: string; lang?: 'sv' | 'en' } = {}) {
  const { app, smtp } = ctx
  const staff = await createStaff(app, { role: 'handler' })
  const token = await apiTokenFor(app, staff)
  const { case: c, email } = await openCase(ctx, { type: 'access', ...input })
  const auth = { authorization: `Bearer ${token}` }
  for (const step of ['compile', 'review', 'send']) {
    const res = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/${step}`, headers: auth })
    if (res.statusCode >= 300) throw new Error(`${step}: ${res.statusCode} ${res.body}`)
  }
  await ctx.flushMail()
  const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/status\//.test(m.parsed.text ?? '') && m.parsed.subject !== undefined && /kopia|copy/i.test(m.parsed.subject))
  const statusPath = new URL(linkIn(mail.parsed.text, `${ctx.config.publicUrl}/status/`)).pathname
  return { case: c, email, statusPath, token, staff }
}

/** The requester asks for a code on their package page and reads it from the email. */
export async function askCode(ctx: TestApp, jar: Jar, statusPath: string, email: string) {
  const before = ctx.smtp.to(email).length
  const res = await submitForm(ctx.app, jar, `${statusPath}/package`, {}, { postPath: `${statusPath}/package/code` })
  if (res.statusCode !== 303) return { res, code: null }
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes(email), before + 1)
  return { res, code: codeIn(mails[mails.length - 1].parsed.text) }
}

export async function enterCode(ctx: TestApp, jar: Jar, statusPath: string, code: string) {
  return submitForm(ctx.app, jar, `${statusPath}/package`, { code }, { postPath: `${statusPath}/package/download` })
}
