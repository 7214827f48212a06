import t from 'tap'
import { launchBrowser, newContext, screenshot } from '../helpers/browser.js'
import { startPortal } from '../helpers/e2e.js'
import { sqliteApp, tables } from '../connectors/customer-app.js'

// An administrator adds a sql system (a customer app's SQLite file under DATA_DIR) through the
// admin pages, in a real browser, and presses Test connection: every table and column is found.
t.setTimeout(180_000)

t.test('an admin adds a sql system through the admin page and tests its connection', async (t) => {
  const portal = await startPortal(t)
  sqliteApp(portal.dir, 'shop.db')
  const browser = await launchBrowser(t)
  const context = await newContext(browser, 'sv-SE')
  const page = await context.newPage()
  await page.goto(portal.url + '/staff/login')
  await page.fill('#email', portal.staff.admin.email)
  await page.fill('#password', portal.staff.admin.password)
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])

  await page.goto(portal.url + '/staff/admin/map/new-system')
  await page.selectOption('#kind-choice', 'sql')
  await Promise.all([page.waitForNavigation(), page.click('#kind-form button')])
  t.match(await page.locator('#connection legend').textContent(), 'Databas (SQL)')
  await page.fill('#key', 'webshop')
  await page.fill('#name-sv', 'Webbutiken')
  await page.fill('#name-en', 'Web shop')
  await page.check('#purposes-customer_service')
  await page.fill('#config-url', '/etc/shop.db')
  await page.fill('#config-tables', JSON.stringify(tables(), null, 2))
  await Promise.all([page.waitForNavigation(), page.click('#map-form button[type=submit]')])
  t.match(await page.locator('#config-url-error').textContent(), 'En SQLite-fil måste ligga i datamappen', 'a file outside DATA_DIR is refused at its field')
  t.equal(await page.inputValue('#config-tables'), JSON.stringify(tables(), null, 2), 'what was typed comes back')
  for (const width of [1280, 320]) {
    await page.setViewportSize({ width, height: 900 })
    await screenshot(page, 'connected-system', `new-sql-errors-${width}`)
  }
  await page.setViewportSize({ width: 1280, height: 900 })

  await page.fill('#config-url', 'shop.db')
  await Promise.all([page.waitForNavigation(), page.click('#map-form button[type=submit]')])
  t.match(page.url(), /\/staff\/admin\/map\?saved=created$/)

  await page.goto(portal.url + '/staff/admin/map/systems/webshop')
  await Promise.all([page.waitForNavigation(), page.click('#map-test button[type=submit]')])
  const result = page.locator('#test-result')
  t.match(await result.textContent(), 'Kopplingen fungerar.')
  t.match(await result.textContent(), /customers.*found, with email, name, restricted/s)
  t.match(await result.textContent(), /orders.*found, with customer_email, address, total/s)
  for (const width of [1280, 320]) {
    await page.setViewportSize({ width, height: 900 })
    await screenshot(page, 'connected-system', `test-result-${width}`)
  }
})
