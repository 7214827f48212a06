import fc from 'fast-check'
import t from 'tap'
import { buildTestApp, form, Jar, PUBLIC_URL, submitForm } from '../helpers/app.js'
import { linkIn } from '../helpers/smtp.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

/**
 * What a requester types is shown later on staff pages, the status page and in emails. Each
 * payload carries a tag (<x-fuzz…>) that only appears raw if something was left unescaped, and
 * CR/LF header lines that only appear as headers if a header was injected.
 */
/** Names with a link or an address are refused (issue 14 §4); the name keeps every other character. */
const nameRuleSafe = (s: string) => s.replace(/@/g, '(at)').replace(/:\/\//g, ':/ /').replace(/www\./gi, 'www .')

const INJECTED = /^(bcc|cc|to|x-injected|content-type):/im

t.test('requester input is escaped on every page and never adds an email header', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_IP_PER_HOUR: '100000', LIMIT_ADDRESS_PER_HOUR: '100000' } })
  const { app, smtp } = h
  const admin = await createStaff(app, { role: 'admin' })
  const staffJar = new Jar()
  await loginAs(app, staffJar, admin)
  const normal = await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email: 'baseline@example.se', name: 'Base Line' } })
  t.equal(normal.statusCode, 202)
  await h.flushMail()
  const baselineHeaders = new Set([...smtp.to('baseline@example.se')[0].parsed.headers.keys()])

  const decoration = fc.constantFrom('', '"', "'", '">', "'>", '</textarea>', '</title>', '{{', '}}', '\r\nBcc: evil@attacker.example', '\nX-Injected: yes', '\r\n\r\n<html>', "' OR '1'='1", '; DROP TABLE cases;--', '\u202e', '&amp;', '&lt;x-fuzz&gt;')
  let n = 0
  const pages: string[] = []
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 20 }), decoration, decoration, fc.constantFrom('form', 'api'), fc.constantFrom('sv', 'en'), async (free, before, after, via, lang) => {
      n++
      const tag = `<x-fuzz-${n} a="${n}">`
      const payload = (s: string) => `${before}${s}${tag}${free}${after}`
      const email = `fuzz${n}@example.se`
      const fields = { email, name: nameRuleSafe(payload('Namn')), details: payload('Detaljer'), incorrect: payload('Fel'), correct: payload('Rätt') }
      const res =
        via === 'form'
          ? await submitForm(app, new Jar(), `/request/rectification?lang=${lang}`, fields)
          : await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'accept-language': lang }, payload: { type: 'rectification', ...fields } })
      pages.push(res.body)
      if (res.statusCode !== 200 && res.statusCode !== 202) throw new Error(`submit ${res.statusCode}: ${res.body.slice(0, 200)}`)
      // A bad address (with an injected header) in the form comes back with what was typed, escaped.
      const bad = await submitForm(app, new Jar(), '/request/access', { ...fields, email: payload(email) })
      pages.push(bad.body)
      await h.flushMail()
      const mail = smtp.to(email).at(-1)
      if (!mail) throw new Error('no verification email')
      const verify = linkIn(mail.parsed.text, `${PUBLIC_URL}/verify/`)
      const token = verify.split('/').pop()!
      const ok = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } })
      const statusToken = ok.json().statusUrl.split('/').pop()
      const reference = ok.json().reference as string
      // Staff find it, read it, answer with a payload of their own; the requester answers back.
      const queue = await app.inject({ url: `/staff?q=${encodeURIComponent(reference)}`, headers: { cookie: staffJar.header } })
      const id = /href="\/staff\/cases\/(\d+)"/.exec(queue.body)![1]
      pages.push(queue.body)
      await staffForm(app, staffJar, `/staff/cases/${id}/assign`, { assignee: 'me' }, { formPath: `/staff/cases/${id}` })
      await staffForm(app, staffJar, `/staff/cases/${id}/status`, { status: 'in_progress', reason: payload('Skäl') }, { formPath: `/staff/cases/${id}` })
      await staffForm(app, staffJar, `/staff/cases/${id}/notes`, { text: payload('Anteckning') }, { formPath: `/staff/cases/${id}` })
      await staffForm(app, staffJar, `/staff/cases/${id}/messages`, { text: payload('Meddelande'), lang }, { formPath: `/staff/cases/${id}` })
      const replyPage = await app.inject({ url: `/status/${statusToken}` })
      const replyJar = new Jar()
      replyJar.store(replyPage)
      const csrf = /name="_csrf" value="([^"]+)"/.exec(replyPage.body)![1]
      const replied = await app.inject({ method: 'POST', url: `/status/${statusToken}/reply`, headers: { cookie: replyJar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf, reply: payload('Svar'), lang }) })
      pages.push(replied.body)
      for (const url of [`/staff/cases/${id}`, `/staff?q=${encodeURIComponent(payload('x'))}`, '/staff', '/staff/reports', '/staff/deadlines', `/api/v1/cases/${id}`]) {
        pages.push((await app.inject({ url, headers: { cookie: staffJar.header } })).body)
      }
      pages.push((await app.inject({ url: `/status/${statusToken}` })).body)
      await h.flushMail()
      for (const m of smtp.received.filter((m) => m.envelopeTo.includes(email))) {
        if (m.parsed.html && /<x-fuzz/.test(m.parsed.html)) throw new Error('unescaped tag in an email: ' + m.parsed.html.slice(0, 300))
        const head = m.raw.split(/\r?\n\r?\n/)[0]
        if (INJECTED.test(head.replace(/^(To|Content-Type):.*$/gim, ''))) throw new Error('injected header: ' + head)
        for (const k of m.parsed.headers.keys()) if (!baselineHeaders.has(k) && !/^(in-reply-to|references|auto-submitted|x-auto-response-suppress)$/.test(k)) throw new Error(`extra header ${k}`)
        if (m.envelopeTo.some((a) => a !== email)) throw new Error('a second recipient: ' + m.envelopeTo.join(', '))
      }
      for (const body of pages.splice(0)) {
        const raw = /<x-fuzz/.exec(body)
        if (raw) throw new Error('unescaped payload: ' + body.slice(Math.max(0, raw.index - 200), raw.index + 100))
      }
    }),
    { numRuns: Number(process.env.FUZZ_STORED_RUNS ?? 25), seed: 4711 },
  )
  t.notOk(smtp.received.some((m) => m.envelopeTo.includes('evil@attacker.example')), 'no email ever went to an injected address')
  t.ok(smtp.received.length >= n * 2, `${smtp.received.length} emails checked for ${n} payload sets`)
})
