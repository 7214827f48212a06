import t from 'tap'
import { en } from '../../src/i18n/en.js'
import { sv } from '../../src/i18n/sv.js'
import type { Lang } from '../../src/i18n/index.js'
import type { RequestInput } from '../../src/intake/validate.js'
import { buildTestApp, PUBLIC_URL, type TestApp } from '../helpers/app.js'
import { insertCandidate } from '../helpers/package.js'
import { linkIn } from '../helpers/smtp.js'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;')

/** Submits and confirms a request as the portal does, and returns what the requester got after confirming. */
async function confirmed(ctx: TestApp, input: Partial<RequestInput> & Pick<RequestInput, 'type' | 'email'>, lang: Lang) {
  await ctx.app.intake.submit({ name: null, relationship: null, consentKind: null, details: null, incorrect: null, correct: null, keepData: false, ...input }, { ip: '192.0.2.7', lang, channel: 'web' })
  await ctx.flushMail()
  const [verify] = await ctx.smtp.waitFor((m) => m.envelopeTo.includes(input.email) && /\/verify\//.test(m.parsed.text ?? ''))
  const result = await ctx.app.intake.confirm(/\/verify\/([A-Za-z0-9_-]{43})/.exec(verify.parsed.text!)![1])
  if (result.state !== 'confirmed') throw new Error(result.state)
  await ctx.flushMail()
  const mails = ctx.smtp.to(input.email).filter((m) => m !== verify)
  const outbox = await ctx.app.db.selectFrom('outbox').select('kind').where('case_id', '=', result.case.id).execute()
  return { c: result.case, statusToken: result.statusToken, mails, kinds: outbox.map((o) => o.kind) }
}

const IMMEDIATE = [
  { name: 'unsubscribe', input: { type: 'unsubscribe', relationship: 'newsletter' }, outcome: 'unsubscribed', kept: true },
  { name: 'objection to the newsletter', input: { type: 'objection', relationship: 'newsletter' }, outcome: 'objected', kept: true },
  { name: 'newsletter consent withdrawn', input: { type: 'withdraw_consent', consentKind: 'newsletter' }, outcome: 'newsletterWithdrawn', kept: true },
  { name: 'recruitment consent withdrawn, with a CV', input: { type: 'withdraw_consent', consentKind: 'recruitment', relationship: 'candidate' }, outcome: 'withdrawnWithCv', cv: true },
  { name: 'recruitment consent withdrawn, no CV', input: { type: 'withdraw_consent', consentKind: 'recruitment', relationship: 'candidate' }, outcome: 'withdrawn', cv: false },
] as const

t.test('a case closed at once: one email saying what was done, and a status page with the outcome and every step done (issue 18)', async (t) => {
  const dir = t.testdir({ cvs: { 'cv-1.pdf': '%PDF-1.4\n%%EOF\n' } })
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dir } })
  let n = 0
  for (const lang of ['sv', 'en'] as const) {
    const m = lang === 'sv' ? sv : en
    for (const k of IMMEDIATE) {
      const email = `person${++n}@example.se`
      if ('cv' in k) await insertCandidate(ctx.app, email, { cvPath: k.cv ? 'cvs/cv-1.pdf' : null })
      const { c, statusToken, mails, kinds } = await confirmed(ctx, { email, ...k.input } as never, lang)
      const label = `${lang} ${k.name}`
      t.equal(c.status, 'completed', `${label}: closed at once`)
      t.same(kinds.filter((x) => x !== 'verify'), ['register_done'], `${label}: no receipt, one email`)
      t.equal(mails.length, 1, `${label}: the requester gets one email after confirming`)
      const text = mails[0].parsed.text!
      const said = m.registers.outcome[k.outcome]
      t.match(text, said, `${label}: it says what was done`)
      t.equal(text.includes(m.registers.outcome.kept), 'kept' in k, `${label}: the do-not-email list is explained for the newsletter`)
      t.match(text, c.reference, `${label}: with the reference`)
      t.notMatch(text, new RegExp(m.email.receiptDue.split('{')[0]), `${label}: no promise of an answer date`)
      t.equal(linkIn(text, `${PUBLIC_URL}/status/`), `${PUBLIC_URL}/status/${statusToken}`, `${label}: and the status link`)
      t.match(mails[0].parsed.html as string, `href="${PUBLIC_URL}/status/${statusToken}"`)

      const page = await ctx.app.inject({ url: `/status/${statusToken}?lang=${lang}` })
      t.match(page.body, `<h2 id="outcome-title">${esc(m.registers.outcome.title)}</h2>`, `${label}: the status page has the outcome`)
      t.match(page.body, esc(said))
      t.equal(page.body.match(/class="progress-step progress-done"/g)?.length, 4, `${label}: received, confirmed, in progress and answered all done`)
      t.match(page.body, new RegExp(`aria-current="step"><span class="progress-label">${m.status.steps.answered}</span>`), `${label}: at "${m.status.steps.answered}"`)
      t.notMatch(page.body, esc(m.status.due), `${label}: no answer date`)
      t.match(page.body, esc(m.status.noMessagesClosed), `${label}: no "no messages yet" on a closed case`)
    }
  }
})

