import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Test } from 'tap'
import t from 'tap'
import { buildTestApp, csrfFrom, Jar, PUBLIC_URL } from '../helpers/app.js'
import { multipart } from '../helpers/multipart.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'
import { publicDir } from '../../src/paths.js'
import { runRetention } from '../../src/registers/retention.js'
import { suppressionHash } from '../../src/registers/suppression-hash.js'

// Issue 15 §5: a request made for someone else. GDPR Art. 12(2) (facilitate the exercise of the
// rights), Art. 12(6) (reasonable doubts about identity), EDPB Guidelines 01/2022 section 3.4 (requests via proxies).

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])

async function setup(t: Test, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dsr-behalf-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir, ...env } })
  const handler = await createStaff(ctx.app, { role: 'handler' })
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, handler)}` }
  return { ...ctx, dataDir, auth }
}

/** GETs the form and POSTs it back as multipart/form-data, as a browser with the file field does. */
async function postForm(app: Awaited<ReturnType<typeof setup>>['app'], jar: Jar, type: string, fields: Record<string, string>, file?: { filename: string; contentType: string; data: Buffer }, lang = 'sv') {
  const page = await app.inject({ url: `/request/${type}?lang=${lang}`, headers: { cookie: jar.header } })
  jar.store(page)
  const body = multipart({ _csrf: csrfFrom(page.body), lang, ...fields }, file ? { name: 'proof', ...file } : undefined)
  const res = await app.inject({ method: 'POST', url: `/request/${type}`, headers: { cookie: jar.header, 'content-type': body.contentType }, payload: body.payload })
  jar.store(res)
  return res
}

async function confirmLatest(ctx: Awaited<ReturnType<typeof setup>>, to: string) {
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes(to) && /\/verify\//.test(m.parsed.text ?? ''))
  const token = new URL(linkIn(mails[mails.length - 1].parsed.text!, `${PUBLIC_URL}/verify/`)).pathname.split('/').pop()!
  const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
  if (res.statusCode !== 200) throw new Error('confirm failed ' + res.statusCode)
  return ctx.app.db.selectFrom('cases').selectAll().where('reference', '=', res.json().reference).executeTakeFirstOrThrow()
}

t.test('Art. 12(2): every public form but the unsubscribe asks whether the request is about the person, and works without JavaScript', async (t) => {
  const { app } = await setup(t)
  for (const type of ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'withdraw_consent', 'question']) {
    const sv = await app.inject({ url: `/request/${type}?lang=sv` })
    t.match(sv.body, 'Gäller begäran dig själv?', `${type}: asked in Swedish`)
    t.match(sv.body, 'enctype="multipart/form-data"', `${type}: the proof can be sent by a plain HTML form`)
    for (const label of ['Jag är förälder eller vårdnadshavare till ett barn', 'Jag har en fullmakt', 'Annat ombud']) t.match(sv.body, label)
    t.match(sv.body, /<input id="proof" name="proof" type="file"/)
    t.notMatch(sv.body, /<script/, 'no script needed: the fields are in the page, only CSS hides them')
    t.match(sv.body, '<input id="name" name="name" type="text"', `${type}: the name field is a text field (it took the request type as its input type)`)
    t.match(sv.body, '<input id="subject_name" name="subject_name" type="text"')
    const en = await app.inject({ url: `/request/${type}?lang=en` })
    t.match(en.body, 'Is this request about you?')
    t.match(en.body, 'I am a parent or guardian of a child')
    t.match(en.body, 'I have a power of attorney')
    t.match(en.body, 'Other representative')
  }
  const unsubscribe = await app.inject({ url: '/request/unsubscribe?lang=sv' })
  t.notMatch(unsubscribe.body, 'Gäller begäran dig själv?', 'the unsubscribe form does not ask')
})

t.test('Art. 12(6), EDPB 01/2022 section 3.4: a guardian asks with a proof; the representative is verified by email, nothing acts until staff tick the authority, then the registers act on the data subject’s address and everything goes to the representative', async (t) => {
  const ctx = await setup(t)
  const { app, auth, dataDir, smtp } = ctx
  // The child's address is in the newsletter register.
  const sub = await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'barn@example.se', name: 'Kim Barn' } })
  t.equal(sub.statusCode, 201)

  const jar = new Jar()
  const res = await postForm(app, jar, 'withdraw_consent', {
    email: 'forälder@example.se'.replace('ä', 'a'),
    name: 'Pat Förälder',
    consent: 'newsletter',
    about: 'other',
    behalf_kind: 'guardian',
    subject_name: 'Kim Barn',
    subject_email: 'Barn@Example.se',
  }, { filename: 'personbevis.png', contentType: 'image/png', data: PNG })
  t.equal(res.statusCode, 200, res.body.slice(0, 500))
  t.match(res.body, /Kolla din e-post/)

  const c = await confirmLatest(ctx, 'foralder@example.se')
  t.equal(c.email, 'foralder@example.se', "the case's address is the representative's, the one confirmed")
  t.equal(c.name, 'Pat Förälder', "the representative's own name is recorded")
  t.equal(c.on_behalf_kind, 'guardian')
  t.equal(c.subject_name, 'Kim Barn')
  t.equal(c.subject_email, 'Barn@example.se')
  t.equal(c.proof_name, 'personbevis.png')
  t.equal(c.proof_type, 'image/png')
  t.ok(c.proof_file!.startsWith('proofs/'))
  const stored = resolve(dataDir, c.proof_file!)
  t.ok(existsSync(stored), 'the proof is stored under DATA_DIR')
  t.notOk(stored.startsWith(resolve(publicDir)), 'not in a served folder')
  t.equal(c.status, 'new', 'a withdrawal for someone else is not carried out at confirmation')
  const still = await app.db.selectFrom('newsletter_subscribers').select('status').where('email_normalized', '=', 'barn@example.se').executeTakeFirstOrThrow()
  t.equal(still.status, 'subscribed', "the child's subscription is untouched before the authority is checked")
  t.equal((await app.db.selectFrom('suppression_hashes').select('email_hash').execute()).length, 0)

  const json = await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })
  t.match(json.json().onBehalfOf, { kind: 'guardian', subjectName: 'Kim Barn', subjectEmail: 'Barn@example.se', proof: { name: 'personbevis.png', contentType: 'image/png' }, authorityChecked: false })
  t.equal(json.json().email, 'foralder@example.se')

  // Staff see both addresses and the checklist item; the proof downloads, audited.
  const staffJar = new Jar()
  const admin = await createStaff(app, { role: 'admin' })
  const { loginAs } = await import('../helpers/staff.js')
  await loginAs(app, staffJar, admin)
  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: staffJar.header } })
  t.match(page.body, 'Begäran för någon annans räkning')
  t.match(page.body, 'foralder@example.se')
  t.match(page.body, 'Barn@example.se')
  t.match(page.body, 'Ombudets behörighet är kontrollerad')
  t.match(page.body, `action="/staff/cases/${c.id}/authority"`)
  const proof = await app.inject({ url: `/staff/cases/${c.id}/proof`, headers: { cookie: staffJar.header } })
  t.equal(proof.statusCode, 200)
  t.equal(proof.headers['content-type'], 'image/png')
  t.equal(proof.headers['cache-control'], 'no-store')
  t.match(String(proof.headers['content-disposition']), /^attachment/)
  t.same(proof.rawPayload, PNG)
  t.equal((await app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.proof_download').execute()).length, 1)

  // The case cannot be completed before the tick.
  await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/status`, headers: auth, payload: { status: 'in_progress' } })
  const early = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/status`, headers: auth, payload: { status: 'completed' } })
  t.equal(early.statusCode, 409)
  t.equal(early.json().error, 'authority_unchecked')

  // The tick: audited, on the timeline, and the registers act on the child's address.
  const tick = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/authority`, headers: auth, payload: { checked: true } })
  t.equal(tick.statusCode, 200, tick.body)
  t.equal(tick.json().onBehalfOf.authorityChecked, true)
  t.equal(tick.json().status, 'completed', 'the opt-out is carried out and the case completed')
  t.equal(tick.json().email, 'foralder@example.se')
  const after = await app.db.selectFrom('newsletter_subscribers').select('status').where('email_normalized', '=', 'barn@example.se').executeTakeFirstOrThrow()
  t.equal(after.status, 'unsubscribed')
  t.same((await app.db.selectFrom('suppression_hashes').select('email_hash').execute()).map((r) => r.email_hash), [suppressionHash(app.config.suppressionKey, 'barn@example.se')])
  t.equal((await app.db.selectFrom('audit_log').select('id').where('action', '=', 'case.authority_check').execute()).length, 1)
  const twice = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/authority`, headers: auth, payload: { checked: true } })
  t.equal(twice.statusCode, 409, 'ticked once')

  const told = await app.db.selectFrom('outbox').select(['to_address']).where('kind', '=', 'register_done').execute()
  t.same(told.map((r) => r.to_address), ['foralder@example.se'], 'the outcome goes to the representative')
  await ctx.flushMail()
  await smtp.waitFor((m) => m.envelopeTo.includes('foralder@example.se'), 3)
  t.notOk(smtp.received.some((m) => m.envelopeTo.some((to) => to.toLowerCase() === 'barn@example.se')), 'nothing is ever sent to the data subject’s address')

  // Deleted with the case: the retention run reduces the closed case and removes the file.
  ctx.clock.advance(6 * 366 * 86_400_000)
  await runRetention(app.db, ctx.config, app.clock(), { type: 'system', id: null })
  t.notOk(existsSync(stored), 'the proof file is deleted with the case')
  const gone = await app.db.selectFrom('cases').select(['proof_file', 'subject_name', 'subject_email']).where('id', '=', c.id).executeTakeFirstOrThrow()
  t.same(gone, { proof_file: null, subject_name: null, subject_email: null })
})

t.test('Art. 12(6): a proof is checked by its first bytes and size; a refused one is not stored and the form keeps what was typed', async (t) => {
  const ctx = await setup(t, { PROOF_MAX_BYTES: '2048' })
  const { app, dataDir } = ctx
  const fields = { email: 'ombud@example.se', name: 'Olle Ombud', about: 'other', behalf_kind: 'power_of_attorney', subject_name: 'Mia Huvudman' }
  const exe = await postForm(app, new Jar(), 'access', fields, { filename: 'fullmakt.pdf', contentType: 'application/pdf', data: Buffer.from('MZ\x90\x00 not a pdf') })
  t.equal(exe.statusCode, 400)
  t.match(exe.body, 'Underlaget måste vara en PDF-, JPEG- eller PNG-fil.')
  t.match(exe.body, 'value="Mia Huvudman"', 'what was typed comes back')
  const big = await postForm(app, new Jar(), 'access', fields, { filename: 'fullmakt.pdf', contentType: 'application/pdf', data: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 32)]) }, 'en')
  t.equal(big.statusCode, 400)
  t.match(big.body, 'The file is too large. It may be at most 2 kB.')
  const noName = await postForm(app, new Jar(), 'access', { ...fields, name: '' })
  t.equal(noName.statusCode, 400)
  t.match(noName.body, 'Skriv ditt eget namn när du begär för någon annans räkning.')
  const noKind = await postForm(app, new Jar(), 'access', { ...fields, behalf_kind: 'uncle' })
  t.equal(noKind.statusCode, 400)
  t.match(noKind.body, 'Välj vad du är för den som begäran gäller.')
  t.equal((await app.db.selectFrom('submissions').select('id').execute()).length, 0, 'nothing stored')
  t.same(existsSync(join(dataDir, 'proofs')) ? readdirSync(join(dataDir, 'proofs')) : [], [], 'no file left behind')

  // A good PDF is stored; an unconfirmed submission takes its file with it when purged.
  const ok = await postForm(app, new Jar(), 'access', fields, { filename: 'fullmakt.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.7\n%%EOF\n') })
  t.equal(ok.statusCode, 200)
  const sub = await app.db.selectFrom('submissions').selectAll().executeTakeFirstOrThrow()
  t.equal(sub.on_behalf_kind, 'power_of_attorney')
  t.equal(sub.proof_type, 'application/pdf')
  t.ok(existsSync(join(dataDir, sub.proof_file!)))
  ctx.clock.advance((ctx.config.unverifiedRetentionDays + 1) * 86_400_000)
  await runRetention(app.db, ctx.config, app.clock(), { type: 'system', id: null })
  t.equal((await app.db.selectFrom('submissions').select('id').execute()).length, 0)
  t.notOk(existsSync(join(dataDir, sub.proof_file!)), "an unconfirmed submission's proof goes with it")
})

t.test('API: onBehalfOf is validated, shown in the case JSON, and a case for someone else gathers registers only after the authority check', async (t) => {
  const ctx = await setup(t)
  const { app, auth } = ctx
  const bad = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'ombud@example.se', name: 'Olle', onBehalfOf: { kind: 'guardian', subjectName: '   ', subjectEmail: 'not-an-address' } } })
  t.equal(bad.statusCode, 400)
  t.ok(bad.json().fields['onBehalfOf.subjectName'])
  t.ok(bad.json().fields['onBehalfOf.subjectEmail'])
  const noName = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'ombud@example.se', onBehalfOf: { kind: 'guardian', subjectName: 'Kim' } } })
  t.equal(noName.statusCode, 400)
  t.ok(noName.json().fields.name, "the representative's own name is required")
  const badKind = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'ombud@example.se', name: 'Olle', onBehalfOf: { kind: 'uncle', subjectName: 'Kim' } } })
  t.equal(badKind.statusCode, 400)

  await app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: 'huvudman@example.se', name: 'Mia' } })
  const res = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'ombud@example.se', name: 'Olle Ombud', lang: 'en', onBehalfOf: { kind: 'power_of_attorney', subjectName: 'Mia Huvudman', subjectEmail: 'huvudman@example.se' } } })
  t.equal(res.statusCode, 202)
  const c = await confirmLatest(ctx, 'ombud@example.se')
  const json = (await app.inject({ url: `/api/v1/cases/${c.id}`, headers: auth })).json()
  t.same(json.onBehalfOf, { kind: 'power_of_attorney', subjectName: 'Mia Huvudman', subjectEmail: 'huvudman@example.se', proof: null, authorityChecked: false, authorityCheckedAt: null })

  const early = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/compile`, headers: auth, payload: {} })
  t.equal(early.statusCode, 409, 'no register is searched before the authority check')
  await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/authority`, headers: auth, payload: { checked: true } })
  const pkg = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/package/compile`, headers: auth, payload: {} })
  t.equal(pkg.statusCode, 201, pkg.body)
  t.equal(pkg.json().contents.newsletter, 1, "the data subject's newsletter record is found by their address")
})
