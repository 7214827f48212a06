import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'

// STAFF_EMAIL is told of each new confirmed case with the date to answer by (Art. 12(3)); a case the
// registers closed at once (an unsubscribe) has no answer to give, so its notice names no date.
t.test('the staff notice gives an answer-by date for an open case and none for a case closed at once', async (t) => {
  const ctx = await buildTestApp(t, { env: { STAFF_EMAIL: 'dpo@xtractor.se' } })
  const { case: open } = await openCase(ctx, { type: 'access', relationship: 'customer_contact', email: 'open@example.se' })
  const { case: closed } = await openCase(ctx, { type: 'unsubscribe', relationship: 'newsletter', email: 'gone@example.se' })
  t.equal(closed.status, 'completed', 'the unsubscribe was closed at once')
  await ctx.flushMail()
  const notices = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('dpo@xtractor.se'), 2)
  const about = (ref: string) => notices.find((m) => (m.parsed.text ?? '').includes(ref))?.parsed.text ?? ''
  t.match(about(open.reference), `Svara senast ${open.due_date}`, 'the open case: answer by its due date')
  t.notMatch(about(closed.reference), /Svara senast|\d{4}-\d{2}-\d{2}/, 'the closed case: no date to answer by')
  t.match(about(closed.reference), 'avslutats direkt', 'the closed case: says it is already done')
})
