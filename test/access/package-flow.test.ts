import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, csrfFrom, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { codeIn, insertCandidate, insertSubscriber, multipart, PDF, unzip } from '../helpers/package.js'
import { linkIn } from '../helpers/smtp.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

t.test('a requester asks for access, staff compile, review and send, the requester downloads with a code', async (t) => {
  const dataDir = t.testdir()
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir } })
  const { app, smtp, flushMail } = ctx
  const staff = await createStaff(app, { role: 'handler', name: 'Hanna Handläggare' })
  const jar = new Jar()
  await loginAs(app, jar, staff)

  // What the portal holds: registers (typed differently), an earlier case, and another person's data.
  await insertSubscriber(app, ' Eva@Example.se', { name: 'Eva Ek', phone: '070-111 22 33', source: 'Mässan Stockholm 2025' })
  mkdirSync(join(dataDir, 'cvs'), { recursive: true })
  writeFileSync(join(dataDir, 'cvs', 'eva.pdf'), PDF)
  await insertCandidate(app, 'eva@example.se', { name: 'Eva Ek', cvPath: 'cvs/eva.pdf', cvFilename: 'Eva CV.pdf' })
  await insertSubscriber(app, 'olle@example.se', { name: 'Olle Other', phone: '070-999 99 99' })
  await insertCandidate(app, 'olle@example.se', { name: 'Olle Other' })
  await openCase(ctx, { type: 'rectification', email: 'EVA@example.se', name: 'Eva Ek' })
  await openCase(ctx, { type: 'access', email: 'olle@example.se', name: 'Olle Other' })
  const { case: c, email } = await openCase(ctx, { type: 'access', email: 'eva@example.se', name: 'Eva Ek', relationship: 'candidate' })

  const casePage = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })
  t.match(casePage.body, /Kopia av uppgifter/, 'the case page has the package panel')
  t.match(casePage.body, `action="/staff/cases/${c.id}/package/compile"`)

  const page = `/staff/cases/${c.id}/package`
  const compiled = await staffForm(app, jar, `/staff/cases/${c.id}`, { packageLang: 'sv' }, { postPath: `${page}/compile` })
  t.equal(compiled.statusCode, 303)
  const pkgPage = await app.inject({ url: page, headers: { cookie: jar.header } })
  t.equal(pkgPage.statusCode, 200)
  t.equal(pkgPage.headers['cache-control'], 'no-store')
  t.match(pkgPage.body, /Sammanställt, ej granskat/)
  t.match(pkgPage.body, /Den första kopian är kostnadsfri/, 'the cover letter template says the first copy is free')
  t.equal((await app.cases.get(c.id)).status, 'in_progress', 'compiling starts work on a new case')

  // Send before review is refused, with the reason on the page.
  const early = await staffForm(app, jar, page, {}, { postPath: `${page}/send` })
  t.equal(early.statusCode, 409)
  t.match(early.body, /måste granskas/)

  // A file from another system.
  const form = await app.inject({ url: page, headers: { cookie: jar.header } })
  const body = multipart({ _csrf: csrfFrom(form.body) }, { name: 'Ekonomisystem export.pdf', content: PDF, type: 'application/pdf' })
  const uploaded = await app.inject({ method: 'POST', url: `${page}/files`, headers: { cookie: jar.header, 'content-type': body.contentType }, payload: body.payload })
  t.equal(uploaded.statusCode, 303)
  const stored = readdirSync(join(dataDir, 'packages'))
  t.equal(stored.length, 1)
  t.match(stored[0], /^[a-f0-9]{32}\.bin$/, 'stored under a random server-chosen name')

  const letter = await staffForm(app, jar, page, { text: 'Hej Eva!\n\nHär är dina uppgifter. Den första kopian är kostnadsfri.' }, { postPath: `${page}/cover-letter` })
  t.equal(letter.statusCode, 303)
  const preview = await app.inject({ url: `${page}/preview`, headers: { cookie: jar.header } })
  t.equal(preview.statusCode, 200)
  t.equal(preview.headers['content-type'], 'application/zip')
  t.equal(preview.headers['cache-control'], 'no-store')
  t.equal(preview.headers['content-disposition'], `attachment; filename="${c.reference}-dina-uppgifter-preview.zip"`)
  t.equal((await staffForm(app, jar, page, {}, { postPath: `${page}/review` })).statusCode, 303)
  t.match((await app.inject({ url: page, headers: { cookie: jar.header } })).body, /Granskat .* av Hanna Handläggare/)
  t.equal((await staffForm(app, jar, page, {}, { postPath: `${page}/send` })).statusCode, 303)
  t.equal((await app.cases.get(c.id)).status, 'completed', 'sending completes the case')

  await flushMail()
  const [ready] = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /Din kopia av dina personuppgifter/.test(m.parsed.subject ?? ''))
  t.match(ready.parsed.text, /Här är dina uppgifter/)
  t.match(ready.parsed.text, /kostnadsfri/)
  const statusPath = new URL(linkIn(ready.parsed.text, `${PUBLIC_URL}/status/`)).pathname
  const status = await app.inject({ url: statusPath })
  t.match(status.body, `href="${statusPath}/package"`, 'the status page links to the download')

  const requester = new Jar()
  const asked = await submitForm(app, requester, `${statusPath}/package`, {}, { postPath: `${statusPath}/package/code` })
  t.equal(asked.statusCode, 303)
  await flushMail()
  const [codeMail] = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /engångskod/.test(m.parsed.subject ?? ''))
  const code = codeIn(codeMail.parsed.text)
  const storedCode = await app.db.selectFrom('access_package_codes').select('code_hash').executeTakeFirstOrThrow()
  t.notOk(storedCode.code_hash.includes(code), 'the code is stored only as a keyed hash')
  const outbox = await app.db.selectFrom('outbox').select('text_body').where('kind', '=', 'package_code').executeTakeFirstOrThrow()
  t.notMatch(outbox.text_body, code, 'the queued email is sealed')

  const wrong = await submitForm(app, requester, `${statusPath}/package`, { code: code === '000000' ? '111111' : '000000' }, { postPath: `${statusPath}/package/download` })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, /Koden stämmer inte. Du har 2 försök kvar/)

  const download = await submitForm(app, requester, `${statusPath}/package`, { code: `${code.slice(0, 3)} ${code.slice(3)}` }, { postPath: `${statusPath}/package/download` })
  t.equal(download.statusCode, 200)
  t.equal(download.headers['content-type'], 'application/zip')
  t.equal(download.headers['cache-control'], 'no-store')
  t.equal(download.headers['content-disposition'], `attachment; filename="${c.reference}-dina-uppgifter.zip"`)

  const files = await unzip(download.rawPayload)
  t.ok(files.has('report.html') && files.has('data.json'))
  const doc = JSON.parse(files.get('data.json')!.toString('utf8'))
  t.equal(doc.format, 'xtractor-dsr-package')
  t.equal(doc.version, 2)
  t.equal(doc.lang, 'sv')
  t.equal(doc.subject.email, 'eva@example.se')
  t.same(doc.records.newsletter.map((n: { name: string; source: string }) => [n.name, n.source]), [['Eva Ek', 'Mässan Stockholm 2025']])
  t.equal(doc.records.candidates.length, 1)
  t.equal(doc.records.candidates[0].cv.file, 'register-files/cv-1-Eva CV.pdf')
  t.same(files.get('register-files/cv-1-Eva CV.pdf'), PDF, "the candidate's CV is in the package")
  t.same(doc.records.cases.map((x: { type: string; current: boolean }) => [x.type, x.current]), [['rectification', false], ['access', true]])
  const current = doc.records.cases[1]
  t.ok(current.events.some((e: { kind: string }) => e.kind === 'submitted'), 'the timeline is included')
  const info = doc.information
  const purposeIds = info.purposes.map((p: { id: string }) => p.id)
  t.ok(purposeIds.includes('newsletter') && purposeIds.includes('recruitment') && purposeIds.includes('request_handling'), 'the purposes that apply')
  const newsletter = info.purposes.find((p: { id: string }) => p.id === 'newsletter')
  t.equal(newsletter.legalBasis.article, 'Art. 6(1)(f)')
  t.ok(newsletter.dataCategories.length > 0 && newsletter.retention.length > 0)
  t.same(info.sources, [{ register: 'newsletter', source: 'Mässan Stockholm 2025' }], 'the source when not collected from them')
  t.equal(info.complaint.url, 'https://www.imy.se')
  t.equal(info.automatedDecisionMaking.used, false)
  t.ok(info.rights.some((r: { id: string }) => r.id === 'complaint'))
  t.same(info.systems.map((x: { key: string }) => x.key), ['candidates', 'newsletter', 'requests'], 'where her data was found')
  t.same(info.purposes.map((p: { id: string; systems: string[] }) => [p.id, p.systems]), [['recruitment', ['candidates']], ['newsletter', ['newsletter']], ['request_handling', ['requests']]], 'each purpose with the systems that made it apply')
  t.ok(info.recipientCategories.some((r: { general: boolean }) => r.general), 'the general categories of recipients')
  t.same(doc.attachments.map((a: { file: string; origin: string }) => [a.file, a.origin]), [['attachments/01-Ekonomisystem export.pdf', 'staff_upload'], ['register-files/cv-1-Eva CV.pdf', 'candidate_cv']])
  t.same(files.get('attachments/01-Ekonomisystem export.pdf'), PDF)

  const html = files.get('report.html')!.toString('utf8')
  t.match(html, /<html lang="sv">/)
  t.match(html, /<style>/)
  t.match(html, /Den första kopian är kostnadsfri/)
  t.match(html, /Integritetsskyddsmyndigheten/)
  t.match(html, /Mässan Stockholm 2025/)
  t.notMatch(html, /Hanna Handläggare/, 'no staff names')
  for (const [name, content] of files) t.notMatch(content.toString('latin1'), /olle@example|Olle Other|070-999/i, `no other person's data in ${name}`)

  const again = await submitForm(app, requester, `${statusPath}/package`, { code }, { postPath: `${statusPath}/package/download` })
  t.equal(again.statusCode, 409, 'a code works once')
  t.match(again.body, /Be om en kod först/)

  const timeline = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })
  for (const kind of ['package_compiled', 'package_file_added', 'package_cover_letter', 'package_reviewed', 'package_sent', 'package_code_sent', 'package_downloaded']) t.match(timeline.body, `event-${kind}`, kind)
  const actions = (await app.db.selectFrom('audit_log').select('action').where('case_id', '=', c.id).execute()).map((r) => r.action)
  for (const a of ['package.compile', 'package.file_add', 'package.cover_letter', 'package.preview', 'package.review', 'package.send', 'package.code', 'package.code_wrong', 'package.download']) t.ok(actions.includes(a), a)
  t.ok(existsSync(join(dataDir, 'packages', stored[0])))
})

