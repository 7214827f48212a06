import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import t from 'tap'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'
import { projectRoot } from '../../src/paths.js'
import { SYSTEM } from '../../src/staff/actor.js'
import { hashToken, newToken } from '../../src/security/tokens.js'
import { base32Decode, hotp, timeStep } from '../../src/staff/totp.js'
import { buildTestApp, csrfFrom, Jar, type TestApp } from '../helpers/app.js'
import { launchBrowser, newContext } from '../helpers/browser.js'
import { focusOnErrorSummary, HtmlChecker, layoutShot, measure, setWidth, WIDTHS, type Check, type Measured, type Width } from '../helpers/layout.js'
import { multipart } from '../helpers/multipart.js'
import { unzip } from '../helpers/package.js'
import { listRoutes } from '../helpers/routes.js'
import { freePort } from '../helpers/server.js'
import { linkIn } from '../helpers/smtp.js'
import { apiTokenFor, loginAs } from '../helpers/staff.js'

/**
 * Looking, as a test (issue 18): every public and staff page — and the states a person meets: a
 * form sent back with errors, the status page of an open and of a closed case, the package download,
 * the unsubscribe pages, the case page in several statuses — in Swedish and English, at 1280 and
 * 320 px, checked for what a person sees (test/helpers/layout.ts): no sideways scrolling, fields wide
 * enough to type in, inputs of a type HTML knows, HTML that validates (html-validate:standard), and
 * the focus on the error summary after a failed submit. A full-page screenshot of each page, language
 * and width goes to test-output/screenshots/layout/<lang>-<width>/ — look at them.
 *
 * Fast: one in-process app listening on localhost, one browser, one context per language and role
 * (anonymous, signed-in administrator); each page is loaded once per language and looked at in
 * both widths by resizing the window, so a form's error state is not posted twice.
 *
 * KNOWN below lists what still fails on main: each entry must still fail (remove it when you fix it).
 */

// ── Known failures (may only shrink) ──
//
// page: a PageSpec id below; check: which check; lang/width: only that language or width is excused
// (absent: any). An entry that no longer fails fails the test: delete it in the commit that fixes it.
interface Known {
  page: string
  check: Check
  lang?: Lang
  width?: Width
  why?: string
}
const KNOWN: Known[] = [
  // Empty: every page passes every check. A check that fails later is fixed, or listed here with why.
]

type Lang = 'sv' | 'en'
const LANGS: Lang[] = ['sv', 'en']

/** A page, or a state of one, and how to get the browser there; `open` returns the response that showed it. */
interface PageSpec {
  id: string
  /** The registered route it shows (GET, or the POST whose answer it is): every GET page route must be named by one spec. */
  route: string
  area: 'public' | 'staff'
  /** A form sent back with errors: the focus must be on the error summary. */
  failedSubmit?: boolean
  /** A staff page seen before signing in (sign-in, setup). */
  anonymous?: boolean
  open: (page: Page, lang: Lang) => Promise<Response | null>
}

/** GET routes that answer with a file, not a page. */
const NOT_PAGES: Record<string, string> = {
  'GET /healthz': 'JSON health check',
  'GET /*': 'the static files (@fastify/static registers its wildcard at the root; it serves /static/…)',
  'GET /staff/cases/:id/proof': 'the proof of authority file (its "not found" is the shared message page)',
  'GET /staff/registers/candidates/:id/cv': 'the CV file (its "not found" is the shared message page)',
  'GET /brand/logo': 'the brand logo file (an image, when BRAND_LOGO is set)',
  'GET /staff/cases/:id/package/preview': 'the package ZIP; its report.html is looked at as "package report.html"',
}

t.setTimeout(900_000)

