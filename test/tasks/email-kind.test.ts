import t from 'tap'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { linkIn } from '../helpers/smtp.js'
import { createStaff } from '../helpers/staff.js'

/**
 * An `email` system: the supplier gets the request through the outbox and the real SMTP server,
 * follows its one-time link and answers; a supplier who does not answer is reminded with a fresh link.
 */
t.test('an email supplier answers by its link; a silent one is reminded', async (t) => {
  const supplier = 'dpo@vendor.example'
  const ctx = await buildTestApp(t, { app: { systemConfig: async (_db, key) => (key === 'vendor' ? { to: supplier } : null) } })
  const { app, smtp, clock } = ctx
  const at = app.clock().toISOString()
  await app.db.insertInto('systems').values({ key: 'vendor', name: JSON.stringify({ sv: 'Leverantören', en: 'The vendor' }), kind: 'email', owner_team_id: null, data_categories: '[]', recipients: '[]', transfers: '[]', created_at: at, updated_at: at }).execute()

  async function answerPage(link: string) {
    const page = await app.inject({ url: new URL(link).pathname })
    const cookie = (page.cookies as Array<{ name: string; value: string }>).map((c) => `${c.name}=${c.value}`).join('; ')
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
    const post = (fields: Record<string, string>) =>
      app.inject({ method: 'POST', url: new URL(link).pathname, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString() })
    return { page, post }
  }
  const toSupplier = () => smtp.received.filter((m) => m.envelopeTo.includes(supplier))

  const { case: c } = await openCase(ctx, { type: 'access', lang: 'en' })
  t.same(await app.tasks.runDue(), { done: 0, later: 1, retried: 0, failed: 0 })
  await ctx.flushMail()
  const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes(supplier))
  t.match(mail.parsed.subject, new RegExp(`Personal data request, case ${c.reference}`), "in the case's language")
  t.match(mail.parsed.text, new RegExp(c.email.replace('.', '\\.')))
  const link = linkIn(mail.parsed.text, `${PUBLIC_URL}/tasks/respond/`)
  const stored = await app.db.selectFrom('case_tasks').select('callback_token_hash').where('case_id', '=', c.id).where('system_key', '=', 'vendor').executeTakeFirstOrThrow()
  t.not(stored.callback_token_hash, link.split('/').pop(), 'only the hash is stored')

  const { page, post } = await answerPage(link)
  t.equal(page.statusCode, 200)
  t.match(page.body, c.reference)
  const refused = await post({ note: 'Sökte i CRM' })
  t.equal(refused.statusCode, 400, 'an outcome must be chosen')
  t.match(refused.body, /Sökte i CRM/, 'what was typed comes back')
  t.equal((await post({ outcome: 'not_found', note: 'Sökte i CRM' })).statusCode, 200)
  t.equal((await app.inject({ url: new URL(link).pathname })).statusCode, 404, 'the link works once')
  const task = (await app.tasks.list(c.id)).find((x) => x.system === 'vendor')!
  t.equal(task.status, 'not_found')
  t.equal(task.result?.message, 'Sökte i CRM')

  // An erasure: emailed after approval; five days of silence bring a reminder with a fresh link.
  const handler = await createStaff(app, { role: 'handler' })
  const { case: e } = await openCase(ctx, { type: 'erasure' })
  const approved = await app.tasks.approve(handler, e.id)
  t.equal(approved.find((x) => x.system === 'vendor')?.planSummary, `email: ${supplier}`)
  await app.tasks.runDue()
  await ctx.flushMail()
  await smtp.waitFor((m) => m.envelopeTo.includes(supplier), 2)
  const first = linkIn(toSupplier()[1].parsed.text, `${PUBLIC_URL}/tasks/respond/`)
  t.match(toSupplier()[1].parsed.subject, /Begäran om personuppgifter/)
  clock.advance(4 * 86_400_000)
  t.equal(await app.tasks.remindSuppliers(), 0, 'not before TASK_REMINDER_DAYS')
  clock.advance(2 * 86_400_000)
  t.equal(await app.tasks.remindSuppliers(), 1)
  t.equal(await app.tasks.remindSuppliers(), 0, 'once per period')
  await ctx.flushMail()
  await smtp.waitFor((m) => m.envelopeTo.includes(supplier), 3)
  const reminder = toSupplier()[2]
  t.match(reminder.parsed.subject, /Påminnelse/)
  const fresh = linkIn(reminder.parsed.text, `${PUBLIC_URL}/tasks/respond/`)
  t.equal((await app.inject({ url: new URL(first).pathname })).statusCode, 404, 'the old link is replaced')
  t.equal((await (await answerPage(fresh)).post({ outcome: 'completed' })).statusCode, 200)
  t.equal((await app.tasks.list(e.id)).find((x) => x.system === 'vendor')?.status, 'completed')
})
