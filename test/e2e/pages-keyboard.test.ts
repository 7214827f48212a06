import type { Page } from 'playwright-core'
import t from 'tap'
import { DEFAULT_TEMPLATES } from '../../src/cases/templates.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { casesSv } from '../../src/i18n/cases.sv.js'
import { sv } from '../../src/i18n/sv.js'
import { Axe, chooseByKeys, launchBrowser, newContext, screenshot, tabTo } from '../helpers/browser.js'
import { mailTo, startPortal } from '../helpers/e2e.js'
import { linkIn } from '../helpers/smtp.js'

// Generous: on an overloaded shared machine this file took over 5 minutes (about a minute when idle is expected).
t.setTimeout(600_000)

/** The focused element draws a visible focus indicator (WCAG 2.4.7). */
async function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: Element | null } }).document.activeElement
    if (!el) return false
    const cs = getComputedStyle(el)
    return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none'
  })
}
declare function getComputedStyle(el: unknown): { outlineStyle: string; outlineWidth: string; boxShadow: string }
type Element = unknown

t.test('every public page passes axe (WCAG 2.1 A and AA), in both languages', async (t) => {
  const portal = await startPortal(t)
  const browser = await launchBrowser(t)
  const axe = await Axe.open(t, browser, portal.url)
  for (const lang of ['sv', 'en'] as const) {
    const ctx = await newContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB')
    const page = await ctx.newPage()
    const publicPages = ['/', '/register', '/request', ...REQUEST_TYPES.map((type) => `/request/${type}`), '/no/such/page', '/verify/' + 'A'.repeat(43), '/status/' + 'B'.repeat(43), '/staff/login', '/staff/setup/' + 'C'.repeat(43)]
    for (const path of publicPages) {
      await page.goto(portal.url + path)
      await axe.check(t, page, `${lang} ${path}`)
    }
    // Forms sent back with errors (empty and invalid), and a wrong sign-in.
    await page.goto(portal.url + '/request/rectification')
    await page.fill('#email', 'not an address')
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')])
    t.ok(await page.$('.error-summary'), 'the error summary shows')
    await axe.check(t, page, `${lang} request form with errors`)
    await page.goto(portal.url + '/staff/login')
    await page.fill('#email', 'nobody@xtractor.se')
    await page.fill('#password', 'wrong password here')
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')])
    await axe.check(t, page, `${lang} staff login with an error`)

    // The staff pages are checked with axe in test/e2e/staff-layout.test.ts, on seeded cases.
    await ctx.close()
  }
})

