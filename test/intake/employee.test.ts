import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

// Issue 15 §7: (former) employees are data subjects of Xtractor as employer (the privacy policy:
// "Anställda och underkonsulter", Art. 6(1)(b)); they pick their own relationship on the forms.

t.test('the employee relationship is offered on the forms and the API, and routed to the default team unless a rule says otherwise', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const sv = await app.inject({ url: '/request/access?lang=sv' })
  t.match(sv.body, '<option value="employee"')
  t.match(sv.body, 'Anställd eller tidigare anställd')
  const en = await app.inject({ url: '/request/access?lang=en' })
  t.match(en.body, 'Employee or former employee')

  const res = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'fd.anstalld@example.se', relationship: 'employee' } })
  t.equal(res.statusCode, 202)
  const { case: c } = await openCase(ctx, { type: 'access', relationship: 'employee' })
  t.equal(c.relationship, 'employee')
  const defaultTeam = await app.db.selectFrom('teams').select('id').where('is_default', '=', 1).executeTakeFirstOrThrow()
  const routed = await app.db.selectFrom('cases').select('team_id').where('id', '=', c.id).executeTakeFirstOrThrow()
  t.equal(routed.team_id, defaultTeam.id, 'no rule: the default team')

  const admin = await createStaff(app, { role: 'admin' })
  const auth = { authorization: `Bearer ${await apiTokenFor(app, admin)}` }
  const team = await app.db.selectFrom('teams').select(['id', 'key']).where('is_default', '=', 0).executeTakeFirstOrThrow()
  const rule = await app.inject({ method: 'POST', url: '/api/v1/routing-rules', headers: auth, payload: { name: 'HR', conditions: { relationships: ['employee'] }, action: 'team', team: team.key } })
  t.equal(rule.statusCode, 201, rule.body)
  const { case: next } = await openCase(ctx, { type: 'erasure', relationship: 'employee' })
  const routedNext = await app.db.selectFrom('cases').select('team_id').where('id', '=', next.id).executeTakeFirstOrThrow()
  t.equal(routedNext.team_id, team.id, 'a rule on employee routes it')

  // The data map ties the relationship to the employment purpose.
  t.ok((await app.dataMap.purposes()).some((p) => p.relationships.includes('employee') && /anställda/i.test(p.dataSubjects.sv)))
})
