import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { packageRetention } from '../../src/access/retention-job.js'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { multipart, PDF, unzip } from '../helpers/package.js'
import { askCode, enterCode, sentPackage } from '../helpers/package-flow.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

const DAY = 86_400_000

t.test('packages are deleted after PACKAGE_RETENTION_DAYS; the pages say so plainly', async (t) => {
  const dataDir = t.testdir()
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir, PACKAGE_RETENTION_DAYS: '30' } })
  const { app, clock } = ctx
  const staff = await createStaff(app, { role: 'handler' })
  const token = await apiTokenFor(app, staff)
  const auth = { authorization: `Bearer ${token}` }
  const { case: c, email } = await openCase(ctx, { type: 'access' })
  await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/compile`, headers: auth })
  const body = multipart({}, { name: 'a.pdf', content: PDF })
  await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/files`, headers: { ...auth, 'content-type': body.contentType }, payload: body.payload })
  await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/review`, headers: auth })
  const sent = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/send`, headers: auth })
  t.equal(sent.statusCode, 200)
  t.equal(sent.json().status, 'sent')
  t.equal(sent.json().deleteAfter, new Date(clock.now().getTime() + 30 * DAY).toISOString())
  await ctx.flushMail()
  const mail = (await ctx.smtp.waitFor((m) => m.envelopeTo.includes(email) && /kopia/.test(m.parsed.subject ?? '')))[0]
  const statusPath = new URL(/https:\/\/portal\.test(\/status\/\S+)/.exec(mail.parsed.text ?? '')![0]).pathname

  t.equal((await packageRetention(app, clock.now())).deleted, 0, 'nothing due yet')
  clock.advance(30 * DAY + 3_600_000)
  // Past the date the package is gone at once, before the job has run.
  const page = await app.inject({ url: `${statusPath}/package` })
  t.equal(page.statusCode, 410)
  t.match(page.body, /Din kopia raderades .*30 dagar efter att den skickades/)
  const late = await app.inject({ method: 'POST', url: `${statusPath}/package/code`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(late.statusCode, 410, 'no code for a deleted package')
  t.match(late.body, /raderades/)

  t.same(await packageRetention(app, clock.now()), { deleted: 1 })
  t.same(await packageRetention(app, clock.now()), { skipped: 'already ran this hour' }, 'once per period')
  t.same(readdirSync(join(dataDir, 'packages')), [], 'the uploaded files are deleted')
  const row = (await app.accessPackages.find(c.id))!
  t.equal(row.status, 'deleted')
  t.equal(row.data, null, 'the compiled data is deleted')
  t.equal((await app.db.selectFrom('access_package_files').select('id').execute()).length, 0)
  const status = await app.inject({ url: statusPath })
  t.match(status.body, /Din kopia raderades/)
  t.match(status.body, /href="\/request\/access"/)
  const download = await app.inject({ method: 'POST', url: `${statusPath}/package/download`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=123456' })
  t.equal(download.statusCode, 410)
  t.match(download.body, /raderades/)
  const api = await app.inject({ url: `/api/v1/cases/${c.id}/package`, headers: auth })
  t.equal(api.json().status, 'deleted')
  t.equal(api.json().contents, null)
  const actions = (await app.db.selectFrom('audit_log').select('action').where('action', '=', 'package.delete').execute()).length
  t.equal(actions, 1)
  const preview = await app.inject({ url: `/api/v1/cases/${c.id}/package/preview`, headers: auth })
  t.equal(preview.statusCode, 409)
})

t.test('the staff API: compile, cover letter, review, send, preview; errors are JSON', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { app } = ctx
  const staff = await createStaff(app, { role: 'handler' })
  const viewer = await createStaff(app, { role: 'viewer' })
  const token = await apiTokenFor(app, staff)
  const auth = { authorization: `Bearer ${token}` }
  const { case: c } = await openCase(ctx, { type: 'portability', lang: 'en' })
  const url = `/api/v1/cases/${c.id}/package`

  t.equal((await app.inject({ method: 'POST', url: `${url}/compile` })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: `${url}/compile`, headers: { authorization: `Bearer ${await apiTokenFor(app, viewer)}` } })).statusCode, 403)
  t.equal((await app.inject({ url, headers: auth })).statusCode, 404)
  const badLang = await app.inject({ method: 'POST', url: `${url}/compile`, headers: auth, payload: { lang: 'de' } })
  t.equal(badLang.statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: `${url}/compile`, headers: { ...auth, 'content-type': 'application/json' }, payload: '[1]' })).statusCode, 400)
  const compiled = await app.inject({ method: 'POST', url: `${url}/compile`, headers: auth, payload: { lang: 'en' } })
  t.equal(compiled.statusCode, 201)
  t.equal(compiled.headers['cache-control'], 'no-store')
  const json = compiled.json()
  t.equal(json.status, 'compiled')
  t.equal(json.lang, 'en')
  t.equal(json.contents.cases, 1)
  t.ok(json.recordCount > 1)

  t.equal((await app.inject({ method: 'PUT', url: `${url}/cover-letter`, headers: auth, payload: { nothing: 1 } })).statusCode, 400)
  const letter = await app.inject({ method: 'PUT', url: `${url}/cover-letter`, headers: auth, payload: { text: 'Dear requester, here it is. The first copy is free of charge.' } })
  t.equal(letter.json().coverLetter, 'Dear requester, here it is. The first copy is free of charge.')
  const early = await app.inject({ method: 'POST', url: `${url}/send`, headers: auth })
  t.equal(early.statusCode, 409)
  t.equal(early.json().error, 'not_reviewed')
  const preview = await app.inject({ url: `${url}/preview`, headers: auth })
  t.equal(preview.headers['content-type'], 'application/zip')
  const files = await unzip(preview.rawPayload)
  t.match(files.get('report.html')!.toString(), /Dear requester, here it is/)
  t.equal((await app.inject({ method: 'POST', url: `${url}/review`, headers: auth })).json().status, 'reviewed')
  t.equal((await app.inject({ method: 'POST', url: `${url}/send`, headers: auth })).json().status, 'sent')
  const again = await app.inject({ method: 'PUT', url: `${url}/cover-letter`, headers: auth, payload: { reset: true } })
  t.equal(again.statusCode, 409)
  t.equal(again.json().error, 'case_closed')
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/cases/abc/package/compile', headers: auth })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/cases/99999/package/compile', headers: auth })).statusCode, 404)
  t.equal((await app.inject({ url: '/api/v1/cases/abc/package/preview', headers: auth })).statusCode, 404)

  // The requester downloads; the count shows in the API.
  const jar = new Jar()
  const s = await sentPackage(ctx, { email: 'x@example.se' })
  const code = await askCode(ctx, jar, s.statusPath, s.email)
  t.equal((await enterCode(ctx, jar, s.statusPath, code.code!)).statusCode, 200)
  const after = await app.inject({ url: `/api/v1/cases/${s.case.id}/package`, headers: auth })
  t.equal(after.json().downloads, 1)
})
