import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, csrfFrom, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { PDF, PNG } from '../helpers/package.js'
import { apiTokenFor, createStaff, loginAs } from '../helpers/staff.js'

/** Issue 14 §6: a refused upload request changes nothing, even when its first file was fine. */
function body(fields: Record<string, string>, files: Array<{ name: string; content: Buffer }>, opts: { cut?: boolean } = {}) {
  const b = 'refused-upload-boundary'
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  for (const f of files) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), f.content, Buffer.from('\r\n'))
  if (!opts.cut) parts.push(Buffer.from(`--${b}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${b}` }
}

t.test('two files in one request, or a body cut short after a good file: refused, nothing stored or recorded', async (t) => {
  const dataDir = t.testdir()
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir } })
  const { app } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const token = await apiTokenFor(app, handler)
  const jar = new Jar()
  await loginAs(app, jar, handler)
  const { case: c } = await openCase(ctx, { type: 'access' })
  const auth = { authorization: `Bearer ${token}` }
  t.ok((await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/compile`, headers: auth })).statusCode < 300, 'package compiled')
  const url = `/api/v1/cases/${c.id}/package/files`
  const onDisk = () => {
    try {
      return readdirSync(join(dataDir, 'packages'))
    } catch {
      return []
    }
  }
  const state = async () => ({
    files: (await app.inject({ url: `/api/v1/cases/${c.id}/package`, headers: auth })).json().files,
    events: (await app.db.selectFrom('case_events').select('kind').where('case_id', '=', c.id).execute()).length,
    audit: (await app.db.selectFrom('audit_log').select('id').where('action', 'like', 'package.file%').execute()).length,
    disk: onDisk(),
  })
  const before = await state()

  const two = body({}, [{ name: 'a.pdf', content: PDF }, { name: 'b.png', content: PNG }])
  const res = await app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': two.contentType, 'accept-language': 'en' }, payload: two.payload })
  t.equal(res.statusCode, 400, 'two files: 400')
  t.equal(res.json().error, 'file_required')
  t.match(res.json().message, /en fil åt gången\. Inget har lagts till/, 'in the staff member’s language')
  t.same(await state(), before, 'API: no file, no event, no audit row, nothing on disk')

  const cut = body({}, [{ name: 'a.pdf', content: PDF }], { cut: true })
  const cutRes = await app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': cut.contentType }, payload: cut.payload })
  t.equal(cutRes.statusCode, 400, 'a good file in a body without its end: 400')
  t.same(await state(), before, 'and nothing changed')

  const pageUrl = `/staff/cases/${c.id}/package`
  const csrf = csrfFrom((await app.inject({ url: pageUrl, headers: { cookie: jar.header } })).body)
  const twoForm = body({ _csrf: csrf }, [{ name: 'a.pdf', content: PDF }, { name: 'b.png', content: PNG }])
  const page = await app.inject({ method: 'POST', url: `${pageUrl}/files`, headers: { cookie: jar.header, 'content-type': twoForm.contentType }, payload: twoForm.payload })
  t.equal(page.statusCode, 400, 'the page refuses two files too')
  t.match(page.body, /en fil åt gången\. Inget har lagts till/)
  t.same(await state(), before, 'page: nothing changed')

  const one = body({}, [{ name: 'a.pdf', content: PDF }])
  const ok = await app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': one.contentType }, payload: one.payload })
  t.equal(ok.statusCode, 201, 'one file is still added')
  t.equal(ok.json().files.length, 1)
  t.equal(onDisk().length, 1)
})
