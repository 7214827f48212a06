import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'
import type { Role } from '../../src/staff/roles.js'

/** The staff menu's links, in order, with their aria-current. */
function menu(html: string): Array<{ href: string; current: string | null }> {
  const nav = /<nav aria-label="[^"]*" class="staff-nav">([\s\S]*?)<\/nav>/.exec(html)
  if (!nav) return []
  return [...nav[1].matchAll(/<a href="([^"]+)"(?: aria-current="([^"]+)")?>/g)].map((m) => ({ href: m[1], current: m[2] ?? null }))
}

const EVERYONE = ['/staff', '/staff/registers', '/staff/reports', '/staff/deadlines', '/staff/escalation', '/staff/account']
const ADMIN_ONLY = ['/staff/admin/teams', '/staff/admin/routing', '/staff/admin/templates', '/staff/admin/staff']

t.test('issue 18: reports, the calculator and templates are in the staff menu, per role, with the current page marked', async (t) => {
  const { app } = await buildTestApp(t)
  for (const role of ['viewer', 'handler', 'admin'] as Role[]) {
    const jar = new Jar()
    await loginAs(app, jar, await createStaff(app, { role }))
    const queue = await app.inject({ url: '/staff', headers: { cookie: jar.header } })
    const links = menu(queue.body).map((l) => l.href)
    t.same(links.filter((h) => EVERYONE.includes(h)), EVERYONE, `${role}: the queue, registers, report, calculator, escalation and account`)
    t.same(links.filter((h) => ADMIN_ONLY.includes(h)), role === 'admin' ? ADMIN_ONLY : [], `${role}: the admin pages ${role === 'admin' ? 'too' : 'not'}`)
    for (const href of links) {
      const page = await app.inject({ url: href, headers: { cookie: jar.header } })
      t.equal(page.statusCode, 200, `${role} may open ${href}, which the menu offers`)
      const marked = menu(page.body).filter((l) => l.current !== null)
      t.same(marked, [{ href, current: 'page' }], `${href}: its own link, and only it, is aria-current="page"`)
    }
  }

  const jar = new Jar()
  await loginAs(app, jar, await createStaff(app, { role: 'admin' }))
  const rule = await app.db.selectFrom('routing_rules').select('id').executeTakeFirstOrThrow()
  const under = await app.inject({ url: `/staff/admin/routing/${rule.id}`, headers: { cookie: jar.header } })
  t.same(menu(under.body).filter((l) => l.current), [{ href: '/staff/admin/routing', current: 'true' }], 'a rule’s page marks the rules as the current section')
  const report = await app.inject({ url: '/staff/reports?year=2025', headers: { cookie: jar.header } })
  t.same(menu(report.body).filter((l) => l.current), [{ href: '/staff/reports', current: 'page' }], 'a query does not change the current page')
})

/** Every staff page an administrator opens with GET, as paths (with a case of each kind where a page needs one). */
async function staffPages(app: FastifyInstance, caseId: number): Promise<string[]> {
  const rule = await app.db.selectFrom('routing_rules').select('id').executeTakeFirstOrThrow()
  return [
    '/staff',
    '/staff?status=all&sort=received',
    '/staff/reports',
    '/staff/deadlines?receivedAt=2026-11-02',
    '/staff/admin/templates',
    '/staff/registers',
    '/staff/admin/routing',
    `/staff/admin/routing/${rule.id}`,
    '/staff/admin/teams',
    '/staff/routing/test?type=access',
    '/staff/escalation',
    '/staff/admin/staff',
    '/staff/account',
    '/staff/account/mfa',
    '/staff/cases/new',
    `/staff/cases/${caseId}`,
    `/staff/cases/${caseId}/package`,
    '/staff/no/such/page',
  ]
}

t.test('issue 18: signed in, the account’s language wins on every staff page, over Accept-Language, the language cookie and a form’s lang field', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const admin = await createStaff(app, { role: 'admin' })
  await app.db.updateTable('staff').set({ lang: 'en' }).where('id', '=', admin.id).execute()
  const jar = new Jar()
  await loginAs(app, jar, admin)
  const { case: c } = await openCase(ctx, { lang: 'sv' })
  // What a Swedish browser that has been on the public pages sends.
  const swedish = { 'accept-language': 'sv-SE,sv;q=0.9', cookie: `${jar.header}; lang=sv` }
  for (const path of await staffPages(app, c.id)) {
    const res = await app.inject({ url: path, headers: swedish })
    t.match(res.body, /<html lang="en">/, `${path} is in English`)
    t.equal(res.headers['content-language'], 'en', `${path}: Content-Language en`)
  }
  // The template editor's form names the language of the template it saves, not the page's.
  const saved = await staffForm(app, jar, '/staff/admin/templates', { key: 'answer', lang: 'sv', subject: '', body: 'x' })
  t.equal(saved.statusCode, 400)
  t.match(saved.body, /<html lang="en">/, 'a Swedish template sent back with an error: the page stays English')
  t.equal((await app.db.selectFrom('staff').select('lang').where('id', '=', admin.id).executeTakeFirstOrThrow()).lang, 'en', 'nothing but the switch changed the setting')
})

t.test('issue 18: the language switch changes the account setting, audited, and every later page follows it; the login page follows the browser', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const anonymous = await app.inject({ url: '/staff/login', headers: { 'accept-language': 'en-GB,en' } })
  t.match(anonymous.body, /<html lang="en">/, 'before signing in, the login page follows the browser')
  const jar = new Jar()
  await loginAs(app, jar, handler)
  const first = await app.inject({ url: '/staff/reports', headers: { cookie: jar.header, 'accept-language': 'en-GB,en' } })
  t.match(first.body, /<html lang="sv">/, 'signed in, the account’s Swedish wins over an English browser')

  const switched = await app.inject({ url: '/staff/reports?lang=en', headers: { cookie: jar.header } })
  t.match(switched.body, /<html lang="en">/)
  const row = await app.db.selectFrom('staff').select('lang').where('id', '=', handler.id).executeTakeFirstOrThrow()
  t.equal(row.lang, 'en', 'the switch stored the choice on the account')
  const audit = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.lang').execute()
  t.equal(audit.length, 1, 'the change is audited once')
  t.match(audit[0], { actor_type: 'staff', actor_id: handler.id, target: `staff:${handler.id}` })
  t.same(JSON.parse(audit[0].data ?? '{}'), { from: 'sv', to: 'en' })
  await app.inject({ url: '/staff/deadlines?lang=en', headers: { cookie: jar.header } })
  t.equal((await app.db.selectFrom('audit_log').select('id').where('action', '=', 'staff.lang').execute()).length, 1, 'choosing the language it already has changes and audits nothing')

  // Later pages, from a browser that says Swedish (header and cookie), stay English.
  for (const path of ['/staff', '/staff/account', '/staff/registers']) {
    const res = await app.inject({ url: path, headers: { cookie: `${jar.header}; lang=sv`, 'accept-language': 'sv' } })
    t.match(res.body, /<html lang="en">/, `${path} follows the account`)
  }
  const account = await app.inject({ url: '/staff/account', headers: { cookie: jar.header } })
  t.match(account.body, /<dt>Language<\/dt><dd>English/, 'the account page shows the setting')
})
