import type { Page } from 'playwright-core'
import t from 'tap'
import { recipientsForCase, markRecipient } from '../../src/registers/recipient-checklist.js'
import { Axe, launchBrowser, newContext, screenshot } from '../helpers/browser.js'
import { buildTestApp, Jar, testClock } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { insertSubscriber } from '../helpers/package.js'
import { createStaff, loginAs } from '../helpers/staff.js'

// Issue 18: the case page as a workbench, as a browser lays it out. At 1280×800 the summary header,
// the deadline and the next steps are in view without scrolling; at 320 px the page reflows
// (WCAG 1.4.10): no sideways scrolling, one column, long addresses wrap. The Art. 19 section
// stacks its heading and intro, and its reason fields are wide enough to write in.

t.setTimeout(600_000)

declare const document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelector(s: string): { getBoundingClientRect(): Box } | null; querySelectorAll(s: string): Iterable<{ getBoundingClientRect(): Box }> }
declare function getComputedStyle(el: unknown): { fontSize: string }
interface Box {
  top: number
  bottom: number
  left: number
  right: number
  width: number
}

async function box(page: Page, selector: string): Promise<Box | null> {
  return page.evaluate((s) => {
    const r = document.querySelector(s)?.getBoundingClientRect()
    return r ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width } : null
  }, selector)
}

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

