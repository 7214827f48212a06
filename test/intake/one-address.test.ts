import { domainToASCII } from 'node:url'
import t from 'tap'
import { emailWarning, parseEmail } from '../../src/intake/email-address.js'
import { buildTestApp, Jar, submitForm } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { setup, upload } from '../helpers/registers.js'
import { apiTokenFor, createStaff, loginAs, staffForm } from '../helpers/staff.js'
import { suppressionHash } from '../../src/registers/suppression-hash.js'

// Issue 14 §2: one mailbox is one address, however it was typed.

const HIDDEN = ['\u200b', '\u2060', '\u00ad', '\ufeff', '\u200e', '\u202e', '\u0000', '\u0007', '\u180e', '\u3164']
/** The mailbox a mail server would deliver to: what remains once the invisible characters are gone. */
const mailbox = (address: string) => address.replace(/[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, '').toLowerCase()

t.test('the one reading of an address: trimmed, NFC, domain lower-case Unicode, hidden characters refused', async (t) => {
  t.same(parseEmail('  Anna@Exämple.SE '), { ok: true, email: 'Anna@exämple.se', key: 'anna@exämple.se' })
  t.same(parseEmail('anna@xn--exmple-cua.se'), { ok: true, email: 'anna@exämple.se', key: 'anna@exämple.se' }, 'an A-label is stored as its U-label')
  t.same(parseEmail('anna@ＥＸＡＭＰＬＥ.se'), { ok: true, email: 'anna@example.se', key: 'anna@example.se' }, 'full-width domain folded (UTS #46)')
  t.same(parseEmail('jose\u0301@example.se'), { ok: true, email: 'jos\u00e9@example.se', key: 'jos\u00e9@example.se' }, 'NFC')
  for (const ch of HIDDEN) t.same(parseEmail(`vic${ch}tim@example.se`), { ok: false, problem: 'hidden_characters' }, `U+${ch.codePointAt(0)!.toString(16)} refused`)
  t.same(parseEmail('victim@exa\u200bmple.se'), { ok: false, problem: 'hidden_characters' }, 'in the domain too (IDNA would silently drop it)')
  t.same(parseEmail('no-at-sign'), { ok: false, problem: 'invalid' })
  t.same(parseEmail(''), { ok: false, problem: 'required' })
  t.equal(emailWarning('\u0430nna@example.se'), 'mixed_scripts', 'Cyrillic а among Latin letters')
  t.equal(emailWarning('anna@ex\u0430mple.se'), 'mixed_scripts', 'in a domain label')
  t.equal(emailWarning('иван@mail.ru'), null, 'a Cyrillic local part at a Latin domain is not mixed')
  t.equal(emailWarning('tanaka東京@example.jp'), null, 'Latin with Han is allowed (UTS #39 highly restrictive)')
  t.equal(emailWarning('anna@example.se'), null)
})

t.test('9 confirmation emails in an hour to one mailbox through invisible characters: refused, the limit holds (limit 3)', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_ADDRESS_PER_HOUR: '3' } })
  const variants = HIDDEN.slice(0, 9).map((ch) => `vic${ch}tim@example.se`)
  for (const email of variants) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email } })
    t.equal(res.statusCode, 400, `U+${email.codePointAt(3)!.toString(16)} refused`)
    t.match(res.json().fields?.email, /osynliga tecken eller styrtecken/)
  }
  const en = await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', lang: 'en', email: 'vic\u200btim@example.se' } })
  t.match(en.json().fields?.email, /invisible or control characters/, 'in English too')
  // The ways to type the same address that are accepted all count as that one address.
  for (const email of ['victim@example.se', 'victim@EXAMPLE.SE', 'victim@ＥＸＡＭＰＬＥ.se', ' victim@example.se', 'Victim@Example.se', 'victim@example.se']) {
    t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email } })).statusCode, 202)
  }
  await h.flushMail()
  const toVictim = h.smtp.received.filter((m) => m.envelopeTo.some((a) => mailbox(a) === 'victim@example.se'))
  t.equal(toVictim.length, 3, 'three emails reach the mailbox, not nine')
  t.same([...new Set(toVictim.flatMap((m) => m.envelopeTo))], ['victim@example.se'], 'sent to the address in its one form')
})

t.test('the form says so in Swedish and English and keeps what was typed', async (t) => {
  const h = await buildTestApp(t)
  const sv = await submitForm(h.app, new Jar(), '/request/access', { email: 'anna\u200b@example.se' })
  t.equal(sv.statusCode, 400)
  t.match(sv.body, 'E-postadressen innehåller osynliga tecken eller styrtecken')
  t.match(sv.body, 'value="anna\u200b@example.se"')
  const en = await submitForm(h.app, new Jar(), '/request/access?lang=en', { email: 'anna\u2060@example.se' })
  t.equal(en.statusCode, 400)
  t.match(en.body, 'The email address contains invisible or control characters')
  t.equal((await h.app.db.selectFrom('submissions').select('id').execute()).length, 0)
})

