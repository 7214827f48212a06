import { mkdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { HtmlValidate } from 'html-validate'
import type { CDPSession, Page } from 'playwright-core'
import { SCREENSHOTS } from './browser.js'

/**
 * Looking at a page, as a test (issue 18): what a person sees that axe does not check. Each check
 * answers with a list of problems, empty when the page passes:
 *
 *   overflow     the page is wider than the window (a box that scrolls on its own may be wider)
 *   field-width  a visible text input, select or textarea narrower than 12em of its own font, or
 *                (an input with `size`) than the characters it asks for
 *   input-type   an input with a label whose `type` is not one HTML knows (the browser shows it as a
 *                bare text box: `<input id="name" type="withdraw_consent">`)
 *   html         the served HTML against html-validate's `html-validate:standard` preset
 *   focus        after a form came back with errors, the focus is not on the error summary
 */
export type Check = 'overflow' | 'field-width' | 'input-type' | 'html' | 'focus'
export const WIDTHS = [1280, 320] as const
export type Width = (typeof WIDTHS)[number]

// Inside the browser: the project's TypeScript has no DOM library to type it with.
declare const document: any
declare const window: any
declare function getComputedStyle(el: any): any
declare function requestAnimationFrame(cb: () => void): number

/** What the page looks like at the current width, measured in the browser. */
export interface Measured {
  overflow: string[]
  'field-width': string[]
  'input-type': string[]
}

/** The input types HTML defines (a type not among them renders as a plain text box). */
const KNOWN_TYPES = ['text', 'email', 'tel', 'url', 'search', 'password', 'number', 'date', 'datetime-local', 'month', 'week', 'time', 'file', 'checkbox', 'radio', 'hidden', 'range', 'color', 'submit', 'button', 'reset', 'image']
/** The input types a person types text into; `el.type` is 'text' for an unknown type, so the broken Name field counts. */
const TEXT_TYPES = ['text', 'email', 'tel', 'url', 'search', 'password', 'number', 'date', 'datetime-local', 'month', 'week', 'time']

/** Measures overflow, field widths and input types on the page as it is laid out now. */
export async function measure(page: Page): Promise<Measured> {
  return page.evaluate(
    ({ knownTypes, textTypes }) => {
      const root = document.documentElement
      const viewport = root.clientWidth
      const describe = (el: any): string => {
        let s = el.tagName.toLowerCase()
        if (el.id) return `${s}#${el.id}`
        const name = el.getAttribute('name')
        if (name) s += `[name="${name}"]`
        if (el.classList.length) s += '.' + [...el.classList].join('.')
        const form = el.closest('form[action]')
        if (form && el !== form) s = `form[action="${form.getAttribute('action')}"] ${s}`
        else if (!name && !el.classList.length && el.parentElement) s = `${describe(el.parentElement)} > ${s}`
        return s
      }
      const visible = (el: any) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[aria-hidden="true"]')

      // Overflow: the document wider than the window. The culprits named are the outermost elements reaching past
      // the right edge that no box of their own clips or scrolls (those are allowed to be wide).
      const overflow: string[] = []
      if (root.scrollWidth > viewport) {
        const clipped = (el: any) => {
          for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true
          }
          return false
        }
        const wide = [...document.body.querySelectorAll('*')].filter((el: any) => el.getBoundingClientRect().right > viewport + 0.5 && !clipped(el))
        let culprits = wide.filter((el: any) => !wide.includes(el.parentElement))
        if (!culprits.length) {
          // No box reaches past the edge: content spills out of one (a long unbreakable word, a wide line).
          const spilling = [...document.body.querySelectorAll('*')].filter((el: any) => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).overflowX === 'visible' && !clipped(el))
          culprits = spilling.filter((el: any) => !spilling.some((other: any) => other !== el && el.contains(other)))
        }
        const named = culprits.slice(0, 4).map((el: any) => `${describe(el)} (${Math.round(Math.max(el.getBoundingClientRect().width, el.scrollWidth))}px)`)
        overflow.push(`document ${root.scrollWidth}px wide in a ${viewport}px window${named.length ? ': ' + named.join(', ') : ''}`)
      }

      // Field widths: 12em of the field's own font, or for an input with size="N" the N characters it asks for.
      const fieldWidth: string[] = []
      for (const el of [...document.querySelectorAll('input, select, textarea')] as any[]) {
        if (el.tagName === 'INPUT' && !textTypes.includes(el.type)) continue
        if (!visible(el)) continue
        const cs = getComputedStyle(el)
        const em = parseFloat(cs.fontSize)
        let need = 12 * em
        const size = el.tagName === 'INPUT' ? Number(el.getAttribute('size')) : 0
        if (size > 0) {
          const probe = document.createElement('span')
          probe.style.cssText = `position:absolute;visibility:hidden;display:inline-block;width:${size}ch;font:${cs.font};letter-spacing:${cs.letterSpacing}`
          document.body.appendChild(probe)
          need = Math.min(need, probe.getBoundingClientRect().width)
          probe.remove()
        }
        const width = el.getBoundingClientRect().width
        if (width + 0.5 < need) fieldWidth.push(`${describe(el)} ${Math.round(width)}px wide, needs ${Math.round(need)}px (${size > 0 ? `size=${size}` : '12em'})`)
      }

      // Input types: every labelled input has a type HTML knows (an absent type is text).
      const inputType: string[] = []
      for (const el of [...document.querySelectorAll('input')] as any[]) {
        const labelled = (el.labels && el.labels.length > 0) || el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')
        if (!labelled) continue
        const type = (el.getAttribute('type') ?? 'text').trim().toLowerCase()
        if (!knownTypes.includes(type)) inputType.push(`${describe(el)} type="${el.getAttribute('type')}"`)
      }
      return { overflow, 'field-width': fieldWidth, 'input-type': inputType }
    },
    { knownTypes: KNOWN_TYPES, textTypes: TEXT_TYPES },
  )
}

