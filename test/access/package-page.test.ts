import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { publicDir } from '../../src/paths.js'
import { buildTestApp, csrfFrom, form, Jar } from '../helpers/app.js'
import { unzip } from '../helpers/package.js'
import { askCode, sentPackage } from '../helpers/package-flow.js'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;')

t.test('the package page: numbered steps, a code input phones fill in, the summary first (issue 18)', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { statusPath, email } = await sentPackage(ctx, { lang: 'en' })
  for (const [lang, m] of [['en', en], ['sv', sv]] as const) {
    const page = await ctx.app.inject({ url: `${statusPath}/package?lang=${lang}` })
    t.equal(page.statusCode, 200)
    const step1 = page.body.indexOf(`<h2 id="step-code-title">${esc(m.access.status.step1)}</h2>`)
    const step2 = page.body.indexOf(`<h2 id="step-enter-title">${esc(m.access.status.step2)}</h2>`)
    t.ok(step1 > 0 && step2 > step1, `${lang}: "${m.access.status.step1}" comes before "${m.access.status.step2}"`)
    t.ok(page.body.indexOf('action="' + statusPath + '/package/code"') > step1 && page.body.indexOf('action="' + statusPath + '/package/download"') > step2, `${lang}: each step holds its own form`)
    const input = /<input id="code"[^>]*>/.exec(page.body)![0]
    t.match(input, 'inputmode="numeric"', `${lang}: phones show the number pad`)
    t.match(input, 'autocomplete="one-time-code"', `${lang}: the code from the email can be filled in`)
    t.match(input, 'type="text"')
    t.match(input, 'class="input-short"', `${lang}: a short box for a short answer`)
    t.match(page.body, /<script src="\/static\/package-download.js" defer><\/script>/, `${lang}: our own script tells when the download has started`)
    t.match(page.body, `data-message="${esc(m.access.status.started)}"`)
    t.notMatch(page.body, /<script>/, 'no inline script')
  }
  const script = await ctx.app.inject({ url: '/static/package-download.js' })
  t.equal(script.statusCode, 200)
  t.match(script.headers['content-type'], /javascript/)

  // A wrong code: the summary is the first thing in the main content and links to the field.
  const jar = new Jar()
  await askCode(ctx, jar, statusPath, email)
  const page = await ctx.app.inject({ url: `${statusPath}/package?lang=en`, headers: { cookie: jar.header } })
  jar.store(page)
  const wrong = await ctx.app.inject({ method: 'POST', url: `${statusPath}/package/download`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(page.body), code: '12', lang: 'en' }) })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, /<main id="main" tabindex="-1">\s*<div class="wrap narrow">\s*<div class="error-summary"[^>]*tabindex="-1" id="error-summary">/, 'the error summary comes first in the main content')
  t.match(wrong.body, '<a href="#code">')
})

t.test('the download answers with a cookie the page script waits for; only a value of the right shape', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { statusPath, email } = await sentPackage(ctx)
  const download = async (started: string) => {
    const jar = new Jar()
    const { code } = await askCode(ctx, jar, statusPath, email)
    const page = await ctx.app.inject({ url: `${statusPath}/package`, headers: { cookie: jar.header } })
    jar.store(page)
    return ctx.app.inject({ method: 'POST', url: `${statusPath}/package/download`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(page.body), code: code!, started }) })
  }
  const nonce = 'a1'.repeat(16)
  const ok = await download(nonce)
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['content-type'], 'application/zip', 'the answer is still the ZIP itself')
  const cookie = (ok.cookies as Array<{ name: string; value: string; path?: string; httpOnly?: boolean; maxAge?: number; sameSite?: string }>).find((c) => c.name === 'dsr_download')
  t.equal(cookie?.value, nonce, 'the page’s value comes back')
  t.equal(cookie?.path, '/status')
  t.notOk(cookie?.httpOnly, 'the page script reads it')
  t.ok(cookie?.maxAge && cookie.maxAge <= 120, 'it lives a couple of minutes')
  const odd = await download('<script>')
  t.equal(odd.statusCode, 200)
  t.notOk((odd.cookies as Array<{ name: string }>).some((c) => c.name === 'dsr_download'), 'anything else sets no cookie')
})

t.test('the cover letter names the button the case page shows, in both languages', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  for (const [lang, m] of [['sv', sv], ['en', en]] as const) {
    const { case: c, statusPath } = await sentPackage(ctx, { lang })
    const letter = (await ctx.app.accessPackages.find(c.id))!.cover_letter!
    t.notMatch(letter, /link below|länken nedan/, `${lang}: the letter does not point below (on the case page the button is above it)`)
    t.match(letter, m.access.status.getCopy, `${lang}: the letter names the button "${m.access.status.getCopy}"`)
    const status = await ctx.app.inject({ url: `${statusPath}?lang=${lang}` })
    t.match(status.body, new RegExp(`<a class="button" href="${statusPath}/package">${esc(m.access.status.getCopy)}</a>`), `${lang}: and the case page has that button`)
    t.match(status.body, esc(letter.split('\n')[0]), `${lang}: the letter is on the case page too`)
  }
})

t.test('report.html: a main landmark and regions, readable on a phone', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { statusPath, email } = await sentPackage(ctx, { lang: 'en' })
  const jar = new Jar()
  const { code } = await askCode(ctx, jar, statusPath, email)
  const page = await ctx.app.inject({ url: `${statusPath}/package`, headers: { cookie: jar.header } })
  jar.store(page)
  const zip = await ctx.app.inject({ method: 'POST', url: `${statusPath}/package/download`, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrfFrom(page.body), code: code! }) })
  const html = (await unzip(zip.rawPayload)).get('report.html')!.toString('utf8')
  t.match(html, /<main>\s*<h1>/, 'the content is in <main>, starting with its heading')
  t.equal(html.match(/<main>/g)?.length, 1)
  t.ok(html.indexOf('</main>') < html.indexOf('<footer>'), 'the contact line is the footer, after main')
  for (const id of ['letter', 'your-data', 'information', 'attachments']) t.match(html, new RegExp(`<section aria-labelledby="${id}">\\s*<h2 id="${id}">`), `a region named by its heading: ${id}`)
  t.notMatch(html, /<th>/, 'every header cell says it heads its row')
  t.match(html, '<meta name="viewport" content="width=device-width, initial-scale=1">')
  t.match(html, /@media \(max-width: 36rem\) \{[\s\S]*?table, tbody, tr, th, td \{ display: block;/, 'on a phone each label sits above its value')
  t.notMatch(html, /<link |<script/, 'nothing outside the file')
})

t.test('the scripts are ours, small and have no inline part', async (t) => {
  for (const file of ['error-summary.js', 'package-download.js']) {
    const text = readFileSync(join(publicDir, file), 'utf8')
    t.ok(text.length < 4000, `${file} is small`)
    t.notMatch(text, /eval\(|innerHTML|document\.write/, `${file} builds no markup from strings`)
  }
})
