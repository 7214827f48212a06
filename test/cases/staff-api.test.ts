import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

t.test('staff API: roles × routes', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const { case: c } = await openCase(ctx)
  const tokens: Record<string, string> = {}
  for (const role of ['viewer', 'handler', 'admin'] as const) tokens[role] = await apiTokenFor(app, await createStaff(app, { role }))
  const routes: Array<{ method: 'GET' | 'POST'; url: string; payload?: object; min: 'viewer' | 'handler' }> = [
    { method: 'GET', url: '/api/v1/cases', min: 'viewer' },
    { method: 'GET', url: `/api/v1/cases/${c.id}`, min: 'viewer' },
    { method: 'GET', url: '/api/v1/deadlines?receivedAt=2026-03-05', min: 'viewer' },
    { method: 'POST', url: `/api/v1/cases/${c.id}/notes`, payload: { text: 'note' }, min: 'handler' },
    { method: 'POST', url: `/api/v1/cases/${c.id}/assign`, payload: { assignee: null }, min: 'handler' },
    { method: 'POST', url: '/api/v1/cases', payload: { type: 'access', email: 'x@example.se', channel: 'phone', receivedAt: '2026-11-20' }, min: 'handler' },
  ]
  for (const r of routes) {
    const anon = await app.inject({ method: r.method, url: r.url, payload: r.payload })
    t.equal(anon.statusCode, 401, `anonymous ${r.method} ${r.url}`)
    t.match(anon.json(), { error: 'unauthorized', message: String })
    const bad = await app.inject({ method: r.method, url: r.url, payload: r.payload, headers: { authorization: 'Bearer dsr_nonsense' } })
    t.equal(bad.statusCode, 401, `bad token ${r.url}`)
    for (const role of ['viewer', 'handler', 'admin'] as const) {
      const res = await app.inject({ method: r.method, url: r.url, payload: r.payload, headers: { authorization: `Bearer ${tokens[role]}` } })
      const allowed = role !== 'viewer' || r.min === 'viewer'
      t.equal(res.statusCode, allowed ? (r.url === '/api/v1/cases' && r.method === 'POST' ? 201 : 200) : 403, `${role} ${r.method} ${r.url}`)
      if (!allowed) t.match(res.json(), { error: 'forbidden' })
    }
  }
})

t.test('staff API: work a case from assignment to completion', async (t) => {
  const ctx = await buildTestApp(t)
  const { app, smtp, flushMail } = ctx
  const handler = await createStaff(app, { role: 'handler', email: 'handlaggare@xtractor.se' })
  const auth = { authorization: `Bearer ${await apiTokenFor(app, handler)}` }
  const { case: c } = await openCase(ctx, { email: 'kalle@example.se', name: 'Kalle' })

  const got = await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })
  t.match(got.json(), { id: c.id, reference: c.reference, type: 'access', status: 'new', email: 'kalle@example.se', name: 'Kalle', channel: 'web', dueDate: '2026-12-28', strictDueDate: '2026-12-28', extended: false, pausedDays: 0, daysLeft: 33, assignee: null })
  t.equal(got.headers['cache-control'], 'no-store')
  t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.view').where('case_id', '=', c.id).executeTakeFirst(), 'the view is audited')

  const assigned = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/assign`, headers: auth, payload: { assignee: 'HANDLAGGARE@xtractor.se' } })
  t.equal(assigned.json().assignee, 'handlaggare@xtractor.se')
  const nobody = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/assign`, headers: auth, payload: { assignee: 'ghost@xtractor.se' } })
  t.equal(nobody.statusCode, 400)
  t.match(nobody.json(), { error: 'invalid_assignee', message: String })

  const mine = await app.inject({ url: '/api/v1/cases?assignee=me', headers: auth })
  t.same(mine.json().items.map((i: { id: number }) => i.id), [c.id])
  const none = await app.inject({ url: '/api/v1/cases?assignee=unassigned', headers: auth })
  t.same(none.json().items, [])

  const forbidden = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/status`, headers: auth, payload: { status: 'completed' } })
  t.equal(forbidden.statusCode, 409, 'new → completed is not a transition')
  t.match(forbidden.json(), { error: 'forbidden_transition', message: String })
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/status`, headers: auth, payload: { status: 'in_progress' } })).json().status, 'in_progress')

  const msg = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/messages`, headers: auth, payload: { template: 'answer', text: 'Här är era uppgifter.' } })
  t.equal(msg.statusCode, 200)
  await flushMail()
  const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes('kalle@example.se') && /Svar i ditt ärende/.test(m.parsed.subject ?? ''))
  t.match(mail.parsed.text, /Här är era uppgifter\./)

  const ext = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/extend`, headers: auth, payload: { reason: 'Komplex begäran' } })
  t.match(ext.json(), { extended: true, dueDate: '2027-02-25', strictDueDate: '2027-02-25' })
  const ext2 = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/extend`, headers: auth, payload: { reason: 'Igen' } })
  t.equal(ext2.statusCode, 409)
  t.match(ext2.json(), { error: 'extension_refused' })

  const done = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/status`, headers: auth, payload: { status: 'completed' } })
  t.match(done.json(), { status: 'completed', closedAt: String })
  const open = await app.inject({ url: '/api/v1/cases', headers: auth })
  t.same(open.json().items, [], 'closed cases leave the default (open) queue')
  const all = await app.inject({ url: '/api/v1/cases?status=all', headers: auth })
  t.equal(all.json().items.length, 1)
})