t.test('an English package for a portability request', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { app } = ctx
  const staff = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, staff)
  const { case: c } = await openCase(ctx, { type: 'portability', email: 'sam@example.com', name: 'Sam', lang: 'en', relationship: 'customer_contact' })
  const page = `/staff/cases/${c.id}/package`
  t.equal((await staffForm(app, jar, page, {}, { postPath: `${page}/compile` })).statusCode, 303)
  const p = await app.accessPackages.find(c.id)
  t.equal(p!.lang, 'en', "the requester's language")
  t.match(p!.cover_letter, /The first copy is free of charge/)
  const zip = await app.inject({ url: `${page}/preview`, headers: { cookie: jar.header } })
  t.equal(zip.headers['content-disposition'], `attachment; filename="${c.reference}-your-data-preview.zip"`)
  const files = await unzip(zip.rawPayload)
  const doc = JSON.parse(files.get('data.json')!.toString('utf8'))
  // Not in any register: only the portal's handling of the request, whatever relationship was stated.
  t.same(doc.information.purposes.map((x: { id: string; systems: string[] }) => [x.id, x.systems]), [['request_handling', ['requests']]])
  t.match(files.get('report.html')!.toString('utf8'), /The first copy is free of charge/)

  // An empty letter is refused and the page comes back; the template can be loaded again.
  const empty = await staffForm(app, jar, page, { text: '   ' }, { postPath: `${page}/cover-letter` })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /Write a cover letter|Skriv ett följebrev/)
  t.equal((await staffForm(app, jar, page, { text: 'x', reset: '1' }, { postPath: `${page}/cover-letter` })).statusCode, 303)
  t.match((await app.accessPackages.find(c.id))!.cover_letter, /Hello Sam/)
})