t.test('every page, in Swedish and English, at 1280 and 320 px: no overflow, wide fields, known input types, valid HTML, focus on errors', async (t) => {
  const started = Date.now()
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  const ctx = await buildTestApp(t, { env: { PUBLIC_URL: publicUrl, DATA_DIR: t.testdir(), LIMIT_IP_PER_HOUR: '100000' } })
  const { app } = ctx
  await app.listen({ port, host: '127.0.0.1' })
  const url = (path: string) => publicUrl + path

  const browser = await launchBrowser(t)
  const html = new HtmlChecker()
  // findings[pageId][check] = ["sv 320: …", …]
  const findings = new Map<string, Map<Check, string[]>>()
  const note = (id: string, check: Check, where: string, problems: string[]) => {
    if (!problems.length) return
    const byCheck = findings.get(id) ?? new Map<Check, string[]>()
    findings.set(id, byCheck)
    byCheck.set(check, [...(byCheck.get(check) ?? []), ...problems.map((p) => `${where}: ${p}`)])
  }
  const timings: string[] = []
  const spent = { open: 0, measure: 0, screenshots: 0 }
  /**
   * Opens the page once (at the width the window has), validates what was served, checks the focus
   * after a failed submit, then measures and photographs it at both widths; the next page starts at
   * the width this one ended with, so the window is resized once a page.
   */
  const widthOf = new Map<Page, Width>()
  async function prepare(page: Page) {
    await setWidth(page, WIDTHS[0])
    widthOf.set(page, WIDTHS[0])
  }
  // LAYOUT_PAGES=<regular expression> looks only at the pages whose id it matches (while fixing them).
  const only = process.env.LAYOUT_PAGES ? new RegExp(process.env.LAYOUT_PAGES, 'i') : null
  const looked = new Set<string>()
  async function look(page: Page, spec: PageSpec, lang: Lang, index: number) {
    if (only && !only.test(spec.id)) return
    looked.add(spec.id)
    let began = Date.now()
    const first = began
    let response: Response | null
    try {
      response = await spec.open(page, lang)
    } catch (error) {
      t.fail(`${lang} ${spec.id}: could not open the page: ${(error as Error).message.split('\n')[0]}`)
      return
    }
    const htmlProblems = html.check(response ? await response.text() : await page.content())
    if (spec.failedSubmit) note(spec.id, 'focus', lang, await focusOnErrorSummary(page))
    spent.open += Date.now() - began
    for (const width of widthOf.get(page) === WIDTHS[0] ? WIDTHS : [...WIDTHS].reverse()) {
      began = Date.now()
      if (width !== widthOf.get(page)) await setWidth(page, width)
      widthOf.set(page, width)
      const measured: Measured = await measure(page)
      for (const check of ['overflow', 'field-width', 'input-type'] as const) note(spec.id, check, `${lang} ${width}`, measured[check])
      spent.measure += Date.now() - began
      began = Date.now()
      await layoutShot(page, lang, width, index, spec.id)
      spent.screenshots += Date.now() - began
    }
    note(spec.id, 'html', lang, await htmlProblems)
    timings.push(`${lang} ${spec.id}: ${Date.now() - first} ms`)
  }

  t.test('the checks catch what they look for, and pass what is allowed', async (t) => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const shape = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Check</title></head><body><main>${body}</main></body></html>`
    // What main showed before (82caefa): the Name field took the request type as its type; plus the issue's other defects.
    const bad = shape(
      '<div class="error-summary" tabindex="-1"><h2>There is a problem</h2></div>' +
        '<form action="/x"><label for="name">Name</label><input id="name" name="name" type="withdraw_consent">' +
        '<label for="reason">Reason</label><input id="reason" name="reason" style="width:20px">' +
        '<label for="code">Code</label><input id="code" name="code" size="6" style="width:3ch"></form>' +
        '<table style="width:900px"><tr><td>A table wider than a phone</td></tr></table>',
    )
    // The same made right: a table scrolling in its own box, a short field that asks for its size, a hidden honeypot.
    const good = shape(
      '<div class="error-summary" tabindex="-1" autofocus><h2>There is a problem</h2></div>' +
        '<form action="/x"><label for="name">Name</label><input id="name" name="name" type="text" style="width:100%;max-width:20em">' +
        '<label for="code">Code</label><input id="code" name="code" size="6" inputmode="numeric">' +
        '<div aria-hidden="true" style="position:absolute;left:-9999px"><input name="website" tabindex="-1" style="width:1px"></div></form>' +
        '<div style="overflow-x:auto"><table style="width:900px"><tr><td>A table wider than a phone</td></tr></table></div>',
    )
    const results: Record<string, Record<string, string[]>> = {}
    for (const [name, content] of [['bad', bad], ['good', good]] as const) {
      await page.setContent(content)
      const found: Record<string, string[]> = { html: await html.check(content), focus: await focusOnErrorSummary(page) }
      for (const width of WIDTHS) {
        await setWidth(page, width)
        for (const [check, problems] of Object.entries(await measure(page))) found[`${check} ${width}`] = problems
      }
      results[name] = found
    }
    const { bad: b, good: g } = results
    t.match(b.html.join('\n'), /attribute-allowed-values: Attribute "type" has invalid value "withdraw_consent"/, 'html-validate flags the Name field')
    t.match(b['input-type 1280'], [/input#name type="withdraw_consent"/], 'the unknown input type is found')
    t.match(b['field-width 320'], [/input#reason \d+px wide, needs \d+px \(12em\)/, /input#code \d+px wide, needs \d+px \(size=6\)/], 'the narrow fields are found')
    t.same(b['overflow 1280'], [], 'no overflow at 1280')
    t.match(b['overflow 320'], [/document 9\d\dpx wide in a 320px window: .*table \(900px\)/], 'the wide table overflows at 320')
    t.match(b.focus, [/not on the error summary/], 'the focus left at the top is found')
    t.same(Object.entries(g).filter(([, problems]) => problems.length), [], 'the page made right passes every check')
    await context.close()
  })

  // The first administrator's setup link works only while there are no staff: looked at before anyone is added.
  const setupToken = (await app.staffService.accounts.issueSetupToken())!
  const setupSpecs = setupPageSpecs(setupToken, url)
  for (const lang of LANGS) {
    const context = await newContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB')
    const page = await context.newPage()
    await prepare(page)
    for (const [i, spec] of setupSpecs.entries()) await look(page, spec, lang, i + 1)
    await context.close()
  }

  const fx = await fixtures(ctx, publicUrl)
  const specs = [...setupSpecs, ...pageSpecs(fx, setupToken, url)]

  t.test('every page route is looked at', async (t) => {
    const named = new Set(specs.map((s) => s.route))
    const missing = listRoutes(app)
      .filter((r) => r.method === 'GET' && !r.url.startsWith('/api/'))
      .map((r) => `GET ${r.url}`)
      .filter((r) => !(r in NOT_PAGES) && !named.has(r))
    t.same(missing, [], 'each GET page route has a page in this file (add one, or say in NOT_PAGES why it is not a page)')
    const ids = specs.map((s) => s.id)
    t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'page ids are unique')
  })

  for (const lang of LANGS) {
    const contexts = await openContexts(browser, lang, fx, url)
    for (const page of [contexts.anonymous, contexts.staff]) await prepare(page)
    for (const [i, spec] of specs.entries()) {
      if (i < setupSpecs.length) continue
      await look(spec.area === 'staff' && !spec.anonymous ? contexts.staff : contexts.anonymous, spec, lang, i + 1)
    }
    await contexts.close()
  }

  // ── Compare with KNOWN ──
  const failing = (id: string, check: Check, k?: Known) =>
    (findings.get(id)?.get(check) ?? []).filter((line) => !k || ((!k.lang || line.startsWith(k.lang)) && (!k.width || line.includes(` ${k.width}:`))))
  for (const k of KNOWN) {
    if (!specs.some((s) => s.id === k.page)) t.fail(`KNOWN names no page: ${k.page}`)
    else if (looked.has(k.page)) t.ok(failing(k.page, k.check, k).length > 0, `known failure still fails (delete the entry when fixed): ${k.page} ${k.check}${k.lang ? ' ' + k.lang : ''}${k.width ? ' ' + k.width : ''}`)
  }
  for (const spec of specs.filter((s) => looked.has(s.id))) {
    for (const check of ['overflow', 'field-width', 'input-type', 'html', 'focus'] as const) {
      const all = failing(spec.id, check)
      const excused = KNOWN.filter((k) => k.page === spec.id && k.check === check).flatMap((k) => failing(spec.id, check, k))
      const unexcused = all.filter((line) => !excused.includes(line))
      t.same(unexcused, [], `${spec.id}: ${check}`)
    }
  }

  // Everything found, known or not, for whoever fixes it.
  const report = Object.fromEntries([...findings].map(([id, byCheck]) => [id, Object.fromEntries(byCheck)]))
  mkdirSync(join(projectRoot, 'test-output'), { recursive: true })
  writeFileSync(join(projectRoot, 'test-output', 'layout-findings.json'), JSON.stringify(report, null, 2) + '\n')
  const s = (ms: number) => `${Math.round(ms / 1000)} s`
  t.comment(`${looked.size} pages × ${LANGS.length} languages × ${WIDTHS.length} widths in ${s(Date.now() - started)} (opening ${s(spent.open)}, measuring ${s(spent.measure)}, screenshots ${s(spent.screenshots)}); findings in test-output/layout-findings.json`)
  if (process.env.LAYOUT_TIMINGS) t.comment(timings.join('\n'))
})

// ── Fixtures: the cases and records the pages show ──

/** The link token of the supplier answer page's fixture (a fresh case's task gets its hash). */
const SUPPLIER_TOKEN = newToken()

type Fixtures = Awaited<ReturnType<typeof fixtures>>

async function fixtures(ctx: TestApp, publicUrl: string) {
  const { app, smtp } = ctx
  const accounts = app.staffService.accounts
  const pass = () => `lång test fras ${Math.random().toString(36).slice(2, 10)}`
  const admins = {} as Record<Lang, { email: string; password: string; id: number }>
  for (const lang of LANGS) {
    const who = { email: `admin-${lang}@xtractor.se`, password: pass() }
    admins[lang] = { ...who, id: await accounts.create({ ...who, name: lang === 'sv' ? 'Ada Administratör' : 'Ada Admin', role: 'admin', lang }, SYSTEM) }
  }
  const handler = { email: 'hanna@xtractor.se', password: pass() }
  const handlerId = await accounts.create({ ...handler, name: 'Hanna Handläggare-Lindqvist', role: 'handler', lang: 'sv' }, SYSTEM)
  const token = await apiTokenFor(app, { id: admins.sv.id })
  const api = async (method: 'GET' | 'POST' | 'PUT', path: string, payload?: unknown) => {
    const res = await app.inject({ method, url: `/api/v1${path}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`)
    return res.json()
  }

  // A member with a second factor, for the sign-in code step.
  const mfa = { email: 'totp@xtractor.se', password: pass() }
  const mfaId = await accounts.create({ ...mfa, name: 'Tove Tvåsteg', role: 'handler' }, SYSTEM)
  {
    const jar = new Jar()
    await loginAs(app, jar, mfa)
    const page = await app.inject({ url: '/staff/account/mfa', headers: { cookie: jar.header } })
    jar.store(page)
    const secret = /<code class="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.body)![1].replace(/ /g, '')
    const res = await app.inject({
      method: 'POST',
      url: '/staff/account/mfa/enable',
      headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), code: hotp(base32Decode(secret), timeStep(app.clock())) }).toString(),
    })
    if (res.statusCode !== 303) throw new Error(`mfa enable: ${res.statusCode}`)
  }

  /** Submits a request as the portal does and reads its confirmation link; confirms it unless told not to. */
  let n = 0
  async function request(fields: Record<string, string>, opts: { confirm?: boolean; lang?: Lang } = {}) {
    n += 1
    const email = fields.email ?? `person${n}@example.se`
    const res = await app.intake.submitUnchecked({ name: 'Åsa Öberg-Lindqvist', details: 'Jag vill veta vilka uppgifter ni har om mig, och varifrån ni fick dem.', ...fields, email }, { ip: '192.0.2.1', lang: opts.lang ?? 'sv', channel: 'api' })
    if (!res.ok) throw new Error('submit: ' + JSON.stringify(res.errors))
    await ctx.flushMail()
    const mails = await smtp.waitFor((m) => m.envelopeTo.includes(email) && /\/verify\//.test(m.parsed.text ?? ''))
    const verifyToken = linkIn(mails[mails.length - 1].parsed.text, `${publicUrl}/verify/`).split('/verify/')[1]
    if (opts.confirm === false) return { verifyToken, email, id: 0, statusToken: '' }
    const done = await app.intake.confirm(verifyToken)
    if (done.state !== 'confirmed') throw new Error('confirm: ' + done.state)
    return { verifyToken, email, id: done.case.id, statusToken: done.statusToken }
  }

  // Candidates in the register (the rectification proposal reads its stored value) and newsletter subscribers.
  const adminJar = new Jar()
  await loginAs(app, adminJar, admins.sv)
  const registersPage = await app.inject({ url: '/staff/registers', headers: { cookie: adminJar.header } })
  adminJar.store(registersPage)
  const csv = 'email,name,phone,consent_given_at\nrolf@example.se,Rolf R,+46701111111,2026-05-01\nkarin@example.se,Karin Kandidat,+46702222222,2026-06-15\nkim@example.se,Kim Kandidat,+46703333333,2026-07-01\n'
  const body = multipart({ _csrf: csrfFrom(registersPage.body), register: 'candidates' }, { name: 'file', filename: 'kandidater.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  const imported = await app.inject({ method: 'POST', url: '/staff/registers/import', headers: { cookie: adminJar.header, 'content-type': body.contentType }, payload: body.payload })
  if (imported.statusCode !== 200) throw new Error(`import: ${imported.statusCode}`)
  const unsubscribe = {} as Record<Lang, string>
  for (const lang of LANGS) {
    const s = await api('POST', '/subscribers', { email: `nyhetsbrev-${lang}@example.se`, name: 'Nils Nyhetsbrev', source: 'website' })
    unsubscribe[lang] = new URL(s.unsubscribeUrl).pathname
  }

  // Systems beyond the registers, so a customer's erasure has tasks to approve, mark and waive (src/tasks).
  await api('POST', '/systems', { key: 'crm', name: { sv: 'Kundregistret (CRM)', en: 'Customer register (CRM)' }, ownerTeam: 'marketing', purposes: ['customer_relations'], dataCategories: [{ sv: 'Namn', en: 'Name' }] })
  {
    const at = app.clock().toISOString()
    await app.db.insertInto('systems').values({ key: 'webshop', name: JSON.stringify({ sv: 'Webbutiken', en: 'Web shop' }), kind: 'webhook', owner_team_id: null, data_categories: '[]', recipients: '[]', transfers: '[]', created_at: at, updated_at: at }).execute()
    await app.db.insertInto('system_purposes').values({ system_key: 'webshop', purpose_id: 'customer_relations' }).execute()
  }

  // Cases in the statuses a handler meets.
  const fresh = await request({ type: 'access', relationship: 'customer_contact' })
  // An email supplier's answer page: the fresh case's web shop task is given a link token, as the email kind does.
  await app.db.updateTable('case_tasks').set({ callback_token_hash: hashToken(SUPPLIER_TOKEN) }).where('case_id', '=', fresh.id).where('system_key', '=', 'webshop').execute()
  const erasure = await request({ type: 'erasure', relationship: 'customer_contact', details: 'Radera allt om mig, även i era säkerhetskopior.' })
  await api('POST', `/cases/${erasure.id}/assign`, { assignee: handler.email })
  await api('POST', `/cases/${erasure.id}/status`, { status: 'in_progress' })
  const rectification = await request({ type: 'rectification', email: 'rolf@example.se', relationship: 'candidate', incorrect: 'Rolf R', correct: 'Rolf Rättad' })
  const waiting = await request({ type: 'portability', relationship: 'customer_contact' })
  await api('POST', `/cases/${waiting.id}/assign`, { assignee: admins.sv.email })
  await api('POST', `/cases/${waiting.id}/status`, { status: 'in_progress' })
  await api('POST', `/cases/${waiting.id}/messages`, { text: 'Hej! Vilket kundnummer gäller det?', awaitReply: true })
  await app.cases.requesterReply(waiting.id, 'Kundnummer 4711, kontot för Exempel AB.')
  await api('POST', `/cases/${waiting.id}/notes`, { text: 'Kunden har två konton; kolla båda.' })
  await api('POST', `/cases/${waiting.id}/messages`, { text: 'Tack! Vi behöver också bekräfta vem du är: svara med ditt personnummer.', pause: 'identity' })
  const closed = await request({ type: 'objection', relationship: 'event_participant' })
  await api('POST', `/cases/${closed.id}/status`, { status: 'in_progress' })
  await api('POST', `/cases/${closed.id}/messages`, { text: 'Vi har slutat behandla dina uppgifter för evenemang.' })
  await api('POST', `/cases/${closed.id}/status`, { status: 'completed' })
  const question = await request({ type: 'question', details: 'Hur länge sparar ni mina uppgifter efter ett evenemang?' })
  // Closed at once by the registers: the person is told what was done.
  await api('POST', '/subscribers', { email: 'nyhetsbrev-slut@example.se', name: 'Nora Nyhetsbrev' })
  const unsubscribed = await request({ type: 'unsubscribe', email: 'nyhetsbrev-slut@example.se', relationship: 'newsletter' })
  const pending = await request({ type: 'erasure', relationship: 'newsletter' }, { confirm: false })
  // A rectification of one's own address: the new address confirms by its own link (the verify-address page).
  await request({ type: 'rectification', email: 'kim@example.se', relationship: 'candidate', incorrect: 'kim@example.se', correct: 'kim.ny@example.se' })
  await ctx.flushMail()
  const newAddressMail = await smtp.waitFor((m) => m.envelopeTo.includes('kim.ny@example.se'))
  const addressToken = linkIn(newAddressMail[0].parsed.text, `${publicUrl}/verify/`).split('/verify/')[1]
  // A restriction case whose data subject is in both registers, the subscriber restricted (the register rows' actions).
  const restricted = await api('POST', '/subscribers', { email: 'karin@example.se', name: 'Karin Kandidat', phone: '+46702222222', source: 'website' })
  await api('POST', `/subscribers/${restricted.id}/restriction`)
  const restriction = await request({ type: 'restriction', email: 'karin@example.se', relationship: 'candidate', details: 'Använd inte mina uppgifter medan ni utreder.' })
  const candidate = (await app.db.selectFrom('candidates').select('id').where('email_normalized', '=', 'karin@example.se').executeTakeFirstOrThrow()).id
  const rows = { subscriber: restricted.id as number, candidate }

  // Access packages: one compiled (draft), one sent per language (the requester's download page and report.html).
  const draft = await request({ type: 'access', relationship: 'event_participant' })
  await api('POST', `/cases/${draft.id}/package/compile`)
  const sent = {} as Record<Lang, { id: number; statusToken: string; report: string }>
  for (const lang of LANGS) {
    const c = await request({ type: 'access', relationship: 'customer_contact', email: `paket-${lang}@example.se` }, { lang })
    // Every system searched before the package is sent (sending completes the case).
    for (const task of (await api('GET', `/cases/${c.id}/tasks`)).items as Array<{ id: number; status: string }>) {
      if (task.status === 'pending' || task.status === 'running') await api('POST', `/cases/${c.id}/tasks/${task.id}/complete`, { status: 'not_found' })
    }
    await api('POST', `/cases/${c.id}/package/compile`, { lang })
    await api('PUT', `/cases/${c.id}/package/withheld`, { withheld: [{ description: lang === 'sv' ? 'Intern bedömning av ärendet' : 'Internal assessment', reason: lang === 'sv' ? 'Affärshemlighet (art. 15.4)' : 'Trade secret (Art. 15(4))' }] })
    await api('POST', `/cases/${c.id}/package/review`)
    const zip = await app.inject({ url: `/api/v1/cases/${c.id}/package/preview`, headers: { authorization: `Bearer ${token}` } })
    const report = (await unzip(zip.rawPayload)).get('report.html')
    if (!report) throw new Error('no report.html in the package')
    await api('POST', `/cases/${c.id}/package/send`)
    sent[lang] = { id: c.id, statusToken: c.statusToken, report: report.toString('utf8') }
  }
  const rules = await api('GET', '/routing-rules')
  await ctx.flushMail()

  return { admins, handler, handlerId, mfa, mfaId, unsubscribe, fresh, erasure, rectification, waiting, closed, question, unsubscribed, pending, addressToken, restriction, rows, draft, sent, ruleId: rules.items[0].id as number }
}

// ── Browser contexts ──

async function openContexts(browser: Browser, lang: Lang, fx: Fixtures, url: (p: string) => string) {
  const locale = lang === 'sv' ? 'sv-SE' : 'en-GB'
  const anonCtx: BrowserContext = await newContext(browser, locale)
  const staffCtx: BrowserContext = await newContext(browser, locale)
  const anonymous = await anonCtx.newPage()
  const staff = await staffCtx.newPage()
  // Staff pages follow the member's saved language: one administrator per language.
  await staff.goto(url('/staff/login'))
  await submit(staff, '/staff/login', { email: fx.admins[lang].email, password: fx.admins[lang].password })
  if ((await staff.getAttribute('html', 'lang')) !== lang) throw new Error(`staff pages are not in ${lang}`)
  return {
    anonymous,
    staff,
    close: async () => {
      await anonCtx.close()
      await staffCtx.close()
    },
  }
}

/**
 * Posts the form whose action is `action` with these fields set, as its submit button would
 * (`submitter`: a selector inside the form), without the browser's own checks: what comes back
 * is the server's answer. Works on forms folded away in a closed <details> too.
 */
async function submit(page: Page, action: string, fields: Record<string, string> = {}, submitter?: string): Promise<Response | null> {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate(
      ({ action, fields, submitter }) => {
        const doc = (globalThis as any).document
        const form = [...doc.querySelectorAll('form')].find((f: any) => f.getAttribute('action') === action)
        if (!form) throw new Error(`no form with action ${action}`)
        for (const [name, value] of Object.entries(fields)) {
          const field = form.elements.namedItem(name)
          if (!field) throw new Error(`no field ${name} in ${action}`)
          field.value = value
        }
        form.noValidate = true
        const button = form.querySelector(submitter ?? 'button[type=submit], button:not([type]), input[type=submit]')
        form.requestSubmit(button ?? undefined)
      },
      { action, fields, submitter },
    ),
  ])
  return response
}

// ── The pages ──

/** Page specs built against the server's address: a plain GET, and a form sent back with errors. */
function specMakers(url: (p: string) => string) {
  const get = (id: string, route: string, path: string, area: PageSpec['area'] = 'public', extra: Partial<PageSpec> = {}): PageSpec => ({ id, route, area, open: (page) => page.goto(url(path)), ...extra })
  const failed = (id: string, route: string, area: PageSpec['area'], path: string, action: string, fields: Record<string, string> = {}, extra: Partial<PageSpec> = {}): PageSpec => ({
    id,
    route,
    area,
    failedSubmit: true,
    open: async (page) => {
      await page.goto(url(path))
      return submit(page, action, fields)
    },
    ...extra,
  })
  return { get, failed }
}

/** The first administrator's setup page: shown only while there are no staff. */
function setupPageSpecs(setupToken: string, url: (p: string) => string): PageSpec[] {
  const { get, failed } = specMakers(url)
  const path = `/staff/setup/${setupToken}`
  return [get('staff setup', 'GET /staff/setup/:token', path, 'staff', { anonymous: true }), failed('staff setup (errors)', 'POST /staff/setup/:token', 'staff', path, path, { email: 'inte en adress' }, { anonymous: true })]
}

function pageSpecs(fx: Fixtures, setupToken: string, url: (p: string) => string): PageSpec[] {
  const { get, failed } = specMakers(url)
  const status = (token: string) => `/status/${token}`
  const pkg = (lang: Lang) => `/status/${fx.sent[lang].statusToken}/package`
  const casePage = (id: number) => `/staff/cases/${id}`
  const unknownToken = 'A'.repeat(43)

  return [
    // ── Public ──
    get('home', 'GET /', '/'),
    get('processing register', 'GET /register', '/register'),
    get('privacy notice for requests', 'GET /privacy/requests', '/privacy/requests'),
    get('all requests', 'GET /request', '/request'),
    ...REQUEST_TYPES.map((type) => get(`form ${type}`, 'GET /request/:type', `/request/${type}`)),
    get('form access for someone else', 'GET /request/:type', '/request/access?about=other'),
    ...REQUEST_TYPES.map((type) => failed(`form ${type} (errors)`, 'POST /request/:type', 'public', `/request/${type}`, `/request/${type}`, { email: 'inte en adress' })),
    failed('form access for someone else (errors)', 'POST /request/:type', 'public', '/request/access?about=other', '/request/access', { email: 'inte en adress' }),
    {
      id: 'check your inbox',
      route: 'POST /request/:type',
      area: 'public',
      open: async (page, lang) => {
        await page.goto(url('/request/question'))
        return submit(page, '/request/question', { email: `fraga-${lang}@example.se`, name: 'Frida Frågvis', details: 'Hur länge sparar ni mina uppgifter?' })
      },
    },
    get('confirm request', 'GET /verify/:token', `/verify/${fx.pending.verifyToken}`),
    get('confirm new address', 'GET /verify/:token', `/verify/${fx.addressToken}`),
    get('confirmation link unknown', 'GET /verify/:token', `/verify/${unknownToken}`),
    get('status open case, waiting for the requester', 'GET /status/:token', status(fx.waiting.statusToken)),
    failed('status reply (errors)', 'POST /status/:token/reply', 'public', status(fx.waiting.statusToken), `/status/${fx.waiting.statusToken}/reply`, { reply: '' }),
    get('status new case', 'GET /status/:token', status(fx.fresh.statusToken)),
    get('status closed case', 'GET /status/:token', status(fx.closed.statusToken)),
    get('status closed at once (unsubscribe)', 'GET /status/:token', status(fx.unsubscribed.statusToken)),
    get('supplier answer page (email task)', 'GET /tasks/respond/:token', `/tasks/respond/${SUPPLIER_TOKEN}`),
    get('supplier answer link not valid', 'GET /tasks/respond/:token', `/tasks/respond/${'x'.repeat(43)}`),
    get('status package sent', 'GET /status/:token', status(fx.sent.sv.statusToken)),
    get('status link unknown', 'GET /status/:token', status(unknownToken)),
    { id: 'package download', route: 'GET /status/:token/package', area: 'public', open: (page, lang) => page.goto(url(pkg(lang))) },
    {
      id: 'package download (wrong code)',
      route: 'POST /status/:token/package/download',
      area: 'public',
      failedSubmit: true,
      open: async (page, lang) => {
        await page.goto(url(pkg(lang)))
        return submit(page, `${pkg(lang)}/download`, { code: '12' })
      },
    },
    {
      id: 'package download (code sent)',
      route: 'POST /status/:token/package/code',
      area: 'public',
      open: async (page, lang) => {
        await page.goto(url(pkg(lang)))
        return submit(page, `${pkg(lang)}/code`)
      },
    },
    {
      id: 'package report.html',
      route: 'GET /staff/cases/:id/package/preview',
      area: 'public',
      // The report inside the ZIP the requester downloads, as a file opened in the browser.
      open: async (page, lang) => {
        const path = `/__layout-test__/report-${lang}.html`
        await page.route(url(path), (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fx.sent[lang].report }))
        return page.goto(url(path))
      },
    },
    { id: 'unsubscribe', route: 'GET /u/:token', area: 'public', open: (page, lang) => page.goto(url(fx.unsubscribe[lang])) },
    {
      id: 'unsubscribe done',
      route: 'POST /u/:token',
      area: 'public',
      open: async (page, lang) => {
        await page.goto(url(fx.unsubscribe[lang]))
        return submit(page, fx.unsubscribe[lang])
      },
    },
    get('unsubscribe link unknown', 'GET /u/:token', `/u/${unknownToken}`),
    get('page not found', '(not found)', '/no/such/page'),

    // ── Staff sign-in (anonymous) ──
    get('staff login', 'GET /staff/login', '/staff/login', 'staff', { anonymous: true }),
    failed('staff login (errors)', 'POST /staff/login', 'staff', '/staff/login', '/staff/login', { email: 'nobody@xtractor.se', password: 'fel lösenord här' }, { anonymous: true }),
    get('staff setup link spent', 'GET /staff/setup/:token', `/staff/setup/${setupToken}`, 'staff', { anonymous: true }),
    {
      id: 'staff login code',
      route: 'GET /staff/login/mfa',
      area: 'staff',
      anonymous: true,
      open: async (page) => {
        await page.goto(url('/staff/login'))
        return submit(page, '/staff/login', { email: fx.mfa.email, password: fx.mfa.password })
      },
    },
    // Leaves this browser half signed in: keep it last of the anonymous staff pages.
    failed('staff login code (errors)', 'POST /staff/login/mfa', 'staff', '/staff/login/mfa', '/staff/login/mfa', { code: '000000' }, { anonymous: true }),

    // ── Staff (signed in as an administrator) ──
    get('queue', 'GET /staff', '/staff', 'staff'),
    get('queue all, by received', 'GET /staff', '/staff?status=all&sort=received', 'staff'),
    get('queue search without hits', 'GET /staff', '/staff?q=ingen-s%C3%A5dan', 'staff'),
    get('case new, unassigned (access)', 'GET /staff/cases/:id', casePage(fx.fresh.id), 'staff'),
    get('case in progress (erasure, Art. 19 recipients, systems to approve)', 'GET /staff/cases/:id', casePage(fx.erasure.id), 'staff'),
    get('case rectification proposal (candidate)', 'GET /staff/cases/:id', casePage(fx.rectification.id), 'staff'),
    get('case paused, messages both ways (portability)', 'GET /staff/cases/:id', casePage(fx.waiting.id), 'staff'),
    get('case closed', 'GET /staff/cases/:id', casePage(fx.closed.id), 'staff'),
    get('case question', 'GET /staff/cases/:id', casePage(fx.question.id), 'staff'),
    get('case closed at once (unsubscribe)', 'GET /staff/cases/:id', casePage(fx.unsubscribed.id), 'staff'),
    failed('case message (errors)', 'POST /staff/cases/:id/messages', 'staff', casePage(fx.erasure.id), `/staff/cases/${fx.erasure.id}/messages`, { text: '' }),
    get('case not found', 'GET /staff/cases/:id', '/staff/cases/999999', 'staff'),
    get('package not compiled', 'GET /staff/cases/:id/package', `${casePage(fx.fresh.id)}/package`, 'staff'),
    get('package draft', 'GET /staff/cases/:id/package', `${casePage(fx.draft.id)}/package`, 'staff'),
    get('package sent', 'GET /staff/cases/:id/package', `${casePage(fx.sent.sv.id)}/package`, 'staff'),
    get('case new (by hand)', 'GET /staff/cases/new', '/staff/cases/new', 'staff'),
    failed('case new (by hand) (errors)', 'POST /staff/cases/new', 'staff', '/staff/cases/new', '/staff/cases/new', { email: 'inte en adress' }),
    get('reports', 'GET /staff/reports', '/staff/reports', 'staff'),
    get('deadline calculator', 'GET /staff/deadlines', '/staff/deadlines', 'staff'),
    get('deadline calculator result', 'GET /staff/deadlines', '/staff/deadlines?receivedAt=2026-12-18&confirmedAt=2026-12-21&months=3', 'staff'),
    get('deadline calculator (errors)', 'GET /staff/deadlines', '/staff/deadlines?receivedAt=2026-13-45', 'staff', { failedSubmit: true }),
    get('templates', 'GET /staff/admin/templates', '/staff/admin/templates', 'staff'),
    get('registers', 'GET /staff/registers', '/staff/registers', 'staff'),
    get('register row (subscriber, restricted)', 'GET /staff/registers/:register/:id', `/staff/registers/subscribers/${fx.rows.subscriber}`, 'staff'),
    get('register row (candidate)', 'GET /staff/registers/:register/:id', `/staff/registers/candidates/${fx.rows.candidate}`, 'staff'),
    failed('register row (errors)', 'POST /staff/registers/:register/:id', 'staff', `/staff/registers/candidates/${fx.rows.candidate}`, `/staff/registers/candidates/${fx.rows.candidate}`, { value: '' }),
    get('case restriction (register rows and their actions)', 'GET /staff/cases/:id', casePage(fx.restriction.id), 'staff'),
    get('staff members', 'GET /staff/admin/staff', '/staff/admin/staff', 'staff'),
    failed('staff members (errors)', 'POST /staff/admin/staff', 'staff', '/staff/admin/staff', '/staff/admin/staff', { email: 'inte en adress' }),
    get('routing rules', 'GET /staff/admin/routing', '/staff/admin/routing', 'staff'),
    failed('routing rules (errors)', 'POST /staff/admin/routing', 'staff', '/staff/admin/routing', '/staff/admin/routing', { name: '' }),
    get('routing rule edit', 'GET /staff/admin/routing/:id', `/staff/admin/routing/${fx.ruleId}`, 'staff'),
    get('teams', 'GET /staff/admin/teams', '/staff/admin/teams', 'staff'),
    get('routing test', 'GET /staff/routing/test', '/staff/routing/test', 'staff'),
    get('routing test result', 'GET /staff/routing/test', '/staff/routing/test?type=rectification&relationship=candidate&channel=web', 'staff'),
    get('escalation', 'GET /staff/escalation', '/staff/escalation', 'staff'),
    get('account', 'GET /staff/account', '/staff/account', 'staff'),
    failed('account password (errors)', 'POST /staff/account/password', 'staff', '/staff/account', '/staff/account/password', { current: 'fel', password: 'kort', password2: 'annat' }),
    get('account second factor', 'GET /staff/account/mfa', '/staff/account/mfa', 'staff'),
    get('data map', 'GET /staff/admin/map', '/staff/admin/map', 'staff'),
    get('data map purpose', 'GET /staff/admin/map/purposes/:id', '/staff/admin/map/purposes/newsletter', 'staff'),
    get('data map new system', 'GET /staff/admin/map/new-system', '/staff/admin/map/new-system', 'staff'),
    get('data map system', 'GET /staff/admin/map/systems/:key', '/staff/admin/map/systems/newsletter', 'staff'),
    get('data map new sql system', 'GET /staff/admin/map/new-system', '/staff/admin/map/new-system?kind=sql', 'staff'),
    get('data map new webhook system', 'GET /staff/admin/map/new-system', '/staff/admin/map/new-system?kind=webhook', 'staff'),
    get('data map new manual system', 'GET /staff/admin/map/new-system', '/staff/admin/map/new-system?kind=manual', 'staff'),
    failed('data map new sql system (errors)', 'POST /staff/admin/map/systems', 'staff', '/staff/admin/map/new-system?kind=sql', '/staff/admin/map/systems', { key: 'shop', 'name.sv': 'Butik', 'name.en': 'Shop', 'config.url': '/etc/shop.db', 'config.tables': '[{"table": "customers", "emailColumn": "e-mail"}]' }),
    get('readiness', 'GET /staff/admin/readiness', '/staff/admin/readiness', 'staff'),
    get('request sent (check your inbox)', 'GET /request/:type/sent', '/request/access/sent'),
  ]
}
