import type { Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import { casesEn } from '../../src/i18n/cases.en.js'
import { casesSv } from '../../src/i18n/cases.sv.js'
import { Axe, launchBrowser, newContext, screenshot } from '../helpers/browser.js'
import { mailTo, startPortal, type Portal } from '../helpers/e2e.js'
import { linkIn } from '../helpers/smtp.js'

/**
 * The whole journey in a real browser: a person asks, confirms from the email, staff answer,
 * the person replies — once in Swedish and once in English. Every page is checked with axe.
 */
/** Clicks a submit button and waits for the page it leads to. */
async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation(), page.click(selector)])
}

async function journey(t: Test, browser: Browser, axe: Axe, portal: Portal, lang: 'sv' | 'en') {
  const L = lang === 'sv' ? sv : en
  const C = lang === 'sv' ? casesSv : casesEn
  const shot = (page: Page, name: string) => screenshot(page, `journey-${lang}`, name)
  const email = `person-${lang}@example.se`
  const name = lang === 'sv' ? 'Åsa Öberg' : 'Alex Smith'
  const message = lang === 'sv' ? 'Hej! Vi behöver veta vilket kundkonto det gäller.' : 'Hello! Which customer account is this about?'
  const answer = lang === 'sv' ? 'Det gäller kontot för Exempel AB.' : 'It is the account of Example Ltd.'

  const person = await newContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB')
  const page = await person.newPage()
  await page.goto(portal.url + '/')
  t.equal(await page.getAttribute('html', 'lang'), lang, 'the browser language picks the page language')
  await shot(page, 'home')
  await axe.check(t, page, `${lang} home`)

  await page.goto(portal.url + '/request/access')
  await page.fill('#email', email)
  await page.fill('#name', name)
  await page.fill('#details', lang === 'sv' ? 'Jag vill ha en kopia av mina uppgifter.' : 'I would like a copy of my data.')
  await shot(page, 'form-filled')
  await axe.check(t, page, `${lang} request form`)
  await submit(page, 'form button[type=submit]')
  t.equal(await page.textContent('h1'), L.inbox.title, 'check-your-inbox page')
  await shot(page, 'check-inbox')
  await axe.check(t, page, `${lang} check inbox`)

  const verifyMail = await mailTo(portal.smtp, email, /\/verify\//)
  const verifyLink = linkIn(verifyMail.parsed.text, `${portal.url}/verify/`)
  await page.goto(verifyLink)
  t.equal(await page.textContent('h1'), L.verify.title)
  await shot(page, 'confirm')
  await axe.check(t, page, `${lang} confirm page`)
  await Promise.all([page.waitForURL(/\/status\//), page.click('form button[type=submit]')])
  const statusUrl = page.url()
  t.match(await page.textContent('h1'), /DSR-|[A-Z]{2,}/, 'the status page names the case')
  await shot(page, 'status')
  await axe.check(t, page, `${lang} status page`)
  const reference = (await page.textContent('dl.summary dd'))!.trim()

  // Staff sign in, find the case in the queue, assign it, write to the requester.
  const staffCtx = await newContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB')
  const staff = await staffCtx.newPage()
  await staff.goto(portal.url + '/staff/login')
  await shot(staff, 'staff-login')
  await axe.check(t, staff, `${lang} staff login`)
  await staff.fill('#email', portal.staff.handler.email)
  await staff.fill('#password', portal.staff.handler.password)
  await Promise.all([staff.waitForURL(/\/staff(\?|$)/), staff.click('form button[type=submit]')])
  if (lang === 'en') {
    // Staff pages follow the member's saved language (Swedish here); the switch changes it.
    await submit(staff, '.lang-switch a')
    t.equal(await staff.getAttribute('html', 'lang'), 'en', 'staff pages switched to English')
  }
  await staff.fill('#filter-q', reference)
  await Promise.all([staff.waitForURL(/q=/), staff.click('.queue-filters button[type=submit]')])
  await shot(staff, 'staff-queue')
  await axe.check(t, staff, `${lang} staff queue`)
  await Promise.all([staff.waitForURL(/\/staff\/cases\/\d+$/), staff.click(`table.queue a:text("${reference}")`)])
  await shot(staff, 'staff-case')
  await axe.check(t, staff, `${lang} staff case page`)
  await submit(staff, `#assign-form button:text("${C.casePage.assignMe}")`)
  t.notOk(await staff.$(`#assign-form button:text("${C.casePage.assignMe}")`), 'assigned to me')
  t.match(await staff.textContent('#assignee option[selected]'), 'Hanna Handläggare', 'the select shows me')
  await shot(staff, 'staff-assigned')
  await staff.selectOption('#status', 'in_progress')
  await submit(staff, '#status-form button[type=submit]')
  t.notOk(await staff.$('.error-summary, .error-message'), 'handling started')
  await staff.fill('#message-text', message)
  await staff.check('#awaitReply')
  await submit(staff, '#message-form button[type=submit]')
  t.notOk(await staff.$('.error-summary, .error-message'), 'the message was sent')
  t.equal(await staff.inputValue('#message-text'), '', 'the form is empty again')
  t.match(await staff.textContent('main'), message, 'the message is on the case page')
  await shot(staff, 'staff-message-sent')
  await axe.check(t, staff, `${lang} staff case page after message`)

  // The requester gets an email, sees the message on the status page and answers.
  const note = await mailTo(portal.smtp, email, new RegExp(reference.replace(/[-]/g, '\\-')), 1)
  t.ok(note, 'an email tells the requester there is a message')
  await page.goto(statusUrl)
  t.match(await page.textContent('ol.messages'), message, 'the message shows on the status page')
  await shot(page, 'status-with-message')
  await axe.check(t, page, `${lang} status page with a message`)
  await page.fill('#reply', answer)
  await submit(page, 'form[action$="/reply"] button[type=submit]')
  t.match(await page.textContent('main'), answer, 'the answer is on the status page')
  t.match(await page.textContent('main'), L.status.replySent)
  await shot(page, 'status-answered')
  await axe.check(t, page, `${lang} status page after answering`)

  await staff.reload()
  t.match(await staff.textContent('main'), answer, 'staff see the answer on the case page')
  await shot(staff, 'staff-sees-answer')
  await person.close()
  await staffCtx.close()
}

t.setTimeout(600_000)

t.test('browser journeys in Swedish and English', async (t) => {
  const portal = await startPortal(t)
  const browser = await launchBrowser(t)
  const axe = await Axe.open(t, browser, portal.url)
  await t.test('in Swedish', (t) => journey(t, browser, axe, portal, 'sv'))
  await t.test('in English', (t) => journey(t, browser, axe, portal, 'en'))

  await t.test('the language switch keeps the page', async (t) => {
    const ctx = await newContext(browser, 'sv-SE')
    const page = await ctx.newPage()
    await page.goto(portal.url + '/request/erasure?relationship=newsletter')
    t.equal(await page.getAttribute('html', 'lang'), 'sv')
    await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch a')])
    await page.waitForSelector('html[lang="en"]')
    const url = new URL(page.url())
    t.equal(url.pathname, '/request/erasure', 'same page')
    t.equal(url.searchParams.get('relationship'), 'newsletter', 'same query')
    t.equal(await page.getAttribute('html', 'lang'), 'en')
    await screenshot(page, 'lang-switch', 'erasure-en')
    // The choice sticks when moving on.
    await page.goto(portal.url + '/register')
    t.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered')
    await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch a')])
    await page.waitForSelector('html[lang="sv"]')
    t.equal(new URL(page.url()).pathname, '/register')
    await ctx.close()
  })
})