t.test('keyboard only: submit and confirm a request; staff sign in, take the case and write; the requester reads and answers', async (t) => {
  const portal = await startPortal(t)
  const browser = await launchBrowser(t)
  const ctx = await newContext(browser, 'sv-SE')
  const page = await ctx.newPage()
  const email = 'keyboard@example.se'
  const name = 'Tangent Bordsson'
  const shot = (name: string) => screenshot(page, 'keyboard', name)

  await page.goto(portal.url + '/')
  await page.keyboard.press('Tab')
  t.equal(await page.evaluate(() => (globalThis as any).document.activeElement.className), 'skip-link', 'the first Tab reaches the skip link')
  t.ok(await focusVisible(page), 'the skip link shows focus')
  await page.keyboard.press('Enter')
  t.equal(await page.evaluate(() => (globalThis as any).document.activeElement.id), 'main', 'Enter on the skip link moves focus to the content')
  // From the content, Tab to the access request link and follow it.
  await tabTo(page, 'a[href^="/request/access"]')
  t.ok(await focusVisible(page), 'links show focus')
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
  t.match(new URL(page.url()).pathname, '/request/access')

  await tabTo(page, '#email')
  t.ok(await focusVisible(page), 'inputs show focus')
  await page.keyboard.type(email)
  await tabTo(page, '#name')
  await page.keyboard.type(name)
  await tabTo(page, '#details')
  await page.keyboard.type('Skickad bara med tangentbordet.')
  await tabTo(page, 'main form button[type=submit]')
  t.ok(await focusVisible(page), 'the button shows focus')
  await shot('form-focused-submit')
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
  t.equal(await page.textContent('h1'), sv.inbox.title)

  const link = linkIn((await mailTo(portal.smtp, email, /\/verify\//)).parsed.text, `${portal.url}/verify/`)
  await page.goto(link)
  await tabTo(page, 'main form button[type=submit]')
  await shot('confirm-focused')
  await Promise.all([page.waitForURL(/\/status\//), page.keyboard.press('Enter')])
  const reference = (await page.textContent('dl.summary dd'))!.trim()
  t.match(reference, /\d/, 'confirmed: the status page shows the reference')
  await shot('status')

  // Staff: sign in, open the case from the queue, assign it to themselves — keys only.
  const staffCtx = await newContext(browser, 'sv-SE')
  const staff = await staffCtx.newPage()
  await staff.goto(portal.url + '/staff/login')
  await tabTo(staff, '#email')
  await staff.keyboard.type(portal.staff.handler.email)
  await tabTo(staff, '#password')
  await staff.keyboard.type(portal.staff.handler.password)
  await Promise.all([staff.waitForURL(/\/staff(\?|$)/), staff.keyboard.press('Enter')])
  t.ok(await staff.$('table.queue'), 'signed in: the queue shows')
  await tabTo(staff, `table.queue a[href^="/staff/cases/"]`, 100)
  await Promise.all([staff.waitForURL(/\/staff\/cases\/\d+$/), staff.keyboard.press('Enter')])
  t.match(await staff.textContent('h1'), reference)
  await tabTo(staff, '#assign-form button[value="me"]', 100)
  t.ok(await focusVisible(staff), 'the secondary button shows focus')
  await Promise.all([staff.waitForNavigation(), staff.keyboard.press('Enter')])
  t.notOk(await staff.$('#assign-form button[value="me"]'), 'assigned to me')
  await screenshot(staff, 'keyboard', 'staff-assigned')

  // Start work: the status select is worked with the arrow keys.
  await tabTo(staff, '#status', 150)
  t.ok(await focusVisible(staff), 'the select shows focus')
  await chooseByKeys(staff, 'in_progress')
  await tabTo(staff, '#status-form button[type=submit]')
  await Promise.all([staff.waitForNavigation(), staff.keyboard.press('Enter')])
  t.notOk(await staff.$('.error-summary, .error-message'), 'handling started')
  t.equal(await staff.textContent('.status-in_progress'), casesSv.statuses.in_progress, 'the case is in progress')

  // Write to the requester: type the question, tick "wait for the answer" with Space, send with Enter.
  const question = 'Hej! Vilket kundnummer gäller det? (skrivet med tangentbordet)'
  await tabTo(staff, '#message-text', 150)
  t.ok(await focusVisible(staff), 'the text area shows focus')
  await staff.keyboard.type(question)
  await tabTo(staff, '#awaitReply')
  t.ok(await focusVisible(staff), 'the checkbox shows focus')
  await staff.keyboard.press('Space')
  t.ok(await staff.isChecked('#awaitReply'), 'Space ticks the checkbox')
  await tabTo(staff, '#message-form button[type=submit]')
  await screenshot(staff, 'keyboard', 'staff-message-typed')
  await Promise.all([staff.waitForNavigation(), staff.keyboard.press('Enter')])
  t.notOk(await staff.$('.error-summary, .error-message'), 'the message was sent')
  t.match(await staff.textContent('ol.timeline'), question, 'the message is on the case page')
  t.equal(await staff.textContent('.status-awaiting_requester'), casesSv.statuses.awaiting_requester, 'the case waits for the requester')

  // The requester opens the link in the email, reads the message and answers — keys only.
  const questionMail = await mailTo(portal.smtp, email, /Vilket kundnummer/)
  await page.goto(linkIn(questionMail.parsed.text, `${portal.url}/status/`))
  t.match(await page.textContent('ol.messages'), question, 'the message shows on the status page')
  t.match(await page.textContent('main'), sv.status.awaiting, 'the page says an answer is awaited')
  const answer = 'Kundnummer 4711. Svarat utan mus.'
  await tabTo(page, '#reply')
  t.ok(await focusVisible(page), 'the reply field shows focus')
  await page.keyboard.type(answer)
  await tabTo(page, 'form[action$="/reply"] button[type=submit]')
  await shot('status-reply-typed')
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
  t.match(await page.textContent('.notice'), sv.status.replySent, 'the answer is sent')
  t.match(await page.textContent('ol.messages'), answer, 'the answer is on the status page')
  await shot('status-answered')

  // Staff see the answer, then answer by choosing a template with the arrow keys.
  await staff.reload()
  t.match(await staff.textContent('ol.timeline'), answer, 'staff see the answer on the case page')
  t.equal(await staff.textContent('.status-in_progress'), casesSv.statuses.in_progress, 'the answer restarted the clock')
  await tabTo(staff, '#template', 150)
  await chooseByKeys(staff, 'answer')
  await tabTo(staff, '#message-form button[type=submit]')
  await Promise.all([staff.waitForNavigation(), staff.keyboard.press('Enter')])
  t.notOk(await staff.$('.error-summary, .error-message'), 'the template message was sent')
  const greeting = DEFAULT_TEMPLATES.answer.sv.body.split('\n')[0].replace('{{name}}', name)
  await screenshot(staff, 'keyboard', 'staff-template-sent')

  const answerMail = await mailTo(portal.smtp, email, new RegExp(greeting))
  await page.goto(linkIn(answerMail.parsed.text, `${portal.url}/status/`))
  t.match(await page.textContent('ol.messages'), greeting, 'the templated answer shows on the status page')
  await shot('status-template-answer')
})
