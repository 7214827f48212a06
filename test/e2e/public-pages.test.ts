import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { buildTestApp } from '../helpers/app.js'
import { freePort } from '../helpers/server.js'
import { Axe, launchBrowser, screenshot } from '../helpers/browser.js'
import { codeIn, insertCandidate, insertSubscriber, unzip } from '../helpers/package.js'
import { insertStaff } from '../helpers/cases.js'
import { staffActor } from '../../src/staff/actor.js'
import { sentPackage } from '../helpers/package-flow.js'

// These run inside the browser; the project's TypeScript has no DOM library.
declare const document: any
declare const window: any

t.setTimeout(600_000)

/** The app of this process listening on a free port of 127.0.0.1, with PUBLIC_URL set to it (so links in emails lead there). */
async function listening(t: Test, env: Record<string, string> = {}) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const ctx = await buildTestApp(t, { env: { PUBLIC_URL: url, ...env } })
  await ctx.app.listen({ port, host: '127.0.0.1' })
  return { ...ctx, url }
}

function portalContext(browser: Browser, lang: 'sv' | 'en', width: number): Promise<BrowserContext> {
  return browser.newContext({ locale: lang === 'sv' ? 'sv-SE' : 'en-GB', viewport: { width, height: width < 400 ? 640 : 800 }, acceptDownloads: true, extraHTTPHeaders: { 'accept-language': lang } })
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null)
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

t.test('after a bad submission the focus is on the error summary, and its links move it into the field (issue 18)', async (t) => {
  const { url } = await listening(t)
  const browser = await launchBrowser(t)
  for (const lang of ['sv', 'en'] as const) {
    for (const width of [1280, 320]) {
      const context = await portalContext(browser, lang, width)
      const page = await context.newPage()
      await page.goto(`${url}/request/withdraw_consent`)
      await page.fill('#email', 'not an address')
      await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')])
      await page.waitForFunction(() => document.activeElement?.id === 'error-summary')
      t.equal(await focused(page), 'error-summary', `${lang} ${width}: the summary has the focus`)
      t.equal(await page.evaluate(() => document.querySelector('main .wrap').firstElementChild.id), 'error-summary', `${lang} ${width}: it is the first thing in the main content`)
      t.ok(await page.evaluate(() => { const r = document.getElementById('error-summary').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight }), `${lang} ${width}: and in view`)
      t.ok(await overflow(page) <= 0, `${lang} ${width}: no sideways scrolling`)
      await screenshot(page, `public-${lang}-${width}`, 'form-errors-focused')
      await page.click('#error-summary a[href="#consent"]')
      t.equal(await focused(page), 'consent-recruitment', `${lang} ${width}: the consent link focuses the first choice`)
      await page.click('#error-summary a[href="#email"]')
      t.equal(await focused(page), 'email', `${lang} ${width}: the email link focuses the field`)
      const pos = await page.evaluate(() => ({ top: document.querySelector('label[for=email]').getBoundingClientRect().top, y: window.scrollY, h: window.innerHeight, hash: window.location.hash }))
      t.ok(pos.top >= 4 && pos.top < pos.h / 2, `${lang} ${width}: with its label in view ${JSON.stringify(pos)}`)
      await context.close()
    }
  }
})

t.test('the package page: the steps, and a confirmation once the download has started; report.html passes axe and reads on a phone', async (t) => {
  const ctx = await listening(t, { DATA_DIR: t.testdir() })
  // Found in both registers: the report has named recipients, a system with none named, and a transfer (Art. 15(1)(c), 15(2)).
  const subject = 'alexandra.averylongsurname@example-company.se'
  const admin = staffActor((await insertStaff(ctx.app, 'admin')).id)
  await ctx.app.dataMap.updateSystem(admin, 'newsletter', {
    recipients: [{ name: { sv: 'Exempel Utskick AB', en: 'Example Mailing Ltd' }, description: { sv: 'Skickar nyhetsbrevet åt oss.', en: 'Sends the newsletter for us.' } }],
    transfers: [{ country: 'US', safeguard: { sv: 'EU–US Data Privacy Framework', en: 'EU–US Data Privacy Framework' } }],
  })
  await insertSubscriber(ctx.app, subject, { name: 'Alexandra' })
  await insertCandidate(ctx.app, subject, { name: 'Alexandra' })
  const { statusPath, email } = await sentPackage(ctx, { lang: 'en', email: subject, name: 'Alexandra Averylongsurname-Withadoublebarrel' })
  const browser = await launchBrowser(t)
  const axe = await Axe.open(t, browser, ctx.url)
  let report = ''
  for (const lang of ['en', 'sv'] as const) {
    const m = lang === 'sv' ? sv : en
    const context = await portalContext(browser, lang, 320)
    const page = await context.newPage()
    await page.goto(`${ctx.url}${statusPath}?lang=${lang}`)
    await axe.check(t, page, `${lang} status page with a package`)
    await Promise.all([page.waitForNavigation(), page.click(`a.button:text("${m.access.status.getCopy}")`)])
    t.equal(await page.textContent('#step-code-title'), m.access.status.step1)
    t.equal(await page.textContent('#step-enter-title'), m.access.status.step2)
    await screenshot(page, `public-${lang}-320`, 'package')
    await axe.check(t, page, `${lang} package page`)
    const before = ctx.smtp.to(email).length
    await Promise.all([page.waitForNavigation(), page.click(`button:text("${m.access.status.askCode}")`)])
    await ctx.flushMail()
    const mails = await ctx.smtp.waitFor((x) => x.envelopeTo.includes(email), before + 1)
    const code = codeIn(mails[mails.length - 1].parsed.text)
    await page.fill('#code', code)
    t.equal(await page.getAttribute('#code', 'inputmode'), 'numeric')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button:text("${m.access.status.download}")`)])
    await page.waitForFunction(() => document.getElementById('download-started').textContent !== '')
    t.equal(await page.textContent('#download-started'), m.access.status.started, `${lang}: the page says the download has started`)
    t.equal(await page.getAttribute('#download-started', 'role'), 'status', 'read out by screen readers')
    t.equal(await page.inputValue('#code'), '', 'the used code is cleared')
    t.equal(await context.cookies().then((c) => c.filter((x) => x.name === 'dsr_download').length), 0, 'the signal cookie is gone again')
    await screenshot(page, `public-${lang}-320`, 'package-downloaded')
    await axe.check(t, page, `${lang} package page after the download`)
    if (lang === 'en') {
      const path = await download.path()
      report = (await unzip(readFileSync(path))).get('report.html')!.toString('utf8')
    }
    await context.close()
  }

  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 700 }, javaScriptEnabled: false })
    const page = await context.newPage()
    await page.setContent(report)
    if (width === 320) for (const id of ['recipients', 'transfers']) t.equal(await page.locator(`h3#${id}`).count(), 1, `the ${id} section`)
    t.ok(await overflow(page) <= 0, `report.html at ${width} px: no sideways scrolling`)
    t.equal(await page.locator('main').count(), 1, 'one main landmark')
    await screenshot(page, 'report', `${width}`)
    await axe.check(t, page, `report.html at ${width} px`)
    await context.close()
  }
})
