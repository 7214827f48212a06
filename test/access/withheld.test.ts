import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { unzip } from '../helpers/package.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'

async function app(t: Test) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dsr-withheld-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir } })
  const staff = await createStaff(ctx.app, { role: 'handler' })
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, staff)}` }
  return { ...ctx, staff, auth, call: (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => ctx.app.inject({ method, url, headers: auth, payload }) }
}

const ITEM = { description: 'Interview notes written by the hiring manager', reason: 'They would reveal the manager’s own assessments (Art. 15(4)).' }

t.test('Art. 15(4) and 12(4): what is left out of a copy is listed with its reason in the API, data.json, the report and the letter, which ends with the IMY notice', async (t) => {
  const ctx = await app(t)
  const { call } = ctx
  const { case: c, email } = await openCase(ctx, { type: 'access', lang: 'en' })
  const base = `/api/v1/cases/${c.id}/package`
  t.equal((await call('PUT', `${base}/withheld`, { withheld: [ITEM] })).statusCode, 409, 'no package yet')
  t.equal((await call('POST', `${base}/compile`)).statusCode, 201)
  t.same((await call('GET', base)).json().withheld, [], 'nothing withheld at first')

  const bad: Array<[unknown, string]> = [
    [[{ description: 'Notes', reason: '' }], 'withheld_reason_required'],
    [[{ description: 'Notes', reason: '\u200b\u200b' }], 'withheld_reason_required'],
    [[{ description: '', reason: 'Art. 15(4)' }], 'withheld_description_required'],
    [[{ description: 'Notes', reason: 'x', extra: 1 }], 'withheld_invalid'],
    ['Notes', 'withheld_invalid'],
    [[null], 'withheld_invalid'],
    [undefined, 'withheld_invalid'],
    [Array.from({ length: 51 }, () => ITEM), 'withheld_too_many'],
    [[{ description: 'x'.repeat(1001), reason: 'y' }], 'withheld_too_long'],
  ]
  for (const [withheld, error] of bad) {
    const res = await call('PUT', `${base}/withheld`, { withheld })
    t.equal(res.statusCode, 400, error)
    t.match(res.json(), { error, message: String }, error)
  }
  const set = await call('PUT', `${base}/withheld`, { withheld: [ITEM] })
  t.equal(set.statusCode, 200)
  t.same(set.json().withheld, [ITEM])
  t.equal((await call('POST', `${base}/review`)).statusCode, 200)
  t.equal((await call('PUT', `${base}/withheld`, { withheld: [ITEM] })).json().status, 'compiled', 'a change after review needs a new review')
  t.equal((await call('POST', `${base}/review`)).statusCode, 200)

  const preview = await ctx.app.inject({ url: `${base}/preview`, headers: ctx.auth })
  const files = await unzip(preview.rawPayload)
  t.same(JSON.parse(files.get('data.json')!.toString('utf8')).withheld, [ITEM], 'data.json lists it')
  const html = files.get('report.html')!.toString('utf8')
  t.match(html, /What we have left out, and why/)
  t.match(html, /Interview notes written by the hiring manager<\/strong>: They would reveal/)
  t.match(html, /www\.imy\.se.*Articles 12\(4\), 77 and 79/s)

  t.equal((await call('POST', `${base}/send`)).statusCode, 200)
  await ctx.flushMail()
  const [mail] = await ctx.smtp.waitFor((m) => m.envelopeTo.includes(email) && /copy of your personal data/.test(m.parsed.subject ?? ''))
  t.match(mail.parsed.text, /What we have left out of the copy, and why:\s+– Interview notes written by the hiring manager: They would reveal/)
  const letter = await ctx.app.db.selectFrom('case_messages').select('body').where('case_id', '=', c.id).orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.match(letter.body, /judicial remedy in court \(GDPR Articles 12\(4\), 77 and 79\)\.$/, 'the letter ends with the notice')
  const json = (await call('GET', `/api/v1/cases/${c.id}`)).json()
  t.match(json, { status: 'completed', partialRefusal: { reason: /Interview notes.*Art\. 15\(4\)/ }, late: false })
})

t.test('Art. 15(3): a package with nothing withheld keeps its letter as written, with no refusal notice', async (t) => {
  const ctx = await app(t)
  const { case: c } = await openCase(ctx, { type: 'access' })
  for (const step of ['compile', 'review', 'send']) t.ok((await ctx.call('POST', `/api/v1/cases/${c.id}/package/${step}`)).statusCode < 300, step)
  const letter = await ctx.app.db.selectFrom('case_messages').select('body').where('case_id', '=', c.id).orderBy('id', 'desc').executeTakeFirstOrThrow()
  t.notMatch(letter.body, /www\.imy\.se/)
  t.match((await ctx.call('GET', `/api/v1/cases/${c.id}`)).json(), { partialRefusal: null })
})

t.test('Art. 15(4) on the staff package page: rows of what is withheld, a missing reason refused with the typed rows kept', async (t) => {
  const ctx = await app(t)
  const { case: c } = await openCase(ctx, { type: 'access' })
  await ctx.call('POST', `/api/v1/cases/${c.id}/package/compile`)
  const jar = new Jar()
  await loginAs(ctx.app, jar, ctx.staff)
  const page = `/staff/cases/${c.id}/package`
  const bad = await staffForm(ctx.app, jar, page, { description_0: 'Anteckningar från intervjun', reason_0: '', description_1: '', reason_1: '' }, { postPath: `${page}/withheld` })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /Rad 1: ange skälet/)
  t.match(bad.body, /name="description_0" maxlength="1000" value="Anteckningar från intervjun"/)
  const ok = await staffForm(ctx.app, jar, page, { description_0: 'Anteckningar från intervjun', reason_0: 'Röjer en annan persons bedömningar (artikel 15.4).' }, { postPath: `${page}/withheld` })
  t.equal(ok.statusCode, 303)
  const shown = await ctx.app.inject({ url: page, headers: { cookie: jar.header } })
  t.match(shown.body, /id="withheld-list"><li><strong>Anteckningar från intervjun<\/strong>: Röjer en annan persons/)
  t.ok(await ctx.app.db.selectFrom('audit_log').select('id').where('action', '=', 'package.withheld').executeTakeFirst(), 'audited')
  const cleared = await staffForm(ctx.app, jar, page, { description_0: '', reason_0: '' }, { postPath: `${page}/withheld` })
  t.equal(cleared.statusCode, 303)
  t.same((await ctx.call('GET', `/api/v1/cases/${c.id}/package`)).json().withheld, [], 'emptying the rows clears the list')
})
