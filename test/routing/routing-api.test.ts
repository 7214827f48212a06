import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

t.test('public cases land in the seeded teams by the default rules; case JSON says team and routedBy', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const auth = { authorization: `Bearer ${await apiTokenFor(app, await createStaff(app, { role: 'viewer' }))}` }
  await app.db.updateTable('staff').set({ lang: 'en' }).execute() // the API answers in the member's language
  const expected: Array<[{ type?: string; relationship?: string }, string]> = [
    [{ type: 'access', relationship: 'candidate' }, 'recruitment'],
    [{ type: 'unsubscribe', relationship: 'other' }, 'marketing'],
    [{ type: 'objection' }, 'marketing'],
    [{ type: 'erasure', relationship: 'newsletter' }, 'marketing'],
    [{ type: 'access', relationship: 'customer_contact' }, 'customer_relations'],
    [{ type: 'access', relationship: 'supplier' }, 'data_protection'],
    [{ type: 'question' }, 'data_protection'],
  ]
  for (const [input, team] of expected) {
    const { case: c } = await openCase(ctx, input)
    const json = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })).json()
    t.equal(json.team, team, `${JSON.stringify(input)} → ${team}`)
    t.ok(json.routedBy && typeof json.routedBy.reason === 'string' && json.routedBy.reason.length > 10, 'routedBy has a reason')
  }
  const last = (await app.inject({ url: '/api/v1/cases?type=question', headers: auth })).json().items[0]
  t.match(last, { team: 'data_protection', routedBy: { ruleId: null, rule: 'default', reason: /No rule matched/ } })
  const routed = await app.db.selectFrom('audit_log').select('action').where('action', '=', 'case.route').execute()
  t.equal(routed.length, expected.length, 'every routing is audited')
  const teams = (await app.inject({ url: '/api/v1/teams', headers: auth })).json()
  t.same(teams.items.map((x: { key: string }) => x.key).sort(), ['customer_relations', 'data_protection', 'marketing', 'recruitment'])
  t.match(teams.items.find((x: { key: string }) => x.key === 'marketing'), { openCases: 2, default: false, members: [] }) // the unsubscribe was carried out and completed at once
  t.match(teams.warnings, [{ code: 'team_without_members', message: String }], 'empty teams are pointed out')
})

