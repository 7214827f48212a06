import type { AddressObject } from 'mailparser'
import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { buildTestApp, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'

function addresses(a: AddressObject | AddressObject[] | undefined) {
  return (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value)
}

/** The header block of a raw message, with folded lines joined. */
function headerLines(raw: string): string[] {
  const head = raw.split(/\r?\n\r?\n/)[0]
  return head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)
}

for (const lang of ['sv', 'en'] as const) {
  t.test(`a real SMTP round trip in ${lang}: headers, text and HTML, and the link confirms once`, async (t) => {
    const h = await buildTestApp(t, { env: { STAFF_EMAIL: 'dpo@xtractor.se' } })
    const { app, smtp } = h
    const msgs = lang === 'sv' ? sv : en
    const res = await submitForm(app, new Jar(), `/request/access${lang === 'en' ? '?lang=en' : ''}`, { email: 'Round.Trip@Example.se', name: 'Åsa Öberg & Co' })
    t.equal(res.statusCode, 200)
    await h.flushMail()
    const [mail] = await smtp.waitFor(() => true)
    t.same(mail.envelopeTo, ['Round.Trip@example.se'], 'one recipient, domain lower-cased')
    const from = addresses(mail.parsed.from)
    t.same(from, [{ address: 'dsr@xtractor.se', name: 'Xtractor Interactive AB' }], 'From is MAIL_FROM')
    const to = addresses(mail.parsed.to)
    t.same(to, [{ address: 'Round.Trip@example.se', name: '' }], 'To: the bare address (issue 14: nothing the submitter typed before the address is confirmed)')
    t.equal(mail.parsed.subject, msgs.email.verifySubject)
    const row = await app.db.selectFrom('outbox').selectAll().where('kind', '=', 'verify').executeTakeFirstOrThrow()
    t.equal(mail.parsed.messageId, row.message_id, 'Message-ID as stored in the outbox')
    t.match(row.message_id, /^<[^@>]+@xtractor\.se>$/, 'Message-ID on the sender domain')
    t.equal(mail.parsed.headers.get('content-language'), lang)
    t.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated')
    t.ok(mail.parsed.date, 'has a Date')
    t.match(mail.parsed.text, msgs.email.greetingNoName, 'the greeting names no one')
    t.notOk(`${mail.parsed.text}${mail.parsed.html}${mail.parsed.subject}`.includes('Öberg'), 'the name is nowhere in the confirmation email')
    t.ok(mail.parsed.html, 'has an HTML part')
    t.match(mail.parsed.html as string, `lang="${lang}"`)
    t.match(mail.raw, /multipart\/alternative/, 'text and HTML as alternatives')
    const link = linkIn(mail.parsed.text, `${PUBLIC_URL}/verify/`)
    t.ok((mail.parsed.html as string).includes(`href="${link}"`), 'the HTML links to the same place')

    const token = link.split('/').pop()
    const ok = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
    t.equal(ok.statusCode, 200)
    const again = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
    t.equal(again.statusCode, 410, 'the link confirms once')

    await h.flushMail()
    const [receipt] = await smtp.waitFor((m) => m.envelopeTo.includes('Round.Trip@example.se') && m !== mail)
    t.equal(receipt.parsed.subject, msgs.email.receiptSubject.replace('{reference}', ok.json().reference))
    t.equal(linkIn(receipt.parsed.text, `${PUBLIC_URL}/status/`), ok.json().statusUrl)
    t.match(receipt.parsed.text, ok.json().reference)
    // Confirmed: the name may appear, in To: and the greeting.
    t.same(addresses(receipt.parsed.to), [{ address: 'Round.Trip@example.se', name: 'Åsa Öberg & Co' }], 'To has the name and address')
    t.match(receipt.parsed.text, msgs.email.greeting.replace('{name}', 'Åsa Öberg & Co'), 'plain text keeps & as it is')
    t.match(receipt.parsed.html as string, 'Åsa Öberg &amp; Co', 'HTML escapes the name')
    t.ok(receipt.parsed.html)
    t.equal(receipt.parsed.headers.get('content-language'), lang)
    const [staff] = await smtp.waitFor((m) => m.envelopeTo.includes('dpo@xtractor.se'))
    t.match(staff.parsed.subject, ok.json().reference)
    t.notOk(staff.parsed.text?.includes('Round.Trip'), 'the staff notice does not carry the address')
  })
}

t.test('CR/LF in a name adds no header and no recipient, before confirmation and in the receipt that carries the name', async (t) => {
  const h = await buildTestApp(t)
  const { app, smtp } = h
  // No "@" in these names: the name rule refuses names with addresses (issue 14 §4), and the
  // injection still tries a header line of its own.
  const names = ['Eve\r\nBcc: evil', 'Eve\nBcc: evil2', 'Eve\rCc: evil3', 'Eve\u2028Bcc: evil4', 'Eve"\r\n\r\nBody injected', '=?utf-8?q?Eve=0D=0ABcc=3A_evil5?=']
  for (const [i, name] of names.entries()) {
    const res = await submitForm(app, new Jar(), '/request/access', { email: `eve${i}@example.com`, name })
    t.equal(res.statusCode, 200)
  }
  const api = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'eveapi@example.com', name: 'Eve\r\nBcc: evilapi\r\nX-Evil: 1' } })
  t.equal(api.statusCode, 202)
  await h.flushMail()
  await smtp.waitFor(() => true, names.length + 1)
  // Confirm each: the receipt greets the person by name and may carry it in To:.
  for (const mail of [...smtp.received]) {
    const token = linkIn(mail.parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })).statusCode, 200)
  }
  await h.flushMail()
  await smtp.waitFor(() => true, 2 * (names.length + 1))
  t.ok(smtp.received.some((m) => /Eve/.test(m.parsed.text ?? '')), 'a receipt carries the name')
  for (const mail of smtp.received) {
    t.equal(mail.envelopeTo.length, 1, 'one envelope recipient')
    t.match(mail.envelopeTo[0], /^eve(\d|api)@example\.com$/)
    t.equal(addresses(mail.parsed.to).length, 1, 'one To address')
    t.notOk(mail.parsed.cc, 'no Cc')
    t.notOk(mail.parsed.bcc, 'no Bcc')
    const lines = headerLines(mail.raw)
    t.notOk(lines.some((l) => /^(bcc|cc|x-evil):/i.test(l)), 'no injected header line')
    t.notOk(/evil/.test(mail.envelopeTo.join()), 'no evil recipient')
    t.notOk(mail.parsed.text?.startsWith('Body injected'), 'body not replaced')
  }
  const stored = await app.db.selectFrom('submissions').select('name').execute()
  for (const s of stored) t.notMatch(s.name ?? '', /[\r\n\u2028]/, 'stored names have no line breaks')
})
