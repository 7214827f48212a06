import type { Test } from 'tap'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { projectRoot } from '../../src/paths.js'

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = join(projectRoot, 'test-output', 'screenshots')
const AXE = join(projectRoot, 'node_modules', 'axe-core', 'axe.min.js')
// These run inside the browser; the project's TypeScript has no DOM library.
declare const document: any
declare const DOMParser: any

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/**
 * Launches Chromium headless. A missing browser is a failure, not a skip: CI must have it
 * (.ci/run installs it).
 */
export async function launchBrowser(t: Test): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`)
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : []
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...args, '--disable-dev-shm-usage'] })
  t.teardown(() => browser.close())
  return browser
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[]; html: string; failureSummary?: string }>
}

/**
 * axe-core for WCAG 2.1 A and AA. The portal's strict CSP would block the injected script, so axe
 * lives in its own page, in a context with bypassCSP (the flows' own contexts keep the real CSP).
 * Each check copies the page's current DOM into that page (same origin, so the same stylesheet
 * applies) and runs axe there: a POST's result is checked without sending the POST again, and axe
 * is loaded once rather than per page (it is 500 kB of script).
 */
export class Axe {
  private constructor(private readonly page: Page) {}

  static async open(t: Test, browser: Browser, baseUrl: string): Promise<Axe> {
    const ctx = await browser.newContext({ bypassCSP: true })
    t.teardown(() => ctx.close())
    const page = await ctx.newPage()
    await page.route(`${baseUrl}/__axe__`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><head><title>axe</title></head><body></body></html>' }))
    await page.goto(`${baseUrl}/__axe__`)
    await page.addScriptTag({ path: AXE })
    return new Axe(page)
  }

  async check(t: Test, page: Page, label: string): Promise<AxeViolation[]> {
    const html = await page.content()
    const violations = (await this.page.evaluate(
      async ({ html, tags }) => {
        const doc = new DOMParser().parseFromString(html, 'text/html')
        document.documentElement.replaceWith(document.importNode(doc.documentElement, true))
        // Waits for the stylesheets so colour contrast is measured on the real styles.
        await Promise.all(
          [...document.querySelectorAll('link[rel=stylesheet]')].map((l: any) =>
            (l as { sheet: unknown }).sheet ? null : new Promise((resolve) => { l.addEventListener('load', resolve); l.addEventListener('error', resolve) }),
          ),
        )
        const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: unknown[] }> } }).axe
        return (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations
      },
      { html, tags: WCAG_TAGS },
    )) as AxeViolation[]
    const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '')).join('; ')}`)
    t.same(summary, [], `axe WCAG 2.1 A/AA: ${label}`)
    return violations
  }
}

let shot = 0
/** Saves a full-page screenshot under test-output/screenshots/<prefix>-NN-<name>.png. */
export async function screenshot(page: Page, prefix: string, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  shot += 1
  const file = join(SCREENSHOTS, `${prefix}-${String(shot).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

export async function newContext(browser: Browser, locale: 'sv-SE' | 'en-GB'): Promise<BrowserContext> {
  const ctx = await browser.newContext({ locale, extraHTTPHeaders: { 'accept-language': locale === 'sv-SE' ? 'sv-SE,sv' : 'en-GB,en' } })
  // Fail within a minute rather than at the file's timeout; long enough for a machine busy with a
  // second suite beside this one.
  ctx.setDefaultTimeout(45_000)
  return ctx
}

/** Presses Tab until the focused element matches `selector` (at most `max` presses); keyboard only. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return
  }
  throw new Error(`Tab never reached ${selector}`)
}

/**
 * Chooses `value` in the focused <select> with the arrow keys (Down, then Up from the end), as a
 * keyboard user does; throws when the focus is not on a select or the value is not among its options.
 */
export async function chooseByKeys(page: Page, value: string, max = 30): Promise<void> {
  const current = () => page.evaluate(() => (document.activeElement?.tagName === 'SELECT' ? (document.activeElement.value as string) : null))
  if ((await current()) === null) throw new Error('the focus is not on a select')
  for (const key of ['ArrowDown', 'ArrowUp']) {
    for (let i = 0; i < max; i++) {
      if ((await current()) === value) return
      await page.keyboard.press(key)
    }
  }
  if ((await current()) !== value) throw new Error(`the arrow keys never chose ${value}`)
}