t.test('staff API: bad input gets 400/404 with {error, message}, never a 5xx', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const auth = { authorization: `Bearer ${await apiTokenFor(app, await createStaff(app, { role: 'handler' }))}` }
  const { case: c } = await openCase(ctx)
  const cases: Array<[string, string, object | undefined, number]> = [
    ['GET', '/api/v1/cases/999999', undefined, 404],
    ['GET', '/api/v1/cases/abc', undefined, 404],
    ['GET', '/api/v1/cases?status=bogus', undefined, 400],
    ['GET', '/api/v1/cases?cursor=%%%garbage', undefined, 400],
    ['GET', '/api/v1/cases?sort=sideways', undefined, 400],
    ['GET', '/api/v1/deadlines?receivedAt=2026-02-30', undefined, 400],
    ['GET', '/api/v1/deadlines?receivedAt=2026-03-05&months=2', undefined, 400],
    ['POST', '/api/v1/cases', { type: 'access', email: 'x@example.se', channel: 'phone', receivedAt: '2099-01-01' }, 400],
    ['POST', '/api/v1/cases', { type: 'access', email: 'x@example.se', channel: 'web', receivedAt: '2026-01-01' }, 400],
    ['POST', '/api/v1/cases', { type: 'access', email: 'not-an-email', channel: 'phone', receivedAt: '2026-01-01' }, 400],
    ['POST', '/api/v1/cases', { type: 'access', email: 'x@example.se', channel: 'phone', receivedAt: '2026-01-01', extra: true }, 400],
    ['POST', `/api/v1/cases/${c.id}/status`, { status: 'rejected' }, 400],
    ['POST', `/api/v1/cases/${c.id}/status`, { status: 'nonsense' }, 400],
    ['POST', `/api/v1/cases/${c.id}/notes`, { text: '' }, 400],
    ['POST', `/api/v1/cases/${c.id}/messages`, {}, 400],
    ['POST', '/api/v1/cases/999999/notes', { text: 'x' }, 404],
  ]
  for (const [method, url, payload, status] of cases) {
    const res = await app.inject({ method: method as 'GET' | 'POST', url, payload, headers: auth })
    t.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(payload ?? '')}`)
    t.match(res.json(), { error: String, message: String })
  }
  const calc = await app.inject({ url: '/api/v1/deadlines?receivedAt=2026-03-05&months=1', headers: auth })
  t.same(calc.json(), {
    receivedAt: '2026-03-05',
    months: 1,
    dueDate: '2026-04-07',
    skipped: [
      { date: '2026-04-05', reason: 'sunday', holiday: { sv: 'Påskdagen', en: 'Easter Sunday' } },
      { date: '2026-04-06', reason: 'holiday', holiday: { sv: 'Annandag påsk', en: 'Easter Monday' } },
    ],
  })
  const manual = await app.inject({ method: 'POST', url: '/api/v1/cases', headers: auth, payload: { type: 'erasure', email: 'Brev@Example.se', name: 'Per', channel: 'letter', receivedAt: '2026-01-31' } })
  t.equal(manual.statusCode, 201)
  t.match(manual.json(), { channel: 'letter', receivedAt: '2026-01-31T12:00:00.000Z', dueDate: '2026-03-02', verifiedAt: null })
})
