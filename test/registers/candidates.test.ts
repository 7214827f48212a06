import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { csrfFrom, Jar, submitForm } from '../helpers/app.js'
import { multipart } from '../helpers/multipart.js'
import { setup, upload } from '../helpers/registers.js'
import { linkIn } from '../helpers/smtp.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')])

async function confirmLink(ctx: Awaited<ReturnType<typeof setup>>, email: string) {
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/verify\//.test(m.parsed.text ?? ''))
  return new URL(linkIn(mails[mails.length - 1].parsed.text, `${ctx.config.publicUrl}/verify/`)).pathname
}

t.test('a candidate withdraws consent: erased at once, CV file deleted, no staff involved', async (t) => {
  const ctx = await setup(t)
  const { app } = ctx
  const csv = 'email;name;phone;consent_given_at\r\nkand@example.se;Karin Kandidat;+46 70 123 45 67;2026-01-15\r\n'
  const imported = await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  t.equal(imported.statusCode, 200)
  t.match(imported.body, /1 rad importerades/)
  const cand = await app.db.selectFrom('candidates').selectAll().executeTakeFirstOrThrow()
  t.match(cand, { email: 'kand@example.se', name: 'Karin Kandidat', status: 'active', consent_given_at: '2026-01-15T00:00:00.000Z', consent_expires_at: '2029-01-15T00:00:00.000Z' })

  const up = await upload(ctx, `/staff/registers/candidates/${cand.id}/cv`, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: PDF })
  t.equal(up.statusCode, 303)
  const withCv = await app.db.selectFrom('candidates').selectAll().where('id', '=', cand.id).executeTakeFirstOrThrow()
  t.match(withCv, { cv_filename: 'cv.pdf', cv_content_type: 'application/pdf', cv_size: PDF.length })
  const file = join(ctx.dataDir, withCv.cv_path!)
  t.ok(existsSync(file), 'the CV is stored under DATA_DIR')
  t.match(withCv.cv_path, /^cvs\//)
  t.notMatch(withCv.cv_path, /cv\.pdf/, 'stored under a random name')
  const download = await app.inject({ url: `/staff/registers/candidates/${cand.id}/cv`, headers: { cookie: ctx.jar.header } })
  t.equal(download.statusCode, 200)
  t.equal(download.rawPayload.length, PDF.length)
  t.match(download.headers['content-disposition'], /attachment/)
  const served = await app.inject({ url: `/static/../${withCv.cv_path}` })
  t.equal(served.statusCode, 404, 'not reachable over HTTP')

  // The public form, then the emailed link: no staff from here on.
  const jar = new Jar()
  const sent = await submitForm(app, jar, '/request/withdraw_consent?consent=recruitment&relationship=candidate', { email: 'KAND@example.se', name: 'Karin', relationship: 'candidate', consent: 'recruitment' })
  t.equal(sent.statusCode, 200)
  const link = await confirmLink(ctx, 'KAND@example.se')
  const confirmPage = await app.inject({ url: link, headers: { cookie: jar.header } })
  jar.store(confirmPage)
  const confirmed = await app.inject({ method: 'POST', url: link, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrfFrom(confirmPage.body) }).toString() })
  t.equal(confirmed.statusCode, 303)

  t.notOk(existsSync(file), 'the CV file is gone')
  const erased = await app.db.selectFrom('candidates').selectAll().where('id', '=', cand.id).executeTakeFirstOrThrow()
  t.match(erased, { status: 'erased', email: null, email_normalized: null, name: null, phone: null, cv_path: null, cv_filename: null, erasure_reason: 'withdrawn', consent_given_at: '2026-01-15T00:00:00.000Z' })
  t.ok(erased.withdrawn_at)
  t.ok(erased.erased_at)
  t.ok(erased.email_hash, 'a keyed hash proves the withdrawal')

  const c = await app.db.selectFrom('cases').selectAll().where('type', '=', 'withdraw_consent').executeTakeFirstOrThrow()
  t.equal(c.status, 'completed')
  const kinds = (await app.db.selectFrom('case_events').select('kind').where('case_id', '=', c.id).orderBy('id').execute()).map((e) => e.kind)
  t.match(kinds, ['submitted', 'verified', 'routed', 'register_consent_withdrawn', 'register_candidate_erased', 'status_changed', 'register_requester_told'])
  await ctx.flushMail()
  const done = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('KAND@example.se') && /Klart/.test(m.parsed.subject ?? ''))
  t.match(done[0].parsed.text, /Ditt CV och dina kontaktuppgifter har raderats ur vårt kandidatregister\./)

  // Staff see what was done on the case page, with the Art. 19 checklist.
  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: ctx.jar.header } })
  t.match(page.body, /Kandidatens uppgifter raderade/)
  t.match(page.body, /Mottagare att underrätta/)

  // Importing the same person again is refused: they withdrew.
  const again = await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  t.match(again.body, /kandidaten har återkallat sitt samtycke/)
  t.equal((await app.db.selectFrom('candidates').selectAll().execute()).length, 1)
})

