import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, csrfFrom, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { multipart, PDF, PNG } from '../helpers/package.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'

t.test('uploads: size limit, allowed types by name and content, CSRF, removal', async (t) => {
  const dataDir = t.testdir()
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir, PACKAGE_UPLOAD_MAX_BYTES: '2048' } })
  const { app } = ctx
  const staff = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const { case: c } = await openCase(ctx, { type: 'access' })
  const page = `/staff/cases/${c.id}/package`
  const stored = () => {
    try {
      return readdirSync(join(dataDir, 'packages'))
    } catch {
      return []
    }
  }
  async function upload(name: string, content: Buffer | string, csrf = true) {
    const form = await app.inject({ url: page, headers: { cookie: jar.header } })
    const body = multipart(csrf ? { _csrf: csrfFrom(form.body) } : {}, { name, content })
    return app.inject({ method: 'POST', url: `${page}/files`, headers: { cookie: jar.header, 'content-type': body.contentType }, payload: body.payload })
  }

  const before = await upload('a.pdf', PDF)
  t.equal(before.statusCode, 409, 'nothing to add to before compiling')
  t.match(before.body, /Sammanställ det först/)
  t.equal((await staffForm(app, jar, page, {}, { postPath: `${page}/compile` })).statusCode, 303)

  const big = await upload('big.pdf', Buffer.concat([PDF, Buffer.alloc(3000, 0x20)]))
  t.equal(big.statusCode, 413)
  t.match(big.body, /Filen är för stor. Största tillåtna storlek är 2 kB/)
  const exe = await upload('tool.exe', Buffer.from('MZ\x90\x00'))
  t.equal(exe.statusCode, 415)
  t.match(exe.body, /Den filtypen kan inte läggas till/)
  const disguised = await upload('invoice.pdf', Buffer.from('MZ\x90\x00 this is not a pdf'))
  t.equal(disguised.statusCode, 415, 'the content must match the name')
  const binaryText = await upload('notes.txt', Buffer.from([0x00, 0x01, 0x02, 0x41]))
  t.equal(binaryText.statusCode, 415)
  const empty = await upload('empty.pdf', '')
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /Filen är tom/)
  const forged = await upload('a.pdf', PDF, false)
  t.equal(forged.statusCode, 403)
  t.same(stored(), [], 'nothing refused is left on disk')

  t.equal((await upload('../../etc/Bild.PNG', PNG)).statusCode, 303)
  t.equal((await upload('anteckningar.txt', 'Samtal 2025-01-02: frågade om CV.\n')).statusCode, 303)
  t.equal((await upload('export.json', '{"kund": 1}')).statusCode, 303)
  t.equal(stored().length, 3)
  const files = await app.db.selectFrom('access_package_files').selectAll().orderBy('id').execute()
  t.same(files.map((f) => [f.original_name, f.content_type]), [['Bild.PNG', 'image/png'], ['anteckningar.txt', 'text/plain; charset=utf-8'], ['export.json', 'application/json']], 'folders are stripped from names')
  t.ok(files.every((f) => /^packages\/[a-f0-9]{32}\.bin$/.test(f.stored_name)))

  // Not multipart at all, or no file chosen.
  const noFile = await staffForm(app, jar, page, {}, { postPath: `${page}/files` })
  t.equal(noFile.statusCode, 400)
  t.match(noFile.body, /Välj en fil/)
  const form = await app.inject({ url: page, headers: { cookie: jar.header } })
  const blank = multipart({ _csrf: csrfFrom(form.body) }, { name: '', content: '' })
  const blankRes = await app.inject({ method: 'POST', url: `${page}/files`, headers: { cookie: jar.header, 'content-type': blank.contentType }, payload: blank.payload })
  t.equal(blankRes.statusCode, 400)

  // Review, then a change: the review is needed again.
  t.equal((await staffForm(app, jar, page, {}, { postPath: `${page}/review` })).statusCode, 303)
  t.equal((await app.accessPackages.find(c.id))!.status, 'reviewed')
  const removed = await staffForm(app, jar, page, {}, { postPath: `${page}/files/${files[0].id}/delete` })
  t.equal(removed.statusCode, 303)
  t.equal(stored().length, 2, 'the file is gone from disk')
  t.equal((await app.accessPackages.find(c.id))!.status, 'compiled', 'a change after review needs a new review')
  const missing = await staffForm(app, jar, page, {}, { postPath: `${page}/files/999/delete` })
  t.equal(missing.statusCode, 404)
  t.match(missing.body, /Filen finns inte i paketet/)
})

t.test('API uploads are authorised before the body is read', async (t) => {
  const dataDir = t.testdir()
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir } })
  const { app } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const viewer = await createStaff(app, { role: 'viewer' })
  const token = await apiTokenFor(app, handler)
  const viewerToken = await apiTokenFor(app, viewer)
  const { case: c } = await openCase(ctx, { type: 'access' })
  const url = `/api/v1/cases/${c.id}/package/files`
  const body = multipart({}, { name: 'a.pdf', content: PDF })
  const anon = await app.inject({ method: 'POST', url, headers: { 'content-type': body.contentType }, payload: body.payload })
  t.equal(anon.statusCode, 401)
  const asViewer = await app.inject({ method: 'POST', url, headers: { 'content-type': body.contentType, authorization: `Bearer ${viewerToken}` }, payload: body.payload })
  t.equal(asViewer.statusCode, 403)
  await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/compile`, headers: { authorization: `Bearer ${token}` } })
  const ok = await app.inject({ method: 'POST', url, headers: { 'content-type': body.contentType, authorization: `Bearer ${token}` }, payload: body.payload })
  t.equal(ok.statusCode, 201)
  t.equal(ok.json().files[0].name, 'a.pdf')
  // Larger than BODY_LIMIT_BYTES (forms): uploads have their own limit.
  const large = multipart({}, { name: 'scan.pdf', content: Buffer.concat([PDF, Buffer.alloc(300 * 1024, 0x20)]) })
  const largeOk = await app.inject({ method: 'POST', url, headers: { 'content-type': large.contentType, authorization: `Bearer ${token}` }, payload: large.payload })
  t.equal(largeOk.statusCode, 201)
  t.equal(largeOk.json().files[1].size, PDF.length + 300 * 1024)
  await app.inject({ method: 'DELETE', url: `${url}/${largeOk.json().files[1].id}`, headers: { authorization: `Bearer ${token}` } })
  const bad = multipart({}, { name: 'a.html', content: '<script>alert(1)</script>' })
  const refused = await app.inject({ method: 'POST', url, headers: { 'content-type': bad.contentType, authorization: `Bearer ${token}` }, payload: bad.payload })
  t.equal(refused.statusCode, 415)
  t.equal(refused.json().error, 'file_type')
  const del = await app.inject({ method: 'DELETE', url: `${url}/${ok.json().files[0].id}`, headers: { authorization: `Bearer ${token}` } })
  t.equal(del.statusCode, 200)
  t.same(del.json().files, [])
  t.same(readdirSync(join(dataDir, 'packages')), [])
})