t.test('the case page: above the fold at 1280×800, reflow at 320 px, in every state and both languages', async (t) => {
  const clock = testClock('2026-10-01T09:00:00.000Z')
  const ctx = await buildTestApp(t, { clock })
  const { app } = ctx
  const me = await createStaff(app, { role: 'handler', name: 'Hanna Handläggare' })
  const anna = await createStaff(app, { role: 'handler', name: 'Anna Andersson' })
  const actor = { id: me.id, role: 'handler' as const }

  // Overdue: received 2026-10-01, never extended, in progress.
  const overdue = (await openCase(ctx, { type: 'access', email: 'erik.eriksson@example.se', name: 'Erik Eriksson' })).case
  await app.cases.assign(actor, overdue.id, me.id)
  await app.cases.changeStatus(actor, overdue.id, 'in_progress')
  // Extended.
  clock.set('2026-10-20T09:00:00.000Z')
  const extended = (await openCase(ctx, { type: 'portability', email: 'lisa@example.se', name: 'Lisa Lind' })).case
  await app.cases.changeStatus(actor, extended.id, 'in_progress')
  await app.cases.extend(actor, extended.id, 'Vi behöver hämta data ur tre system.')
  // An erasure with a conversation both ways and the Art. 19 recipients; a long name and address.
  clock.set('2026-11-20T09:00:00.000Z')
  const erasure = (
    await openCase(ctx, { type: 'erasure', email: 'a.very.long.address.for.testing.wrapping@subdomain.example-company.se', name: 'Karin Karlsson-Långnamnsdotter', relationship: 'candidate' })
  ).case
  await app.cases.assign(actor, erasure.id, anna.id)
  await app.cases.changeStatus(actor, erasure.id, 'in_progress')
  await app.cases.sendMessage(actor, erasure.id, { text: 'Hej Karin! Vilket år sökte du jobb hos oss?', awaitReply: true })
  await app.cases.requesterReply(erasure.id, 'Det var våren 2024.')
  await app.cases.addNote(actor, erasure.id, 'CV:t finns kvar i rekryteringssystemet.')
  // Found in the newsletter register, whose recipient the map names: the checklist lists it (Art. 19).
  await app.dataMap.updateSystem({ type: 'staff', id: me.id }, 'newsletter', { recipients: [{ name: { sv: 'Exempel Utskick AB', en: 'Example Mailing Ltd' }, description: { sv: 'Skickar nyhetsbrevet åt oss.', en: 'Sends the newsletter for us.' } }] })
  await insertSubscriber(app, erasure.email)
  const first = (await recipientsForCase(app.db, await app.cases.get(erasure.id), app.config.suppressionKey))[0]
  await markRecipient(app.db, await app.cases.get(erasure.id), { recipient: first.id, status: 'notified' }, me.id, clock.now(), app.config.suppressionKey)
  // Paused for identity.
  clock.set('2026-11-30T09:00:00.000Z')
  const paused = (await openCase(ctx, { type: 'access', email: 'per@example.se', name: 'Per Persson' })).case
  await app.cases.sendMessage(actor, paused.id, { text: 'Kan du bekräfta vem du är?', pause: 'identity' })
  // Closed.
  const closed = (await openCase(ctx, { type: 'objection', email: 'olle@example.se', name: 'Olle Olsson' })).case
  await app.cases.changeStatus(actor, closed.id, 'in_progress')
  await app.cases.changeStatus(actor, closed.id, 'completed')
  // New.
  clock.set('2026-12-07T09:00:00.000Z')
  const fresh = (await openCase(ctx, { type: 'rectification', email: 'nina@example.se', name: 'Nina Nilsson' })).case
  const states = { new: fresh, erasure, paused, overdue, extended, closed }

  const jar = new Jar()
  await loginAs(app, jar, me)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchBrowser(t)
  const axe = await Axe.open(t, browser, url)
  const session = jar.header.split('; ').find((c) => c.startsWith('dsr_staff='))!.split('=')[1]

  for (const lang of ['sv', 'en'] as const) {
    const context = await newContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB')
    await context.addCookies([{ name: 'dsr_staff', value: session, url }])
    const page = await context.newPage()
    // The member's language: the switch stores it.
    await page.goto(`${url}/staff/cases/${fresh.id}?lang=${lang}`)
    for (const [state, c] of Object.entries(states)) {
      const label = `${lang} ${state}`
      await page.setViewportSize({ width: 1280, height: 800 })
      await page.goto(`${url}/staff/cases/${c.id}`)
      t.equal(await page.getAttribute('html', 'lang'), lang)
      await screenshot(page, 'case-page', `${lang}-${state}-1280`)
      t.ok((await overflow(page)) <= 0, `${label}: no sideways scrolling at 1280`)
      // Above the fold: the summary header, the deadline and the next steps.
      for (const selector of ['#case-head h1', '.case-facts', '#deadline-bar', '#next-steps']) {
        const b = await box(page, selector)
        t.ok(b && b.top >= 0 && b.bottom <= 800, `${label}: ${selector} within the first 800 px (bottom ${b?.bottom})`)
      }
      const about = await box(page, '.case-about')
      const side = await box(page, '.case-side')
      t.ok(about && side && side.left >= about.right, `${label}: the conversation beside the request`)
      await axe.check(t, page, `${label} case page`)

      await page.setViewportSize({ width: 320, height: 640 })
      await page.goto(`${url}/staff/cases/${c.id}`)
      await screenshot(page, 'case-page', `${lang}-${state}-320`)
      t.equal(await overflow(page), 0, `${label}: no sideways scrolling at 320 px (WCAG 1.4.10)`)
      const about320 = await box(page, '.case-about')
      const side320 = await box(page, '.case-side')
      t.ok(about320 && side320 && side320.top >= about320.bottom && Math.abs(side320.left - about320.left) < 1, `${label}: at 320 px the conversation comes under the request`)
    }

    // Art. 19: the heading above the intro, each reason field at least 12 em wide, at both widths.
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 })
      await page.goto(`${url}/staff/cases/${erasure.id}`)
      const heading = await box(page, '#recipients-title')
      const intro = await box(page, '#recipients-title + p')
      t.ok(heading && intro && intro.top >= heading.bottom, `${lang} ${width}: the recipients' intro under its heading, not beside it`)
      const widths = await page.evaluate(() => [...document.querySelectorAll('section[aria-labelledby=recipients-title] input[type=text]')].map((el) => el.getBoundingClientRect().width / parseFloat(getComputedStyle(el).fontSize)))
      t.ok(widths.length >= 2, 'a reason field per recipient')
      t.ok(widths.every((w) => w >= 12), `${lang} ${width}: every reason field at least 12 em wide (${widths.map((w) => w.toFixed(1)).join(', ')})`)
    }
    await context.close()
  }
})