t.test('admins manage teams and rules through the API; the dry run answers {rule, team, assignee}', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const admin = await createStaff(app, { role: 'admin' })
  const anna = await createStaff(app, { role: 'handler', email: 'anna@xtractor.se', name: 'Anna' })
  const bo = await createStaff(app, { role: 'handler', email: 'bo@xtractor.se', name: 'Bo' })
  const viewer = await createStaff(app, { role: 'viewer', email: 'vera@xtractor.se' })
  const auth = { authorization: `Bearer ${await apiTokenFor(app, admin)}` }
  const vauth = { authorization: `Bearer ${await apiTokenFor(app, viewer)}` }
  const hauth = { authorization: `Bearer ${await apiTokenFor(app, anna)}` }
  await app.db.updateTable('staff').set({ lang: 'en' }).execute()

  const created = await app.inject({ method: 'POST', url: '/api/v1/teams', headers: auth, payload: { name: 'Events & resor', members: ['anna@xtractor.se', 'BO@xtractor.se'] } })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { key: 'events_resor', members: [{ email: 'anna@xtractor.se' }, { email: 'bo@xtractor.se' }] })
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/teams', headers: hauth, payload: { name: 'X' } })).statusCode, 403, 'handlers cannot make teams')
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/routing-rules', headers: vauth, payload: { name: 'X', action: 'team', team: 'marketing' } })).statusCode, 403)

  const rule = await app.inject({ method: 'POST', url: '/api/v1/routing-rules', headers: auth, payload: { name: 'Event', conditions: { relationships: ['event_participant'] }, action: 'round_robin', team: 'events_resor' } })
  t.equal(rule.statusCode, 201)
  t.match(rule.json(), { name: 'Event', position: 7, action: 'round_robin', team: 'events_resor', enabled: true })

  const dry = await app.inject({ method: 'POST', url: '/api/v1/routing-rules/test', headers: vauth, payload: { type: 'erasure', relationship: 'event_participant' } })
  t.match(dry.json(), { rule: { id: rule.json().id, name: 'Event' }, team: { key: 'events_resor' }, assignee: { email: 'anna@xtractor.se' }, reason: /Event/ })
  t.match((await app.inject({ method: 'POST', url: '/api/v1/routing-rules/test', headers: vauth, payload: { type: 'access', relationship: 'supplier' } })).json(), { rule: null, team: { key: 'data_protection' }, assignee: null })

  // Round-robin over real cases, then fewest-open.
  const assignees: string[] = []
  for (let i = 0; i < 3; i++) {
    const { case: c } = await openCase(ctx, { type: 'erasure', relationship: 'event_participant' })
    assignees.push((await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })).json().assignee)
  }
  t.same(assignees, ['anna@xtractor.se', 'bo@xtractor.se', 'anna@xtractor.se'], 'round-robin takes turns')
  const put = await app.inject({ method: 'PUT', url: `/api/v1/routing-rules/${rule.json().id}`, headers: auth, payload: { name: 'Event', conditions: { relationships: ['event_participant'] }, action: 'fewest_open', team: 'events_resor' } })
  t.equal(put.statusCode, 200)
  const { case: next } = await openCase(ctx, { type: 'erasure', relationship: 'event_participant' })
  t.equal((await app.inject({ url: `/api/v1/cases/${next.id}`, headers: auth })).json().assignee, 'bo@xtractor.se', 'Bo has fewer open cases')

  // The whole ordered list at once.
  const list = (await app.inject({ url: '/api/v1/routing-rules', headers: vauth })).json().items
  const reordered = [list[list.length - 1], ...list.slice(0, -1)].map(({ id: _id, position: _p, ...r }: Record<string, unknown>) => r)
  const replaced = await app.inject({ method: 'PUT', url: '/api/v1/routing-rules', headers: auth, payload: { rules: reordered } })
  t.equal(replaced.statusCode, 200)
  t.equal(replaced.json().items[0].name, 'Event', 'the order given is the order used')
  const bare = await app.inject({ method: 'PUT', url: '/api/v1/routing-rules', headers: auth, payload: reordered.slice(0, 2) })
  t.equal(bare.json().items.length, 2, 'a bare array works too')

  const assign = await app.inject({ method: 'POST', url: '/api/v1/routing-rules', headers: auth, payload: { name: 'Leverantörer till Bo', conditions: { relationships: ['supplier'] }, action: 'assign', assignee: 'bo@xtractor.se' } })
  t.equal(assign.statusCode, 201)
  const { case: sup } = await openCase(ctx, { type: 'access', relationship: 'supplier' })
  t.match((await app.inject({ url: `/api/v1/cases/${sup.id}`, headers: auth })).json(), { assignee: 'bo@xtractor.se', team: 'events_resor' }, "a person-only rule puts the case in the person's team")

  // Bo leaves: his open cases go back to their team queue, and his rule falls back to the queue with a reason.
  await app.staffService.accounts.disable(bo.id, { type: 'staff', id: admin.id })
  const released = (await app.inject({ url: `/api/v1/cases/${sup.id}`, headers: auth })).json()
  t.match(released, { assignee: null, team: 'events_resor' })
  const { case: after } = await openCase(ctx, { type: 'access', relationship: 'supplier' })
  const afterJson = (await app.inject({ url: `/api/v1/cases/${after.id}`, headers: auth })).json()
  t.match(afterJson, { assignee: null, team: 'data_protection', routedBy: { rule: 'Leverantörer till Bo', reason: /disabled/ } }, 'no case is left without a queue')
  const warnings = (await app.inject({ url: '/api/v1/routing-rules', headers: auth })).json().warnings
  t.ok(warnings.some((w: { code: string }) => w.code === 'rule_inactive_person'), 'the rule naming a disabled person is pointed out')
  for (const action of ['team.create', 'routing.rule.create', 'routing.rule.update', 'routing.rules.replace']) {
    t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', action).where('actor_id', '=', admin.id).executeTakeFirst(), `${action} audited`)
  }
})

