import t from 'tap'
import type { Connector } from '../../src/connectors/contract.js'
import { Axe, launchBrowser, newContext, screenshot } from '../helpers/browser.js'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { createStaff, loginAs } from '../helpers/staff.js'

// A handler approves an erasure in a browser: the case page shows each system's plan, one click
// approves them all, the worker carries them out, and the page says what each system did; at
// 320 px the Systems section reflows without sideways scrolling.

t.setTimeout(300_000)

declare const document: { documentElement: { scrollWidth: number; clientWidth: number } }

t.test('a handler approves an erasure from the case page', async (t) => {
  const erased: string[] = []
  const connector: Connector = {
    test: async () => [],
    plan: async () => ({ summary: 'delete 1 row from customers; null address in orders (2 rows)', steps: [], possible: true }),
    run: async (req) => {
      erased.push(req.subject.email)
      return { kind: 'done', status: 'completed', rows: { customers: 1, orders: 2 } }
    },
  }
  const ctx = await buildTestApp(t, { app: { connectors: async (key) => (key === 'webshop' ? connector : null) } })
  const { app } = ctx
  const at = app.clock().toISOString()
  await app.db.insertInto('systems').values({ key: 'webshop', name: JSON.stringify({ sv: 'Webbutiken', en: 'Web shop' }), kind: 'webhook', owner_team_id: null, data_categories: '[]', recipients: '[]', transfers: '[]', created_at: at, updated_at: at }).execute()
  const me = await createStaff(app, { role: 'handler', name: 'Hanna Handläggare' })
  const { case: c } = await openCase(ctx, { type: 'erasure', email: 'karin@example.se' })

  const jar = new Jar()
  await loginAs(app, jar, me)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchBrowser(t)
  const axe = await Axe.open(t, browser, url)
  const session = jar.header.split('; ').find((x) => x.startsWith('dsr_staff='))!.split('=')[1]
  const context = await newContext(browser, 'sv-SE')
  await context.addCookies([{ name: 'dsr_staff', value: session, url }])
  const page = await context.newPage()

  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${url}/staff/cases/${c.id}`)
  t.match(await page.textContent('#tasks'), /Webbutiken: delete 1 row from customers; null address in orders \(2 rows\)/, 'the plan is shown before approval')
  await screenshot(page, 'tasks', 'sv-approve-1280')
  await axe.check(t, page, 'case page with a change to approve')
  t.same(erased, [], 'nothing is changed before approval')

  await page.click('#tasks-approve-form button[type=submit]')
  await page.waitForURL(/done=tasks/)
  t.match(await page.textContent('#tasks'), /Pågår/)
  await app.tasks.runDue()
  t.same(erased, ['karin@example.se'])
  await page.reload()
  const section = (await page.textContent('#tasks')) ?? ''
  t.match(section, /customers: 1 rader, orders: 2 rader/)
  t.match(section, /Godkänd av .*delete 1 row from customers/)
  await screenshot(page, 'tasks', 'sv-approved-1280')

  await page.setViewportSize({ width: 320, height: 640 })
  await page.reload()
  await screenshot(page, 'tasks', 'sv-approved-320')
  t.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways scrolling at 320 px')
  await context.close()
})
