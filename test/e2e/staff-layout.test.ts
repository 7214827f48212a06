import t from 'tap'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { seedDatabase } from '../../scripts/seed.js'
import { createDb } from '../../src/db/connection.js'
import { Axe, launchBrowser, newContext, screenshot } from '../helpers/browser.js'
import { startPortal } from '../helpers/e2e.js'
import { runCli } from '../helpers/server.js'

// Issue 18: the staff pages, looked at in a real browser at 1280 and 320 px, in both languages:
// no page wider than the window (a table scrolls in its own box), and the queue's references and
// dates on one line each at 1280 px.
t.setTimeout(600_000)

declare const document: any
declare const window: any
declare function getComputedStyle(el: unknown): { whiteSpace: string; overflowX: string }

/** How far the page is wider than the window (0: it reflows). */
function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}

t.test('issue 18: every staff page reflows at 320 px and the queue keeps references and dates whole at 1280 px', async (t) => {
  const portal = await startPortal(t)
  // Realistic content: a year of cases (names, long addresses, badges), and both registers.
  const db = createDb(portal.env.DATABASE_URL)
  const seeded = await seedDatabase(db, { cases: 120, staff: 3, now: new Date(), seed: 3 })
  const caseRow = await db.selectFrom('cases').select('id').where('type', '=', 'access').orderBy('id', 'desc').executeTakeFirstOrThrow()
  const rule = await db.selectFrom('routing_rules').select('id').orderBy('position').executeTakeFirstOrThrow()
  await db.destroy()
  t.ok(seeded.cases === 120)
  const subscribers = join(portal.dir, 'subscribers.csv')
  writeFileSync(subscribers, 'email,name,source,subscribed_at\nanna-karin.svensson-bergstrom@en-mycket-lang-doman-for-test.example,Anna-Karin Svensson Bergström,mässa,2025-11-12T10:00:00Z\nbo@example.se,Bo,import,2026-01-05\n')
  const candidates = join(portal.dir, 'candidates.csv')
  writeFileSync(candidates, 'email,consent_given_at,name\nen.annan.kandidat.med.langt.namn@example.org,2026-02-10,Lars Långnamn-Karlsson\n')
  for (const [register, file] of [['subscribers', subscribers], ['candidates', candidates]]) {
    const res = await runCli(['import', register, file], portal.env)
    t.equal(res.code, 0, `${register} imported`)
  }

  const pages = [
    '/staff',
    '/staff?status=all&sort=received',
    '/staff/reports',
    '/staff/deadlines?receivedAt=2026-03-02&confirmedAt=2026-03-05',
    '/staff/admin/templates',
    '/staff/registers',
    '/staff/admin/routing',
    `/staff/admin/routing/${rule.id}`,
    '/staff/admin/teams',
    '/staff/routing/test?type=withdraw_consent&consent=recruitment&channel=web',
    '/staff/escalation',
    '/staff/admin/staff',
    '/staff/account',
    '/staff/account/mfa',
    '/staff/cases/new',
    `/staff/cases/${caseRow.id}/package`,
    '/staff/cases/999999',
    '/staff/admin/map',
    '/staff/admin/map/purposes/events_travel',
    '/staff/admin/map/new-system',
    '/staff/admin/map/systems/newsletter',
    '/staff/admin/readiness',
  ]

  const browser = await launchBrowser(t)
  const axe = await Axe.open(t, browser, portal.url)
  for (const lang of ['sv', 'en'] as const) {
    const ctx = await newContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB')
    const page = await ctx.newPage()
    // Signed out: the login page (it follows the browser).
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 })
      await page.goto(portal.url + '/staff/login')
      t.equal(await page.getAttribute('html', 'lang'), lang)
      t.equal(await pageOverflow(page), 0, `${lang} /staff/login at ${width} px: no horizontal overflow`)
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.fill('#email', portal.staff.admin.email)
    await page.fill('#password', portal.staff.admin.password)
    await Promise.all([page.waitForURL(/\/staff(\?|$)/), page.click('main form button[type=submit]')])
    if ((await page.getAttribute('html', 'lang')) !== lang) await Promise.all([page.waitForNavigation(), page.click('.lang-switch a')])

    // Each page is loaded once and looked at in both widths by resizing the window; the full-page
    // screenshots of every staff page are test/e2e/layout.test.ts's, so only the seeded queue is
    // photographed here.
    for (const path of pages) {
      await page.setViewportSize({ width: 1280, height: 800 })
      await page.goto(portal.url + path)
      t.equal(await page.getAttribute('html', 'lang'), lang, `${path} in ${lang}`)
      // The staff pages' accessibility is checked here, on a year of realistic cases.
      await axe.check(t, page, `${lang} ${path}`)
      for (const width of [1280, 320]) {
        await page.setViewportSize({ width, height: 800 })
        t.equal(await pageOverflow(page), 0, `${lang} ${path} at ${width} px: no horizontal overflow`)
        if (path === '/staff') await screenshot(page, `staff-layout-${lang}`, `queue-${width}`)
        // A table wider than its box scrolls there, and the box can be reached and scrolled by keyboard.
        const boxes = await page.evaluate(() =>
          [...document.querySelectorAll('table')].map((table: any) => {
            const box = table.parentElement
            return { scrolls: getComputedStyle(box).overflowX === 'auto', focusable: box.tabIndex === 0, named: Boolean(box.getAttribute('aria-labelledby') && document.getElementById(box.getAttribute('aria-labelledby'))) }
          }),
        )
        t.ok(boxes.every((b: { scrolls: boolean; focusable: boolean; named: boolean }) => b.scrolls && b.focusable && b.named), `${path}: every table is in a named, focusable scroll box`)
      }
    }

    // A staff form sent back with errors.
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(portal.url + '/staff/cases/new')
    await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')])
    t.ok(await page.$('.error-summary'), `${lang}: the new case form comes back with errors`)
    await axe.check(t, page, `${lang} new case form with errors`)

    // The queue at 1280 px: each reference and each date on one line, and every column in view.
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(portal.url + '/staff?status=all')
    const queue = await page.evaluate(() => {
      const lines = (el: any) => {
        const range = document.createRange()
        range.selectNodeContents(el)
        return new Set([...range.getClientRects()].filter((r: any) => r.width > 0).map((r: any) => Math.round(r.top))).size
      }
      const rows = [...document.querySelectorAll('table.queue tbody tr')]
      const table = document.querySelector('table.queue')
      const box = table.closest('.table-scroll') ?? document.documentElement
      return {
        rows: rows.length,
        references: rows.map((tr: any) => lines(tr.cells[0])),
        received: rows.map((tr: any) => lines(tr.cells[4])),
        due: rows.map((tr: any) => lines(tr.cells[5].querySelector('.nowrap') ?? tr.cells[5])),
        fits: box.scrollWidth <= box.clientWidth,
      }
    })
    t.ok(queue.rows >= 20, `the queue shows a page of cases (${queue.rows})`)
    t.ok(queue.references.every((n: number) => n === 1), `${lang}: every reference on one line at 1280 px`)
    t.ok(queue.received.every((n: number) => n === 1), `${lang}: every received date on one line`)
    t.ok(queue.due.every((n: number) => n === 1), `${lang}: every due date on one line`)
    t.ok(queue.fits, `${lang}: at 1280 px the queue's columns all fit, nothing to scroll`)
    await ctx.close()
  }
})
