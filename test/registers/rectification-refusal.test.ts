import t from 'tap'
import { Jar, submitForm } from '../helpers/app.js'
import { setup, upload } from '../helpers/registers.js'
import { linkIn } from '../helpers/smtp.js'
import { staffForm } from '../helpers/staff.js'

t.test("Art. 12(4): refusing a candidate's rectification needs a reason, and the letter gives it with the IMY and court notice", async (t) => {
  const ctx = await setup(t)
  const { app } = ctx
  await upload(ctx, '/staff/registers/import', { register: 'candidates' }, { filename: 'k.csv', contentType: 'text/csv', data: Buffer.from('email,name,phone,consent_given_at\nrolf@example.se,Rolf R,+46701111111,2026-05-01\n') })
  await submitForm(app, new Jar(), '/request/rectification', { email: 'rolf@example.se', relationship: 'candidate', incorrect: 'Rolf R', correct: 'Rolf Rättad' })
  await ctx.flushMail()
  const [verify] = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('rolf@example.se') && /\/verify\//.test(m.parsed.text ?? ''))
  t.equal((await app.intake.confirm(new URL(linkIn(verify.parsed.text, `${ctx.config.publicUrl}/verify/`)).pathname.split('/').pop()!)).state, 'confirmed')
  const c = await app.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow()
  const proposal = await app.db.selectFrom('rectification_proposals').selectAll().executeTakeFirstOrThrow()
  const page = `/staff/cases/${c.id}`
  t.match((await app.inject({ url: page, headers: { cookie: ctx.jar.header } })).body, /name="reason"[^>]*><\/textarea>/, 'the form asks for the reason')

  for (const reason of ['', '  \u200b\u2060 ']) {
    const bare = await staffForm(app, ctx.jar, page, { proposal: String(proposal.id), field: 'name', value: 'Rolf Rättad', decision: 'reject', reason }, { postPath: `${page}/rectification` })
    t.equal(bare.statusCode, 400, `no reason: ${JSON.stringify(reason)}`)
    t.match(bare.body, /Ange skälet/)
  }
  t.equal((await app.db.selectFrom('rectification_proposals').select('status').executeTakeFirstOrThrow()).status, 'pending', 'nothing decided')

  const res = await staffForm(app, ctx.jar, page, { proposal: String(proposal.id), field: 'name', value: 'Rolf Rättad', decision: 'reject', reason: 'Namnet i registret är det du angav i din ansökan.' }, { postPath: `${page}/rectification` })
  t.equal(res.statusCode, 303)
  await ctx.flushMail()
  const mails = await ctx.smtp.waitFor((m) => m.envelopeTo.includes('rolf@example.se') && /inte ändrat din uppgift/.test(m.parsed.text ?? ''))
  const text = mails[0].parsed.text ?? ''
  t.match(text, /Skäl: Namnet i registret är det du angav i din ansökan\./)
  t.match(text, /Integritetsskyddsmyndigheten \(IMY\), www\.imy\.se.*artiklarna 12\.4, 77 och 79/s)
  t.notMatch(text, /Hör av dig om du har frågor/)
})
