import fc from 'fast-check'
import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { switchUrl } from '../../src/http/render.js'
import { buildTestApp, Jar, submitForm } from '../helpers/app.js'
import { openCase, postStatusReply } from '../helpers/cases.js'

/** The switch link of a page, as a browser reads the attribute. */
const switchOf = (html: string) => /<nav[^>]*class="lang-switch"[\s\S]*?href="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=')

t.test('the check-your-inbox page stays that page when the language is switched (issue 18)', async (t) => {
  const { app } = await buildTestApp(t)
  const jar = new Jar()
  const sent = await submitForm(app, jar, '/request/erasure', { email: 'switch@example.se' })
  t.equal(sent.statusCode, 200)
  t.match(sent.body, `<h1>${sv.inbox.title}</h1>`)
  const link = switchOf(sent.body)
  t.equal(link, '/request/erasure/sent?lang=en', 'the switch leads to the same page, not back to the form')
  const english = await app.inject({ url: link, headers: { cookie: jar.header } })
  t.equal(english.statusCode, 200)
  t.match(english.body, `<h1>${en.inbox.title}</h1>`, 'the same page in English')
  t.notMatch(english.body, 'switch@example.se', 'it holds nothing personal')
  t.equal(switchOf(english.body), '/request/erasure/sent?lang=sv', 'and back')
  t.equal((await app.inject({ url: '/request/nonsense/sent' })).statusCode, 404)
})

t.test('answers to a POST switch to the page above them, never to a path that has no page', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const { statusToken } = await openCase(ctx, {})
  const reply = await postStatusReply(app, statusToken, '')
  t.equal(reply.statusCode, 400)
  t.equal(switchOf(reply.body), `/status/${statusToken}?lang=en`, 'a reply with an error: the status page')
  const followed = await app.inject({ url: switchOf(reply.body) })
  t.equal(followed.statusCode, 200)
  const discard = await app.inject({ method: 'POST', url: `/verify/${'A'.repeat(43)}/discard`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(switchOf(discard.body), `/verify/${'A'.repeat(43)}?lang=en`, 'a discarded link: the link page, which says so')
  const sentBack = await app.inject({ method: 'POST', url: '/request/access', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=x' })
  t.equal(switchOf(sentBack.body), '/request/access?lang=en', 'a form sent back: the form')
})

t.test('the switch link never leaves the site, whatever the path', async (t) => {
  const base = 'https://portal.test'
  for (const url of ['//evil.example/x', '/\\evil.example', '/\t/evil.example', '/%09/evil.example', '/\n/evil.example', '/./\\/evil', '\\\\evil', '/😀/x?a=1']) {
    for (const method of ['GET', 'POST']) {
      const href = switchUrl({ url, method, routeOptions: { url } }, 'en', { hasGet: () => true })
      const resolved = new URL(href, base)
      t.equal(resolved.origin, base, `${method} ${JSON.stringify(url)} → ${href}`)
    }
  }
  t.equal(switchUrl({ url: '/😀/x?a=1', method: 'GET' }, 'en'), '/%F0%9F%98%80/x?a=1&lang=en', 'other characters are kept, encoded')
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('GET', 'POST'), fc.option(fc.string({ maxLength: 20 })), (url, method, path) => {
      const href = switchUrl({ url, method, routeOptions: { url } }, 'sv', { path: path ?? undefined, hasGet: () => true })
      const resolved = new URL(href, base)
      return resolved.origin === base && href.startsWith('/') && !/^\/[/\\]/.test(href) && resolved.searchParams.get('lang') === 'sv'
    }),
    { numRuns: 3000 },
  )
})
