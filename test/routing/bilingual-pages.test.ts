import t, { type Test } from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'
import { sv } from '../../src/i18n/sv.js'
import { ruleLabel } from '../../src/routing/rule-names.js'

/** The staff pages an English-speaking administrator reads; account language en (it wins, issue 18). */
async function englishAdmin(t: Test) {
  const ctx = await buildTestApp(t)
  const admin = await createStaff(ctx.app, { role: 'admin' })
  await ctx.app.db.updateTable('staff').set({ lang: 'en' }).where('id', '=', admin.id).execute()
  const jar = new Jar()
  await loginAs(ctx.app, jar, admin)
  const get = (url: string) => ctx.app.inject({ url, headers: { cookie: jar.header } })
  return { ...ctx, admin, jar, get }
}

const SEEDED_SV = ['Jobbsökande → Rekrytering', 'Samtycke rekrytering → Rekrytering', 'Nyhetsbrev → Marknadsföring', 'Avregistrering och invändning → Marknadsföring', 'Samtycke nyhetsbrev → Marknadsföring', 'Kundkontakter → Kundrelationer']

t.test('issue 18: the seeded rule names read in English on English pages; the stored names and the API are unchanged', async (t) => {
  const { app, admin, get } = await englishAdmin(t)
  const stored = (await app.db.selectFrom('routing_rules').select('name').orderBy('position').execute()).map((r) => r.name)
  t.same(stored, SEEDED_SV, 'the migration’s names are stored as they were')
  t.same(Object.values(sv.routing.seededRules), SEEDED_SV, 'the Swedish catalogue names each seeded rule as stored, so Swedish pages are unchanged')

  const rules = await get('/staff/admin/routing')
  for (const name of ['Job seekers → Recruitment', 'Recruitment consent → Recruitment', 'Newsletter → Marketing', 'Unsubscribes and objections → Marketing', 'Newsletter consent → Marketing', 'Customer contacts → Customer relations']) {
    t.ok(rules.body.includes(name), `the rules page names “${name}”`)
  }
  for (const name of SEEDED_SV) t.notOk(rules.body.includes(name), `no Swedish “${name}” on the English page`)

  const rule = await app.db.selectFrom('routing_rules').select('id').where('name', '=', 'Jobbsökande → Rekrytering').executeTakeFirstOrThrow()
  const edit = await get(`/staff/admin/routing/${rule.id}`)
  t.match(edit.body, /<h1>Edit rule: Job seekers → Recruitment<\/h1>/)
  t.match(edit.body, /value="Jobbsökande → Rekrytering"/, 'the form edits the stored name')

  const dry = await get('/staff/routing/test?type=withdraw_consent&consent=recruitment&channel=web')
  t.match(dry.body, /Recruitment consent → Recruitment/)
  t.notMatch(dry.body, /Samtycke rekrytering/, 'nor in the dry run’s result and reason')

  const api = await app.inject({ url: '/api/v1/routing-rules', headers: { authorization: `Bearer ${await apiTokenFor(app, admin)}` } })
  t.same(api.json().items.map((r: { name: string }) => r.name), SEEDED_SV, 'the API’s name field is the stored name')

  t.equal(ruleLabel('en', 'Faktura-ord'), 'Faktura-ord', 'a name an administrator wrote is shown as written')
  t.equal(ruleLabel('en', 'constructor'), 'constructor', 'only the seeded names are looked up')
})

t.test('issue 18: a case routed by a seeded rule gives its reason with the rule named in each language', async (t) => {
  const ctx = await buildTestApp(t)
  const { case: c } = await openCase(ctx, { type: 'access', relationship: 'candidate' })
  const routed = JSON.parse((await ctx.app.cases.get(c.id)).routed_by ?? '{}') as { rule: string; reason: { sv: string; en: string } }
  t.equal(routed.rule, 'Jobbsökande → Rekrytering', 'the stored rule name is unchanged')
  t.match(routed.reason.sv, /Jobbsökande → Rekrytering/)
  t.match(routed.reason.en, /Job seekers → Recruitment/)
  t.notMatch(routed.reason.en, /Jobbsökande/)
})

t.test('issue 18: routing warnings sit in a warning box, not the green “saved” box', async (t) => {
  const { get } = await englishAdmin(t)
  for (const path of ['/staff/admin/routing', '/staff/admin/teams']) {
    const page = await get(path)
    const box = /<div class="([^"]*)"[^>]*><h2>Needs a look<\/h2>/.exec(page.body)
    t.ok(box, `${path} shows its warnings`)
    t.match(box?.[1], /\bnotice-warning\b/, `${path}: the warnings use the warning box`)
    // .notice alone is the green box; .notice-warning turns it amber.
      t.notMatch(box?.[1], /\bnotice-success\b|^notice$/, `${path}: not the success box`)
  }
})

t.test('issue 18: counts take the singular for one, in both languages', async (t) => {
  const ctx = await englishAdmin(t)
  const { app, get } = ctx
  await openCase(ctx, { type: 'access' }) // no rule: the default team (data protection), one open case
  const teams = await get('/staff/admin/teams')
  t.match(teams.body, /\b1 open case\b/)
  t.notMatch(teams.body, /\b1 open cases\b/)
  t.match(teams.body, /\b0 open cases\b/, 'zero takes the plural')
  await app.db.updateTable('staff').set({ lang: 'sv' }).execute()
  const sv = await get('/staff/admin/teams')
  t.match(sv.body, /\b1 öppet ärende\b/)
  t.notMatch(sv.body, /\b1 öppna ärenden\b/)
  t.match(sv.body, /\b0 öppna ärenden\b/)
  // An escalated case in the queue's per-team counts.
  await app.db.updateTable('cases').set({ escalated_at: app.clock().toISOString(), escalation_reason: 'unassigned' }).execute()
  t.match((await get('/staff?team=all')).body, /\(1 eskalerat\)/)
  t.match((await get('/staff/escalation?ran=1')).body, /1 ärende eskalerades\./)
  await app.db.updateTable('staff').set({ lang: 'en' }).execute()
  t.match((await get('/staff?team=all')).body, /\(1 escalated\)/)
  t.match((await get('/staff/escalation?ran=1')).body, /1 case was escalated\./)
  t.match((await get('/staff/escalation?ran=2')).body, /2 cases were escalated\./)
})

t.test('issue 18: the escalation page says a case already in the escalation team stays there, not "Data protection → Data protection"', async (t) => {
  const ctx = await englishAdmin(t)
  const { case: c } = await openCase(ctx, { type: 'access' }) // no rule matches: the default team, which is also the escalation team
  const { case: m } = await openCase(ctx, { type: 'erasure', relationship: 'newsletter' }) // marketing
  ctx.clock.advance(49 * 3_600_000)
  await loginAs(ctx.app, ctx.jar, ctx.admin) // the session timed out while the clock moved
  const page = await ctx.get('/staff/escalation')
  const row = (ref: string) => new RegExp(`${ref}</a></td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>`).exec(page.body)?.slice(1)
  t.same(row(c.reference), ['Dataskydd / Data protection', 'Stays in the team, marked as escalated'])
  t.same(row(m.reference), ['Marknadsföring / Marketing', 'Dataskydd / Data protection'], 'another team’s case names where it goes')
})
