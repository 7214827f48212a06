import t from 'tap'
import { verifyEmailRenderer, type VerifyEmailParts } from '../../src/intake/verify-email.js'
import { emailRenderer, type RenderEmail } from '../../src/mail/render.js'
import { newToken } from '../../src/security/tokens.js'
import { createEngine } from '../../src/views/engine.js'

const parts = (lang: 'sv' | 'en', type: string): VerifyEmailParts => ({ lang, type, typeTitle: `title of ${type}`, linkBase: 'https://dsr.example.com/a&b=c/verify/', hours: 24 })

t.test('a confirmation email made from the cached rendering is exactly the one the templates render', async (t) => {
  const render = emailRenderer(createEngine(), { name: 'Example AB', logo: null })
  let calls = 0
  const counting: RenderEmail = (...args) => {
    calls++
    return render(...args)
  }
  const verifyEmail = verifyEmailRenderer(counting)
  for (const [lang, type] of [['sv', 'access'], ['en', 'access'], ['en', 'erasure'], ['sv', 'access']] as const) {
    for (let i = 0; i < 3; i++) {
      const token = newToken()
      const p = parts(lang, type)
      const expected = render('verify', lang, 'email.verifySubject', { typeTitle: p.typeTitle, link: p.linkBase + token, hours: p.hours })
      t.same(verifyEmail(p, token), expected, `${lang} ${type}: byte for byte`)
      t.match(expected.text, token, 'the token is in the email')
    }
  }
  // Two renderings (the stand-in and its check) per language and type, then none.
  t.equal(calls, 2 * 3, 'rendered once per language and type, with its check')
})

t.test('a template that does not print the link as it is given is rendered in full for every email', async (t) => {
  let calls = 0
  // Prints the link in capitals: swapping a stand-in token would not give what rendering gives.
  const shouting: RenderEmail = (_name, _lang, _key, data) => {
    calls++
    const link = String(data.link)
    return { subject: 'Confirm', text: `Open ${link.toUpperCase()}\n`, html: `<a href="${link}">${link.toUpperCase()}</a>` }
  }
  const verifyEmail = verifyEmailRenderer(shouting)
  const token = newToken()
  const mail = verifyEmail(parts('en', 'access'), token)
  t.equal(mail.text, `Open ${(parts('en', 'access').linkBase + token).toUpperCase()}\n`, 'what the template makes of this token')
  const before = calls
  const other = newToken()
  t.equal(verifyEmail(parts('en', 'access'), other).text, `Open ${(parts('en', 'access').linkBase + other).toUpperCase()}\n`)
  t.equal(calls, before + 1, 'rendered again, in full')
})