t.test('a withdrawal with no matching candidate goes to staff as usual', async (t) => {
  const ctx = await setup(t)
  const jar = new Jar()
  await submitForm(ctx.app, jar, '/request/withdraw_consent', { email: 'nobody@example.se', relationship: 'candidate', consent: 'recruitment' })
  const link = await confirmLink(ctx, 'nobody@example.se')
  const result = await ctx.app.intake.confirm(link.split('/').pop()!)
  t.equal(result.state, 'confirmed')
  const c = await ctx.app.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow()
  t.equal(c.status, 'new', 'left for staff')
  t.ok(await ctx.app.db.selectFrom('case_events').select('id').where('case_id', '=', c.id).where('kind', '=', 'register_no_candidate').executeTakeFirst())
})

t.test('CV upload: size limit, type checked by content, not for erased candidates, CSRF', async (t) => {
  const ctx = await setup(t, { CV_MAX_BYTES: '4096' })
  const { app } = ctx
  await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from('email,consent_given_at\na@example.se,2026-10-01\n') })
  const cand = await app.db.selectFrom('candidates').selectAll().executeTakeFirstOrThrow()
  const url = `/staff/registers/candidates/${cand.id}/cv`
  const big = await upload(ctx, url, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(5000)]) })
  t.equal(big.statusCode, 413)
  t.match(big.body, /för stor/)
  const fake = await upload(ctx, url, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: Buffer.from('MZ\x90\x00 this is an exe') })
  t.equal(fake.statusCode, 415, 'a .pdf name does not make a PDF')
  const html = await upload(ctx, url, {}, { filename: 'cv.html', contentType: 'text/html', data: Buffer.from('<script>alert(1)</script>') })
  t.equal(html.statusCode, 415)
  const none = await upload(ctx, url, {})
  t.equal(none.statusCode, 400)
  const missing = await upload(ctx, '/staff/registers/candidates/9999/cv', {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: PDF.subarray(0, 100) })
  t.equal(missing.statusCode, 404)
  const mp = multipart({ _csrf: 'wrong' }, { name: 'file', filename: 'cv.pdf', contentType: 'application/pdf', data: PDF.subarray(0, 100) })
  const noCsrf = await app.inject({ method: 'POST', url, headers: { cookie: ctx.jar.header, 'content-type': mp.contentType }, payload: mp.payload })
  t.equal(noCsrf.statusCode, 403)
  const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....[Content_Types].xml....word/document.xml....')])
  const ok = await upload(ctx, url, {}, { filename: 'CV Karin.docx', contentType: 'application/octet-stream', data: docx })
  t.equal(ok.statusCode, 303)
  const replaced = await upload(ctx, url, {}, { filename: 'cv.pdf', contentType: 'application/pdf', data: PDF.subarray(0, 100) })
  t.equal(replaced.statusCode, 303)
  t.equal((await app.db.selectFrom('candidates').select('cv_content_type').executeTakeFirstOrThrow()).cv_content_type, 'application/pdf')

  const viewer = await createStaff(app, { role: 'viewer' })
  const vjar = new Jar()
  await loginAs(app, vjar, viewer)
  const listed = await app.inject({ url: '/staff/registers', headers: { cookie: vjar.header } })
  t.equal(listed.statusCode, 200)
  t.notMatch(listed.body, /action="\/staff\/registers\/import"/, 'viewers get no import form')
  const refused = await staffForm(app, vjar, '/staff/registers', {}, { postPath: '/staff/registers/import' })
  t.equal(refused.statusCode, 403)
})

