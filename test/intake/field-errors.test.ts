import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { lookup } from '../../src/i18n/index.js'
import { translateErrors } from '../../src/http/render.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { validateRequest } from '../../src/intake/validate.js'
import { buildTestApp, Jar, submitForm } from '../helpers/app.js'

const long = (n: number) => 'x'.repeat(n)
/** Inputs that set off every message the public forms can give. */
const BAD: Array<Record<string, unknown>> = [
  { email: '', name: long(201), relationship: 'king', consent: 'nope', details: long(5001), incorrect: long(2001), correct: long(2001) },
  { email: 'not an address', about: 'maybe' },
  { email: 'a@example.com', about: 'other', subject_name: '', name: '' },
  { email: 'a@example.com', about: 'other', behalf_kind: 'guardian', subject_name: long(201), subject_email: 'nope', name: 'Rep' },
  { email: 'a@example.com' },
]

t.test('public validation messages are whole sentences of their own, never a label glued into one (issue 18)', async (t) => {
  for (const [lang, m] of [['sv', sv], ['en', en]] as const) {
    const seen = new Set<string>()
    for (const type of [...REQUEST_TYPES, 'nonsense']) {
      for (const raw of BAD) {
        const result = validateRequest({ ...raw, type }, { strictConsent: true })
        if (result.ok) continue
        for (const error of Object.values(result.errors)) {
          t.notOk(lookup(lang, error.key).includes('{field}'), `${lang}: ${error.key} is a sentence of its own, not a frame for a label`)
          t.notOk(error.params && 'field' in error.params, `${lang}: ${error.key} is given no label to glue in`)
        }
        for (const { message } of translateErrors(lang, result.errors).list) seen.add(message)
      }
    }
    t.ok(seen.size >= 12, `${lang}: the bad inputs set off many different messages (${seen.size})`)
    for (const message of seen) {
      t.notMatch(message, /[?!.]\./, `${lang}: no doubled punctuation in "${message}"`)
      t.notMatch(message, /\{\w+\}/, `${lang}: no placeholder left in "${message}"`)
      t.match(message, /^\p{Lu}.*\.$/u, `${lang}: "${message}" is a sentence`)
    }
    for (const glued of ['Välj ett av alternativen för', 'Choose one of the options for', 'must be at most 5000', 'får vara högst 5000']) {
      t.notOk([...seen].some((m) => m.includes(glued)), `${lang}: nothing reads "${glued} …"`)
    }
    t.ok(Object.values(m.formErrors).every((text) => !text.includes('{field}')), `${lang}: no form sentence has a label slot`)
  }
  const consent = validateRequest({ type: 'withdraw_consent', email: 'a@example.com' }, { strictConsent: true })
  t.same(translateErrors('sv', consent.ok ? {} : consent.errors).list, [{ id: 'consent', message: 'Välj vilket samtycke du vill återkalla.' }])
  const relationship = validateRequest({ type: 'access', email: 'a@example.com', relationship: 'king' }, { strictConsent: true })
  t.same(translateErrors('en', relationship.ok ? {} : relationship.errors).list, [{ id: 'relationship', message: 'Choose from the list how you are in contact with us.' }])
  const details = validateRequest({ type: 'access', email: 'a@example.com', details: long(5001) }, { strictConsent: true })
  t.same(translateErrors('en', details.ok ? {} : details.errors).list, [{ id: 'details', message: 'Describe your request in at most 5,000 characters.' }])
  t.same(translateErrors('sv', details.ok ? {} : details.errors).list, [{ id: 'details', message: 'Beskriv din begäran med högst 5\u00a0000 tecken.' }], 'numbers as Swedish writes them')
  const question = validateRequest({ type: 'question', email: 'a@example.com', details: long(5001) }, { strictConsent: true })
  t.same(translateErrors('en', question.ok ? {} : question.errors).list, [{ id: 'details', message: 'Write your question in at most 5,000 characters.' }], 'the question form speaks of the question')
})

t.test('the form page and the API say the same sentences', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await submitForm(app, new Jar(), '/request/access?lang=en', { email: 'a@example.com', details: long(5001), lang: 'en' })
  t.match(res.body, 'Describe your request in at most 5,000 characters.')
  t.notMatch(res.body, 'must be at most 5000')
  const api = await app.inject({ method: 'POST', url: '/api/v1/requests', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: { type: 'withdraw_consent', email: 'a@example.com', details: long(5001) } })
  t.equal(api.statusCode, 400)
  t.same(api.json().fields, { details: 'Describe your request in at most 5,000 characters.' })
})