/**
 * Whether the focus is on (or in) the error summary once the page has rendered: two animation
 * frames, so an `autofocus` (run at the first rendering update) or a script run at load has acted.
 */
export async function focusOnErrorSummary(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())))
    const summary = document.querySelector('.error-summary')
    if (!summary) return ['no .error-summary on the page']
    const active = document.activeElement
    if (active && summary.contains(active)) return []
    const what = !active || active === document.body ? 'the page itself (body)' : `${active.tagName.toLowerCase()}${active.id ? '#' + active.id : ''}`
    return [`the focus is on ${what}, not on the error summary`]
  })
}

/** html-validate with its standard preset, loaded once for the file. */
export class HtmlChecker {
  private readonly validator = new HtmlValidate({ extends: ['html-validate:standard'] })

  async check(html: string): Promise<string[]> {
    const report = await this.validator.validateString(html)
    return report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}${m.selector ? ` (${m.selector})` : ''} [line ${m.line}]`))
  }
}

const sessions = new WeakMap<Page, CDPSession>()

/**
 * Full-page screenshot at test-output/screenshots/layout/<lang>-<width>/<NN>-<name>.png: the whole
 * document, as wide as it is (an overflowing page shows how far it overflows). Taken with the
 * DevTools protocol's optimizeForSpeed (a faster PNG encoder, a larger file): screenshots are most of
 * this test's time.
 */
export async function layoutShot(page: Page, lang: string, width: number, index: number, name: string): Promise<string> {
  const dir = join(SCREENSHOTS, 'layout', `${lang}-${width}`)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${String(index).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.png`)
  let cdp = sessions.get(page)
  if (!cdp) {
    cdp = await page.context().newCDPSession(page)
    sessions.set(page, cdp)
  }
  const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }))
  const shot = await cdp.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, optimizeForSpeed: true, clip: { x: 0, y: 0, ...size, scale: 1 } })
  await writeFile(file, Buffer.from(shot.data, 'base64'))
  return file
}

/** Clears the window's scroll and sets its width, keeping the height (800 px). */
export async function setWidth(page: Page, width: Width): Promise<void> {
  await page.setViewportSize({ width, height: 800 })
  // Forces the new layout before measuring.
  await page.evaluate(() => {
    window.scrollTo(0, 0)
    return document.documentElement.scrollWidth
  })
}