t.test('only access and portability cases get a package; viewers cannot act', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { app } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const viewer = await createStaff(app, { role: 'viewer' })
  const jar = new Jar()
  await loginAs(app, jar, handler)
  const { case: erasure } = await openCase(ctx, { type: 'erasure' })
  const casePage = await app.inject({ url: `/staff/cases/${erasure.id}`, headers: { cookie: jar.header } })
  t.notMatch(casePage.body, /package\/compile/, 'no panel for other request types')
  const refused = await staffForm(app, jar, `/staff/cases/${erasure.id}/package`, {}, { postPath: `/staff/cases/${erasure.id}/package/compile` })
  t.equal(refused.statusCode, 422)
  t.match(refused.body, /tillgång eller dataportabilitet/)

  const { case: c } = await openCase(ctx, { type: 'access' })
  const vjar = new Jar()
  await loginAs(app, vjar, viewer)
  const vpage = await app.inject({ url: `/staff/cases/${c.id}/package`, headers: { cookie: vjar.header } })
  t.equal(vpage.statusCode, 200)
  t.notMatch(vpage.body, /package\/compile/)
  const forbidden = await app.inject({ method: 'POST', url: `/staff/cases/${c.id}/package/compile`, headers: { cookie: vjar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrfFrom((await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: vjar.header } })).body))}` })
  t.equal(forbidden.statusCode, 403)
  const noCsrf = await app.inject({ method: 'POST', url: `/staff/cases/${c.id}/package/compile`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'packageLang=sv' })
  t.equal(noCsrf.statusCode, 403)
  t.equal(await app.accessPackages.find(c.id), undefined)
  t.equal((await app.inject({ url: '/staff/cases/999999/package', headers: { cookie: jar.header } })).statusCode, 404)
})