t.test('an open case: steps up to where it is, no outcome, the receipt with its answer date', async (t) => {
  const ctx = await buildTestApp(t)
  const { c, statusToken, mails, kinds } = await confirmed(ctx, { type: 'access', email: 'open@example.se' }, 'en')
  t.equal(c.status, 'new')
  t.same(kinds.filter((x) => x !== 'verify'), ['receipt'])
  t.match(mails[0].parsed.text, 'We will answer by')
  const page = await ctx.app.inject({ url: `/status/${statusToken}?lang=en` })
  const steps = [...page.body.matchAll(/<li class="progress-step( progress-done)?"( aria-current="step")?><span class="progress-label">([^<]+)<\/span> <span class="progress-state">([^<]+)<\/span>/g)].map((x) => [x[3], x[4], Boolean(x[1]), Boolean(x[2])])
  t.same(steps, [
    ['Received', 'Done', true, false],
    ['Confirmed', 'Now', true, true],
    ['In progress', 'Not yet', false, false],
    ['Answered', 'Not yet', false, false],
  ], 'received → confirmed → in progress → answered, at "confirmed"')
  t.notMatch(page.body, 'outcome-title', 'no outcome while open')
  t.match(page.body, en.status.due)

  await ctx.app.db.updateTable('cases').set({ status: 'in_progress' }).where('id', '=', c.id).execute()
  const working = await ctx.app.inject({ url: `/status/${statusToken}?lang=sv` })
  t.match(working.body, /aria-current="step"><span class="progress-label">Handläggs<\/span> <span class="progress-state">Nu<\/span>/, 'in progress, in Swedish')
  await ctx.app.db.updateTable('cases').set({ status: 'awaiting_requester' }).where('id', '=', c.id).execute()
  const waiting = await ctx.app.inject({ url: `/status/${statusToken}?lang=en` })
  t.match(waiting.body, /aria-current="step"><span class="progress-label">In progress<\/span> <span class="progress-state">Waiting for your answer<\/span>/, 'waiting for the requester: the step says so')
  await ctx.app.db.updateTable('cases').set({ status: 'withdrawn', closed_at: '2026-11-26T10:00:00.000Z' }).where('id', '=', c.id).execute()
  const withdrawn = await ctx.app.inject({ url: `/status/${statusToken}?lang=en` })
  t.match(withdrawn.body, /aria-current="step"><span class="progress-label">Withdrawn<\/span>/, 'a withdrawn case ends at "Withdrawn", not "Answered"')
  t.notMatch(withdrawn.body, 'outcome-title', 'and says nothing was done to the registers')
})

t.test('a case staff registered was never confirmed by link: three steps', async (t) => {
  const { statusSteps } = await import('../../src/cases/status-steps.js')
  const steps = statusSteps({ status: 'new', received_at: '2026-11-20T10:00:00.000Z', verified_at: null, closed_at: null })
  t.same(steps.map((s) => [s.key, s.done, s.current, s.date]), [
    ['received', true, true, '2026-11-20'],
    ['in_progress', false, false, null],
    ['answered', false, false, null],
  ])
})