t.test('bad input: clear 4xx messages, never a 5xx', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const admin = await createStaff(app, { role: 'admin' })
  const viewer = await createStaff(app, { role: 'viewer', email: 'v@xtractor.se' })
  const auth = { authorization: `Bearer ${await apiTokenFor(app, admin)}` }
  await app.db.updateTable('staff').set({ lang: 'en' }).execute()
  const a = await app.inject({ method: 'POST', url: '/api/v1/teams', headers: auth, payload: { name: 'A' } })
  const b = await app.inject({ method: 'POST', url: '/api/v1/teams', headers: auth, payload: { name: 'B', escalatesTo: 'a' } })
  t.equal(b.statusCode, 201)
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['POST', '/api/v1/routing-rules', { name: 'Never', conditions: { types: [] }, action: 'team', team: 'marketing' }, 400, /never match/],
    ['POST', '/api/v1/routing-rules', { name: 'Never', conditions: { types: ['access'], consents: ['newsletter'] }, action: 'team', team: 'marketing' }, 400, /never match/],
    ['POST', '/api/v1/routing-rules', { name: 'X', action: 'team', team: 'nope' }, 400, /no team with the key/],
    ['POST', '/api/v1/routing-rules', { name: 'X', action: 'team' }, 400, /Choose the team/],
    ['POST', '/api/v1/routing-rules', { name: 'X', action: 'assign', assignee: 'ghost@xtractor.se' }, 400, /No staff member/],
    ['POST', '/api/v1/routing-rules', { name: 'X', action: 'teleport', team: 'a' }, 400, /fel|errors/],
    ['PUT', '/api/v1/routing-rules/99999', { name: 'X', action: 'team', team: 'a' }, 404, /does not exist/],
    ['PUT', '/api/v1/routing-rules', { rules: [{ name: 'ok', action: 'team', team: 'a' }, { name: 'bad', conditions: { words: [''] }, action: 'team', team: 'a' }] }, 400, /Rule 2: .*never match/],
    ['PUT', `/api/v1/teams/${a.json().id}`, { name: 'A', escalatesTo: 'b' }, 409, /circle: A → B → A|circle: B → A → B/],
    ['PUT', '/api/v1/teams/data_protection', { name: 'Dataskydd', default: false }, 409, /must be a default team/],
    ['PUT', '/api/v1/teams/nope', { name: 'X' }, 404, /no team/],
    ['POST', '/api/v1/teams', { name: 'C', members: ['v@xtractor.se'] }, 400, /viewer/],
    ['POST', '/api/v1/teams', { name: 'A' }, 409, /already exists/],
    ['POST', '/api/v1/teams', { name: '' }, 400, /name/],
    ['POST', '/api/v1/routing-rules/test', { type: 'bogus' }, 400, /fel|errors/],
  ]
  for (const [method, url, payload, status, message] of cases) {
    const res = await app.inject({ method: method as 'POST', url, payload: payload as object, headers: auth })
    t.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(payload)}`)
    t.match(res.json(), { error: String, message }, `${method} ${url}: message`)
  }
  t.equal((await app.db.selectFrom('routing_rules').select('id').execute()).length, 6, 'nothing half-saved')
  const extra = await app.inject({ method: 'POST', url: '/api/v1/routing-rules', headers: auth, payload: { name: 'Extra', action: 'team', team: 'a' } })
  const gone = await app.inject({ method: 'DELETE', url: `/api/v1/routing-rules/${extra.json().id}`, headers: auth })
  t.equal(gone.statusCode, 204)
  t.equal(gone.body, '', 'a deleted rule answers with no body')
  const bad = await app.inject({ method: 'DELETE', url: '/api/v1/routing-rules/x1', headers: auth })
  t.match(bad, { statusCode: 404 })
  t.match(bad.json(), { error: 'not_found', message: 'The rule does not exist.' })
  await app.db.updateTable('staff').set({ lang: 'sv' }).execute()
  const sv = await app.inject({ method: 'PUT', url: '/api/v1/routing-rules', headers: { ...auth, 'accept-language': 'en' }, payload: [{ name: 'X', action: 'team', team: 'nope' }] })
  t.match(sv.json(), { error: 'unknown_team', message: 'Regel 1: Det finns inget team med nyckeln ”nope”.', fields: { '0.team': 'Regel 1: Det finns inget team med nyckeln ”nope”.' } }, "a rule's error in the member's language, whatever the headers say")
  void viewer
})
