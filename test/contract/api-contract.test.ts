import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff, openCase } from '../helpers/cases.js'
import { insertSubscriber, multipart, PDF } from '../helpers/package.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

/**
 * The JSON contract of /api/v1: every route is called on a seeded app, and the field paths of
 * its answers (keys, recursively; arrays by their first element) must all still be there.
 * `UPDATE_CONTRACT=1` records them into api-fields.json; a field may be added, never lost.
 */
const FIXTURE = join(import.meta.dirname, 'api-fields.json')
const UPDATE = process.env.UPDATE_CONTRACT === '1'

export function fieldPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [`${prefix}[]`, ...(value.length ? fieldPaths(value[0], `${prefix}[]`) : [])]
  if (value === null || typeof value !== 'object') return []
  const out: string[] = []
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k
    out.push(path, ...fieldPaths(v, path))
  }
  return out
}

t.test('every /api/v1 route keeps the fields of its JSON answers', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dsr-contract-'))
  const routes = new Set<string>()
  const ctx = await buildTestApp(t, {
    env: { DATA_DIR: dataDir },
    beforeRegister: (f) =>
      f.addHook('onRoute', (r) => {
        for (const m of [r.method].flat()) if (m !== 'HEAD' && r.url.startsWith('/api/v1/')) routes.add(`${m} ${r.url}`)
      }),
  })
  const { app, smtp } = ctx
  const admin = await createStaff(app, { role: 'admin', email: 'admin@xtractor.se' })
  await insertStaff(app, 'handler', 'handler@xtractor.se')
  const auth = { authorization: `Bearer ${await apiTokenFor(app, admin)}` }
  const answers: Record<string, string[]> = {}
  const covered = new Set<string>()

  async function call(route: string, url: string, opts: { payload?: unknown; headers?: Record<string, string>; anonymous?: boolean; label?: string; record?: false } = {}): Promise<LightMyRequestResponse> {
    const [method] = route.split(' ')
    const res = await app.inject({ method: method as 'GET', url, payload: opts.payload as never, headers: { ...(opts.anonymous ? {} : auth), ...opts.headers } })
    covered.add(route)
    t.ok(res.statusCode < 500, `${route}: ${res.statusCode}`)
    if (opts.record !== false && /json/.test(String(res.headers['content-type']))) {
      const key = `${route} ${res.statusCode}${opts.label ? ` ${opts.label}` : ''}`
      answers[key] = [...new Set([...(answers[key] ?? []), ...fieldPaths(res.json())])].sort()
    }
    return res
  }

  async function tokenFor(email: string): Promise<string> {
    await ctx.flushMail()
    const [mail] = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/verify\//.test(m.parsed.text ?? ''))
    return new URL(linkIn(mail.parsed.text, 'https://portal.test/verify/')).pathname.split('/').pop()!
  }

  // Public intake: submit, confirm, discard.
  await call('POST /api/v1/requests', '/api/v1/requests', { anonymous: true, payload: { type: 'access', email: 'anna@example.se', name: 'Anna Andersson', onBehalfOf: { kind: 'guardian', subjectName: 'Kim Andersson' } } })
  await call('POST /api/v1/requests', '/api/v1/requests', { anonymous: true, payload: { type: 'access', email: 'bad' } })
  await call('POST /api/v1/verify', '/api/v1/verify', { anonymous: true, payload: { token: await tokenFor('anna@example.se') } })
  await call('POST /api/v1/verify', '/api/v1/verify', { anonymous: true, payload: { token: 'A'.repeat(43) } })
  await call('POST /api/v1/requests', '/api/v1/requests', { anonymous: true, payload: { type: 'erasure', email: 'bo@example.se' } })
  await call('POST /api/v1/verify/discard', '/api/v1/verify/discard', { anonymous: true, payload: { token: await tokenFor('bo@example.se') } })

  await call('GET /api/v1/me', '/api/v1/me')
  await call('GET /api/v1/me', '/api/v1/me', { anonymous: true })

  // Cases.
  const created = await call('POST /api/v1/cases', '/api/v1/cases', { payload: { type: 'erasure', email: 'brev@example.se', name: 'Per', channel: 'letter', receivedAt: '2026-11-20' } })
  await call('POST /api/v1/cases', '/api/v1/cases', { payload: { type: 'erasure', email: 'nope', channel: 'letter', receivedAt: 'x' } })
  await call('POST /api/v1/cases', '/api/v1/cases', { payload: { type: 'erasure', email: 'x@example.se', channel: 'letter', receivedAt: '2026-11-20', extra: 1 } })
  const id = created.json().id as number
  await call('GET /api/v1/cases', '/api/v1/cases')
  await call('GET /api/v1/cases', '/api/v1/cases?due=bogus')
  await call('GET /api/v1/cases/:id', `/api/v1/cases/${id}`)
  await call('GET /api/v1/cases/:id', '/api/v1/cases/999999')
  await call('POST /api/v1/cases/:id/assign', `/api/v1/cases/${id}/assign`, { payload: { assignee: 'handler@xtractor.se' } })
  await call('POST /api/v1/cases/:id/assign', `/api/v1/cases/${id}/assign`, { payload: { assignee: 'ghost@xtractor.se' } })
  await call('POST /api/v1/cases/:id/notes', `/api/v1/cases/${id}/notes`, { payload: { text: 'A note' } })
  await call('POST /api/v1/cases/:id/status', `/api/v1/cases/${id}/status`, { payload: { status: 'in_progress' } })
  await call('POST /api/v1/cases/:id/status', `/api/v1/cases/${id}/status`, { payload: { status: 'new' } })
  await call('POST /api/v1/cases/:id/messages', `/api/v1/cases/${id}/messages`, { payload: { template: 'answer', text: 'Hej' } })
  await call('POST /api/v1/cases/:id/extend', `/api/v1/cases/${id}/extend`, { payload: { reason: 'Komplex' } })
  await call('POST /api/v1/cases/:id/team', `/api/v1/cases/${id}/team`, { payload: { team: 'data_protection' } })
  await call('POST /api/v1/cases/:id/client', `/api/v1/cases/${id}/client`, { payload: { name: 'Kund AB', email: 'dpo@kund.example' } })
  await call('POST /api/v1/cases/:id/forward', `/api/v1/cases/${id}/forward`, { payload: { name: 'Kund AB', email: 'dpo@kund.example' } })
  const question = await call('POST /api/v1/cases', '/api/v1/cases', { payload: { type: 'question', email: 'fraga@example.se', channel: 'phone', receivedAt: '2026-11-20', details: 'Vilka?' } })
  await call('POST /api/v1/cases/:id/answer', `/api/v1/cases/${question.json().id}/answer`, { payload: { text: 'Dessa.' } })
  const behalf = await app.db.selectFrom('cases').select('id').where('email', '=', 'anna@example.se').executeTakeFirstOrThrow()
  await call('POST /api/v1/cases/:id/authority', `/api/v1/cases/${behalf.id}/authority`, { payload: { checked: true } })
  await call('GET /api/v1/deadlines', '/api/v1/deadlines?receivedAt=2026-03-05&confirmedAt=2026-03-09')
  await call('GET /api/v1/deadlines', '/api/v1/deadlines?receivedAt=bogus')

  // Access packages.
  const { case: access } = await openCase(ctx, { type: 'access' })
  const pkg = `/api/v1/cases/${access.id}/package`
  await call('GET /api/v1/cases/:id/package', pkg)
  await call('POST /api/v1/cases/:id/package/compile', `${pkg}/compile`)
  await call('PUT /api/v1/cases/:id/package/cover-letter', `${pkg}/cover-letter`, { payload: { text: 'Hej, här är din kopia.' } })
  await call('PUT /api/v1/cases/:id/package/withheld', `${pkg}/withheld`, { payload: { withheld: [{ description: 'Interview notes', reason: 'Art. 15(4).' }] } })
  const upload = multipart({}, { name: 'a.pdf', content: PDF, type: 'application/pdf' })
  const uploaded = await call('POST /api/v1/cases/:id/package/files', `${pkg}/files`, { payload: upload.payload, headers: { 'content-type': upload.contentType } })
  const second = multipart({}, { name: 'b.pdf', content: PDF, type: 'application/pdf' })
  await call('POST /api/v1/cases/:id/package/files', `${pkg}/files`, { payload: second.payload, headers: { 'content-type': second.contentType } })
  await call('GET /api/v1/cases/:id/package', pkg)
  await call('GET /api/v1/cases/:id/package/preview', `${pkg}/preview`)
  const files = uploaded.json().files as Array<{ id: number; name: string }>
  await call('DELETE /api/v1/cases/:id/package/files/:fileId', `${pkg}/files/${files[0].id}`)
  await call('POST /api/v1/cases/:id/package/review', `${pkg}/review`)
  await call('POST /api/v1/cases/:id/package/send', `${pkg}/send`)
  await call('POST /api/v1/cases/:id/package/send', `${pkg}/send`)

  // Registers.
  await call('POST /api/v1/subscribers', '/api/v1/subscribers', { payload: { email: 'prenumerant@example.se', name: 'Pre Numerant', phone: '+46 70 123 45 67', source: 'web' } })
  await insertSubscriber(app, "sub2@example.se", { name: "Sub Two" })
  const sub = await app.db.selectFrom("newsletter_subscribers").select("id").where("email_normalized", "=", "sub2@example.se").executeTakeFirstOrThrow()
  await call('GET /api/v1/subscribers/:id', `/api/v1/subscribers/${sub.id}`)
  await call('GET /api/v1/subscribers/:id', '/api/v1/subscribers/999999')
  await call('PATCH /api/v1/subscribers/:id', `/api/v1/subscribers/${sub.id}`, { payload: { field: 'name', value: 'Sub Två' } })
  await call('PATCH /api/v1/subscribers/:id', `/api/v1/subscribers/${sub.id}`, { payload: { field: 'phone', value: 'nej' } })
  await call('POST /api/v1/subscribers/:id/restriction', `/api/v1/subscribers/${sub.id}/restriction`)
  await call('POST /api/v1/subscribers/:id/restriction', `/api/v1/subscribers/${sub.id}/restriction`)
  await call('POST /api/v1/subscribers/:id/restriction/lift', `/api/v1/subscribers/${sub.id}/restriction/lift`, { payload: { personTold: false } })
  await call('POST /api/v1/subscribers/:id/restriction/lift', `/api/v1/subscribers/${sub.id}/restriction/lift`, { payload: { personTold: true } })
  await call('POST /api/v1/requests', '/api/v1/requests', { anonymous: true, payload: { type: 'unsubscribe', email: 'sub2@example.se' } })
  await call('POST /api/v1/verify', '/api/v1/verify', { anonymous: true, payload: { token: await tokenFor('sub2@example.se') } })
  await call('GET /api/v1/suppressions', '/api/v1/suppressions')
  await call('GET /api/v1/suppressions', '/api/v1/suppressions?limit=0')
  const gone = await app.db.selectFrom('newsletter_subscribers').select('id').where('email_normalized', '=', 'prenumerant@example.se').executeTakeFirstOrThrow()
  await call('DELETE /api/v1/subscribers/:id', `/api/v1/subscribers/${gone.id}`)
  await call('DELETE /api/v1/subscribers/:id', `/api/v1/subscribers/${gone.id}`)

  // Routing.
  const team = await call('POST /api/v1/teams', '/api/v1/teams', { payload: { name: 'Events & resor', members: ['handler@xtractor.se'] } })
  await call('POST /api/v1/teams', '/api/v1/teams', { payload: { name: 'Events & resor' } })
  await call('PUT /api/v1/teams/:id', `/api/v1/teams/${team.json().id}`, { payload: { name: 'Events och resor', members: ['handler@xtractor.se'], escalatesTo: 'data_protection' } })
  await call('GET /api/v1/teams', '/api/v1/teams')
  const rule = await call('POST /api/v1/routing-rules', '/api/v1/routing-rules', { payload: { name: 'Event', conditions: { relationships: ['event_participant'] }, action: 'team', team: team.json().key } })
  await call('PUT /api/v1/routing-rules/:id', `/api/v1/routing-rules/${rule.json().id}`, { payload: { name: 'Event', conditions: { relationships: ['event_participant'] }, action: 'fewest_open', team: team.json().key } })
  await call('GET /api/v1/routing-rules', '/api/v1/routing-rules')
  await call('POST /api/v1/routing-rules/test', '/api/v1/routing-rules/test', { payload: { type: 'erasure', relationship: 'event_participant' } })
  await call('POST /api/v1/routing-rules/test', '/api/v1/routing-rules/test', { payload: { type: 'bogus' } })
  const extra = await call('POST /api/v1/routing-rules', '/api/v1/routing-rules', { payload: { name: 'HR', conditions: { relationships: ['employee'] }, action: 'team', team: 'data_protection' } })
  await call('DELETE /api/v1/routing-rules/:id', `/api/v1/routing-rules/${extra.json().id}`)
  await call('DELETE /api/v1/routing-rules/:id', '/api/v1/routing-rules/999999')
  await call('PUT /api/v1/routing-rules', '/api/v1/routing-rules', { payload: { rules: [{ name: 'Event', conditions: { relationships: ['event_participant'] }, action: 'team', team: team.json().key }] } })

  // The data map (issue 19).
  await call('GET /api/v1/purposes', '/api/v1/purposes')
  await call('PUT /api/v1/purposes/:id', '/api/v1/purposes/events_travel', { payload: { legalBasis: { article: 'Art. 6(1)(a), Art. 9(2)(a)', text: { sv: 'Uttryckligt samtycke.', en: 'Explicit consent.' } } } })
  await call('PUT /api/v1/purposes/:id', '/api/v1/purposes/events_travel', { payload: { title: { sv: '', en: 'x' } } })
  await call('PUT /api/v1/purposes/:id', '/api/v1/purposes/nope', { payload: { sensitive: false } })
  const system = { key: 'mailer', name: { sv: 'Utskicksverktyget', en: 'Mailing tool' }, ownerTeam: 'marketing', purposes: ['newsletter'], dataCategories: [{ sv: 'E-postadress', en: 'Email address' }], recipients: [{ name: { sv: 'Exempel Mail', en: 'Example Mail' }, description: { sv: 'Skickar.', en: 'Sends.' } }], transfers: [{ country: 'US', safeguard: { sv: 'DPF', en: 'DPF' } }] }
  await call('POST /api/v1/systems', '/api/v1/systems', { payload: system })
  await call('POST /api/v1/systems', '/api/v1/systems', { payload: system })
  await call('POST /api/v1/systems', '/api/v1/systems', { payload: { ...system, key: 'x y', purposes: ['nope'] } })
  await call('GET /api/v1/systems', '/api/v1/systems')
  await call('PUT /api/v1/systems/:key', '/api/v1/systems/mailer', { payload: { ownerTeam: null } })
  await call('PUT /api/v1/systems/:key', '/api/v1/systems/nope', { payload: { ownerTeam: null } })
  await call('POST /api/v1/systems', '/api/v1/systems', { payload: { ...system, key: 'crm', kind: 'webhook', config: { url: 'http://127.0.0.1:1/dsr', secret: 'contract-secret-0123456789' } } })
  await call('POST /api/v1/systems/:key/test', '/api/v1/systems/crm/test')
  await call('POST /api/v1/systems/:key/test', '/api/v1/systems/mailer/test')
  await call('DELETE /api/v1/systems/:key', '/api/v1/systems/newsletter')
  await call('DELETE /api/v1/systems/:key', '/api/v1/systems/mailer')
  await call('GET /api/v1/recipient-categories', '/api/v1/recipient-categories')

  // Fulfilment tasks (issue 20): an erasure's register tasks, marked, waived, gating the completion.
  await call('POST /api/v1/systems', '/api/v1/systems', { payload: { ...system, key: 'archive', transfers: [] }, record: false })
  await call('POST /api/v1/systems', '/api/v1/systems', { payload: { ...system, key: 'binders', transfers: [] }, record: false })
  const { case: erasure } = await openCase(ctx, { type: 'erasure' })
  const tasks = await call('GET /api/v1/cases/:id/tasks', `/api/v1/cases/${erasure.id}/tasks`)
  const [first, secondTask] = (tasks.json().items as Array<{ id: number; status: string }>).filter((x) => x.status === 'pending')
  await call('GET /api/v1/cases/:id/tasks', '/api/v1/cases/999999/tasks')
  await call('POST /api/v1/cases/:id/tasks/approve', `/api/v1/cases/${erasure.id}/tasks/approve`, { payload: {} })
  // Once more: nothing waits for approval now (a system the map reaches was approved by the first).
  await call('POST /api/v1/cases/:id/tasks/approve', `/api/v1/cases/${erasure.id}/tasks/approve`, { payload: {} })
  await call('POST /api/v1/cases/:id/tasks/:taskId/complete', `/api/v1/cases/${erasure.id}/tasks/${first.id}/complete`, { payload: { status: 'completed', note: 'Raderad för hand' } })
  await call('POST /api/v1/cases/:id/tasks/:taskId/complete', `/api/v1/cases/${erasure.id}/tasks/${first.id}/complete`, { payload: { status: 'completed' } })
  await call('POST /api/v1/cases/:id/tasks/:taskId/complete', `/api/v1/cases/${erasure.id}/tasks/${first.id}/complete`, { payload: { status: 'nope' } })
  await call('POST /api/v1/cases/:id/status', `/api/v1/cases/${erasure.id}/status`, { payload: { status: 'in_progress' }, record: false })
  await call('POST /api/v1/cases/:id/status', `/api/v1/cases/${erasure.id}/status`, { payload: { status: 'completed' }, label: 'tasks_open' })
  await call('POST /api/v1/cases/:id/tasks/:taskId/waive', `/api/v1/cases/${erasure.id}/tasks/${secondTask.id}/waive`, { payload: { reason: 'Finns inte längre' } })
  await call('POST /api/v1/cases/:id/tasks/:taskId/waive', `/api/v1/cases/${erasure.id}/tasks/${secondTask.id}/waive`, { payload: { reason: '' } })
  await call('POST /api/v1/tasks/:taskId/callback', `/api/v1/tasks/${first.id}/callback`, { payload: { status: 'completed' }, headers: { authorization: 'Bearer nope' } })

  // Its shape is OpenAPI's own, checked in openapi.test.ts.
  await call('GET /api/v1/openapi.json', '/api/v1/openapi.json', { anonymous: true, record: false })

  const missing = [...routes].filter((r) => !covered.has(r))
  t.same(missing, [], 'every /api/v1 route is exercised here')

  if (UPDATE) {
    writeFileSync(FIXTURE, JSON.stringify(answers, null, 2) + '\n')
    t.pass('recorded')
    return
  }
  const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string[]>
  for (const [key, fields] of Object.entries(recorded)) {
    const now = new Set(answers[key] ?? [])
    t.ok(key in answers, `${key} still answers with JSON`)
    t.same(fields.filter((f) => !now.has(f)), [], `${key} keeps its fields`)
  }
})