t.test('an internationalised domain is stored as lower-case Unicode and matched whichever form was typed', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_ADDRESS_PER_HOUR: '2' } })
  const typed: Array<[string, string]> = [['access', 'Åsa@Bäckström.SE'], ['erasure', `åsa@${domainToASCII('bäckström.se')}`], ['restriction', 'ÅSA@BÄCKSTRÖM.se']]
  for (const [type, email] of typed) t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type, email } })).statusCode, 202)
  const rows = await h.app.db.selectFrom('submissions').select(['email', 'email_key']).orderBy('id').execute()
  t.same(
    rows.map((r) => r.email_key),
    ['åsa@bäckström.se', 'åsa@bäckström.se'],
    'two stored (limit 2): the third form is the same address',
  )
  t.same(
    rows.map((r) => r.email),
    ['Åsa@bäckström.se', 'åsa@bäckström.se'],
  )
})

t.test('a suppressed address cannot be subscribed again through invisible characters or another spelling (API and CSV import)', async (t) => {
  const ctx = await setup(t)
  const auth = { authorization: `Bearer ${await apiTokenFor(ctx.app, ctx.admin)}` }
  await ctx.app.db.insertInto('suppression_hashes').values({ email_hash: suppressionHash(ctx.app.config.suppressionKey, 'gone@exämple.se'), reason: 'objection', case_id: null, created_at: '2026-11-01T00:00:00.000Z' }).execute()
  for (const ch of HIDDEN) {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: `go${ch}ne@exämple.se` } })
    t.equal(res.statusCode, 400, `U+${ch.codePointAt(0)!.toString(16)}: refused`)
    t.match(res.json().fields.email, /invisible or control characters/)
  }
  for (const email of ['gone@xn--exmple-cua.se', 'GONE@EXÄMPLE.SE', 'gone@exa\u0308mple.se']) {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email } })
    t.equal(res.statusCode, 409, `${email}: suppressed`)
  }
  const csv = 'email;name\ngo\u200bne@exämple.se;A\ngone\u2060@exämple.se;B\ngone@xn--exmple-cua.se;C\n'
  const imported = await upload(ctx, '/staff/registers/import', { register: 'subscribers', partial: 'on' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  t.match(imported.body, /Rad 2: e-postadressen innehåller osynliga tecken eller styrtecken/)
  t.match(imported.body, /Rad 3: e-postadressen innehåller osynliga tecken eller styrtecken/)
  t.equal((await ctx.app.db.selectFrom('newsletter_subscribers').select('id').execute()).length, 0, 'nobody subscribed')
})

t.test('staff entry points read addresses the same way: manual case form and API', async (t) => {
  const h = await buildTestApp(t)
  const handler = await createStaff(h.app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(h.app, jar, handler)
  const fields = { type: 'access', channel: 'email', receivedAt: '2026-11-24', lang: 'sv' }
  const page = await staffForm(h.app, jar, '/staff/cases/new', { ...fields, email: 'anna\u200b@example.se' })
  t.equal(page.statusCode, 400)
  t.match(page.body, 'E-postadressen innehåller osynliga tecken eller styrtecken')
  const auth = { authorization: `Bearer ${await apiTokenFor(h.app, handler)}` }
  const api = await h.app.inject({ method: 'POST', url: '/api/v1/cases', headers: auth, payload: { ...fields, email: 'anna\u00ad@example.se' } })
  t.equal(api.statusCode, 400)
  t.match(api.json().fields.email, /invisible or control characters/)
  const ok = await h.app.inject({ method: 'POST', url: '/api/v1/cases', headers: auth, payload: { ...fields, email: 'Anna@XN--EXMPLE-CUA.SE' } })
  t.equal(ok.statusCode, 201)
  t.equal(ok.json().email, 'Anna@exämple.se')
  t.equal(ok.json().emailWarning, null)
})

t.test('a mixed-script address is accepted and flagged to staff: case JSON, case page, register page', async (t) => {
  const h = await buildTestApp(t)
  const spoof = '\u0430nna@example.se' // Cyrillic а
  const opened = await openCase(h, { email: spoof })
  const plain = await openCase(h, { email: 'anna@example.se' })
  const admin = await createStaff(h.app, { role: 'admin' })
  const auth = { authorization: `Bearer ${await apiTokenFor(h.app, admin)}` }
  t.equal((await h.app.inject({ url: `/api/v1/cases/${opened.case.id}`, headers: auth })).json().emailWarning, 'mixed_scripts')
  t.equal((await h.app.inject({ url: `/api/v1/cases/${plain.case.id}`, headers: auth })).json().emailWarning, null)
  const jar = new Jar()
  await loginAs(h.app, jar, admin)
  const page = await h.app.inject({ url: `/staff/cases/${opened.case.id}`, headers: { cookie: jar.header } })
  t.match(page.body, 'Blandade skriftsystem')
  t.notMatch((await h.app.inject({ url: `/staff/cases/${plain.case.id}`, headers: { cookie: jar.header } })).body, 'Blandade skriftsystem')
  const created = await h.app.inject({ method: 'POST', url: '/api/v1/subscribers', headers: auth, payload: { email: spoof } })
  t.equal(created.statusCode, 201, 'accepted')
  const registers = await h.app.inject({ url: '/staff/registers', headers: { cookie: jar.header } })
  t.match(registers.body, 'Blandade skriftsystem')
})
