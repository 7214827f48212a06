import t from 'tap'
import { createEngine } from '../../src/views/engine.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { buildTestApp, Jar, submitForm } from '../helpers/app.js'
import { openCase, postStatusReply } from '../helpers/cases.js'

/** Every name a field partial reads, set on the page around it to a value that must never show up. */
const POISON = 'LEAKED'
const PAGE = Object.fromEntries(['type', 'hint', 'error', 'value', 'autocomplete', 'maxlength', 'required', 'rows', 'placeholder', 'options', 'label'].map((k) => [k, k === 'options' ? [{ value: POISON, label: POISON }] : POISON]))

t.test('a partial given parameters sees only them: nothing of the page leaks into a field (issue 18)', async (t) => {
  const hbs = createEngine()
  for (const call of [
    '{{> field-text id="name" name="name" label="Name"}}',
    '{{> field-textarea id="details" name="details" label="Details"}}',
    '{{> field-select id="relationship" name="relationship" label="Relationship" options=list}}',
    '{{> field-radios id="consent" name="consent" label="Consent" options=list}}',
  ]) {
    const html = hbs.compile(call)({ ...PAGE, lang: 'en', list: [{ value: 'a', label: 'A' }] })
    t.notMatch(html, POISON, `${call.split(' ')[1]}: no value of the page in the field`)
    t.notMatch(html, /\b(required|aria-invalid|aria-describedby|maxlength|autocomplete)\b/, `${call.split(' ')[1]}: only what was passed`)
  }
  const input = hbs.compile('{{> field-text id="name" name="name" label="Name"}}')({ type: 'withdraw_consent', lang: 'sv' })
  t.match(input, /<input id="name" name="name" type="text"/, 'an input type defaults to text, whatever the page calls `type`')
  t.match(input, '(frivilligt)', 'the partial still reads the page language through @root')
  const email = hbs.compile('{{> field-text id="e" name="e" type="email" label="E" required=true}}')({ type: 'access', lang: 'en' })
  t.match(email, /type="email"[^>]* required aria-required="true"/, 'what is passed is used')
  const behalf = hbs.compile('{{> behalf-fields behalf=b values=v errors=e}}')({ ...PAGE, lang: 'en', b: { aboutOptions: [], kindOptions: [], proofHint: 'PDF' }, v: {}, e: {} })
  t.notMatch(behalf, POISON, 'behalf-fields and the fields inside it read only what they are given')
  t.match(behalf, /<input id="subject_name" name="subject_name" type="text"/)
})

/** The types a labelled input may have on the public forms. */
const INPUT_TYPES = new Set(['text', 'email', 'hidden', 'radio', 'checkbox', 'file'])

t.test('every input on every request form, in both languages and with errors, has a real input type', async (t) => {
  const { app } = await buildTestApp(t)
  for (const type of REQUEST_TYPES) {
    for (const lang of ['sv', 'en']) {
      const pages = [
        (await app.inject({ url: `/request/${type}?lang=${lang}&about=other` })).body,
        (await submitForm(app, new Jar(), `/request/${type}?lang=${lang}`, { email: 'bad', name: 'N'.repeat(300), about: 'other', lang })).body,
      ]
      for (const html of pages) {
        const types = [...html.matchAll(/<input\b[^>]*>/g)].map((m) => /\stype="([^"]*)"/.exec(m[0])?.[1] ?? '(none)')
        t.ok(types.length > 3, `${type} ${lang}: inputs found`)
        t.same(types.filter((x) => !INPUT_TYPES.has(x)), [], `${type} ${lang}: every input type is one of ${[...INPUT_TYPES].join(', ')}`)
        if (type !== 'unsubscribe') t.match(html, /<input id="name" name="name" type="text"/, `${type} ${lang}: the Name field is a text input`)
      }
    }
  }
})

t.test('after a bad submission the error summary is the first thing in the main content, focusable, with our own script (issue 18)', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const FIRST = /<main id="main" tabindex="-1">\s*<div class="wrap narrow">\s*<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary">/
  const SCRIPT = /<\/div>\s*<script src="\/static\/error-summary.js" defer><\/script>/
  for (const type of REQUEST_TYPES) {
    const res = await submitForm(app, new Jar(), `/request/${type}`, { email: 'bad' })
    t.equal(res.statusCode, 400)
    t.match(res.body, FIRST, `${type}: the summary comes before the heading`)
    t.match(res.body, SCRIPT, `${type}: the script that focuses it`)
    t.match(res.body, '<a href="#email">', `${type}: it links to the field`)
    t.notMatch(res.body, /<script>/, `${type}: no inline script`)
  }
  const clean = await app.inject({ url: '/request/access' })
  t.notMatch(clean.body, /<script/, 'a form without errors loads no script')
  const { statusToken } = await openCase(ctx, {})
  const reply = await postStatusReply(app, statusToken, '')
  t.equal(reply.statusCode, 400)
  t.match(reply.body, FIRST, 'status page: the summary comes first')
  t.match(reply.body, '<a href="#reply">')
  const script = await app.inject({ url: '/static/error-summary.js' })
  t.equal(script.statusCode, 200)
  t.match(script.headers['content-type'], /javascript/)
  t.match(script.body, "getElementById('error-summary')")
})