t.test('a candidate rectification: staff see proposed next to stored, approving applies it and tells the requester', async (t) => {
  const ctx = await setup(t)
  const { app } = ctx
  await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from('email,name,phone,consent_given_at\nrita@example.se,Rita R,+46701111111,2026-05-01\n') })
  const jar = new Jar()
  await submitForm(app, jar, '/request/rectification', { email: 'rita@example.se', relationship: 'candidate', incorrect: '+46701111111', correct: '+46 70 222 22 22' })
  const link = await confirmLink(ctx, 'rita@example.se')
  t.equal((await app.intake.confirm(link.split('/').pop()!)).state, 'confirmed')
  const c = await app.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow()
  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: ctx.jar.header } })
  t.match(page.body, /Föreslagen rättelse/)
  t.match(page.body, /\+46701111111/, 'stored value')
  t.match(page.body, /\+46 70 222 22 22/, 'proposed value')
  const proposal = await app.db.selectFrom('rectification_proposals').selectAll().executeTakeFirstOrThrow()
  t.equal(proposal.field, 'phone')

  const bad = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { proposal: String(proposal.id), field: 'email', value: 'not an email', decision: 'apply' }, { postPath: `/staff/cases/${c.id}/rectification` })
  t.equal(bad.statusCode, 400)
  const res = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { proposal: String(proposal.id), field: 'phone', value: '+46 70 222 22 22', decision: 'apply' }, { postPath: `/staff/cases/${c.id}/rectification` })
  t.equal(res.statusCode, 303)
  t.equal((await app.db.selectFrom('candidates').select('phone').executeTakeFirstOrThrow()).phone, '+46 70 222 22 22')
  t.equal((await app.db.selectFrom('cases').select('status').where('id', '=', c.id).executeTakeFirstOrThrow()).status, 'completed')
  const twice = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { proposal: String(proposal.id), field: 'phone', value: '+46 70 333', decision: 'apply' }, { postPath: `/staff/cases/${c.id}/rectification` })
  t.equal(twice.statusCode, 409)
  await ctx.flushMail()
  const told = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('rita@example.se') && /rättat din uppgift \(telefon\)/.test(m.parsed.text ?? ''))
  t.ok(told.length)

  // Art. 19 checklist on a rectification case.
  const after = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: ctx.jar.header } })
  t.match(after.body, /Mottagare att underrätta/)
  const ids = [...after.body.matchAll(/name="recipient" value="([a-z0-9_:-]+)"/g)].map((m) => m[1])
  t.ok(ids.length >= 2, 'recipients from the data map')
  const recipient = ids[0]
  const noReason = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { recipient, status: 'not_notified', reason: '' }, { postPath: `/staff/cases/${c.id}/recipients` })
  t.equal(noReason.statusCode, 400)
  const marked = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { recipient, status: 'not_notified', reason: 'Fick aldrig uppgifterna' }, { postPath: `/staff/cases/${c.id}/recipients` })
  t.equal(marked.statusCode, 303)
  const notified = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { recipient: ids[1], status: 'notified' }, { postPath: `/staff/cases/${c.id}/recipients` })
  t.equal(notified.statusCode, 303)
  const unknown = await staffForm(app, ctx.jar, `/staff/cases/${c.id}`, { recipient: 'martians', status: 'notified' }, { postPath: `/staff/cases/${c.id}/recipients` })
  t.equal(unknown.statusCode, 400)
  const shown = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: ctx.jar.header } })
  t.match(shown.body, /Fick aldrig uppgifterna/)
  t.ok(await app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.recipient').executeTakeFirst())
})
