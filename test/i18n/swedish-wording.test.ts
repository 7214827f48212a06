import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { DEFAULT_TEMPLATES } from '../../src/cases/templates.js'
import { sv } from '../../src/i18n/sv.js'
import { formatArticles } from '../../src/i18n/articles.js'
import * as register from '../../src/registers/controller.js'
import { buildTestApp } from '../helpers/app.js'

// Issue 15 §7: one Swedish style everywhere (the house style, as in the Swedish text of the GDPR):
// "artikel 6.1 b", "artiklarna 12.4, 77 och 79", "e-post", "jobbsökande", "den registrerade" on
// staff pages, and the access request named "begäran om tillgång (registerutdrag)".

const RULES: Array<{ re: RegExp; use: string }> = [
  { re: /mejl/i, use: 'e-post' },
  { re: /arbetssökande/i, use: 'jobbsökande' },
  { re: /\bArt\.\s*\d/, use: 'artikel 15 (not "Art. 15")' },
  { re: /\bArticles?\s+\d/, use: 'artikel' },
  { re: /\bartikel\s+\d+(?:\.\d+)*\s*\(/i, use: 'artikel 6.1 b (not parentheses)' },
  { re: /\bartikel\s+\d+(?:\.\d+)*(?:\s[a-z])?(?:,\s*\d+(?:\.\d+)*(?:\s[a-z])?)*\s+och\s+\d/i, use: 'artiklarna 12.4, 77 och 79' },
  { re: /begäran om registerutdrag|registerutdragsbegäran|tillgångsbegäran|begäran om tillgång(?! \(registerutdrag\))/i, use: 'begäran om tillgång (registerutdrag)' },
  { re: /\b(den sökande|sökanden|begäraren|den enskilde|den enskilda|personens kontaktuppgifter)\b/i, use: 'den registrerade' },
]

function problems(where: string, text: string): string[] {
  return RULES.filter((r) => r.re.test(text)).map((r) => `${where}: "${text.match(r.re)![0]}" in "${text.slice(0, 120)}" – write ${r.use}`)
}

function leaves(value: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([path, value])
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out)
}

/** Only what is under an `sv` key (the controller's texts, templates and inline {sv, en} pairs hold both languages). */
function swedishLeaves(value: unknown, path: string, out: Array<[string, string]>): void {
  if (Array.isArray(value)) value.forEach((v, i) => swedishLeaves(v, `${path}[${i}]`, out))
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'sv') leaves(v, `${path}.sv`, out)
      else swedishLeaves(v, `${path}.${k}`, out)
    }
  }
}

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...files(full, ext))
    else if (ext.test(name)) out.push(full)
  }
  return out
}

const root = join(import.meta.dirname, '..', '..')

t.test('Swedish wording: the catalogue, the message templates and the controller texts follow the house style', async (t) => {
  const found: string[] = []
  const catalogue: Array<[string, string]> = []
  leaves(sv, 'sv', catalogue)
  t.ok(catalogue.length > 300, 'the whole catalogue is scanned')
  for (const [where, text] of catalogue) found.push(...problems(where, text))
  const templates: Array<[string, string]> = []
  swedishLeaves(DEFAULT_TEMPLATES, 'templates', templates)
  t.ok(templates.length > 10)
  for (const [where, text] of templates) found.push(...problems(where, text))
  const reg: Array<[string, string]> = []
  swedishLeaves(register, 'controller', reg)
  t.ok(reg.length > 20)
  for (const [where, text] of reg) found.push(...problems(where, text))
  t.same(found, [])
})

t.test('Swedish wording: inline Swedish strings in src/ and views/ follow the house style', async (t) => {
  const found: string[] = []
  let scanned = 0
  // `sv: '…'` pairs and `sv ? '…' : '…'` choices; the English catalogues are left out.
  const inline = /\bsv\s*[:?]\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g
  for (const file of files(join(root, 'src'), /\.ts$/)) {
    if (/(^|[/.])en\.ts$/.test(file)) continue
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(inline)) {
      scanned++
      found.push(...problems(relative(root, file), m[2]))
    }
  }
  // Fewer since the policy's transcription left src/ for the data map (its texts are in the database now).
  t.ok(scanned > 30, `${scanned} inline Swedish strings scanned`)
  // Views are language-neutral; any words written in them must still not use the forbidden forms.
  for (const file of files(join(root, 'views'), /\.hbs$/)) {
    const words = readFileSync(file, 'utf8').replace(/\{\{!--[\s\S]*?--\}\}/g, '').replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/<[^>]+>/g, ' ')
    for (const rule of RULES.slice(0, 2)) if (rule.re.test(words)) found.push(`${relative(root, file)}: ${words.match(rule.re)![0]} – write ${rule.use}`)
  }
  t.same(found, [])
})

t.test('Swedish wording: the public pages in Swedish, article references included, follow the house style', async (t) => {
  t.equal(formatArticles(['Art. 6(1)(b)'], 'sv'), 'artikel 6.1 b')
  t.equal(formatArticles(['Art. 12(4)', 'Art. 77', 'Art. 79'], 'sv'), 'artiklarna 12.4, 77 och 79')
  t.equal(formatArticles(['Art. 12(4)', 'Art. 77'], 'en'), 'Art. 12(4), Art. 77')
  const { app } = await buildTestApp(t)
  const found: string[] = []
  for (const url of ['/', '/register', '/request', '/request/access', '/request/withdraw_consent', '/request/unsubscribe', '/privacy/requests']) {
    const res = await app.inject({ url: `${url}${url.includes('?') ? '&' : '?'}lang=sv` })
    t.equal(res.statusCode, 200, url)
    const text = res.body.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ').replace(/\s+/g, ' ')
    found.push(...problems(url, text))
  }
  t.same(found, [])
})
