import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { createStaff, loginAs, staffForm } from '../helpers/staff.js'

t.test('EDPB 01/2022 §159: the case page pauses only with a reason and a message, and says a plain status change does not pause', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const jar = new Jar()
  await loginAs(app, jar, await createStaff(app, { role: 'handler' }))
  const { case: erasure } = await openCase(ctx, { type: 'erasure' })
  const { case: access } = await openCase(ctx, { type: 'access' })

  const erasurePage = await app.inject({ url: `/staff/cases/${erasure.id}`, headers: { cookie: jar.header } })
  t.match(erasurePage.body, /name="pause" value="identity"/)
  t.notMatch(erasurePage.body, /value="specify_access"/, 'recital 63: specifying is offered on access and portability cases only')
  t.match(erasurePage.body, /Alla andra frågor skickas utan att stoppa tidsfristen/)
  const accessPage = await app.inject({ url: `/staff/cases/${access.id}`, headers: { cookie: jar.header } })
  t.match(accessPage.body, /name="pause" value="specify_access"/)

  // Attack: post specify_access on the erasure case anyway; the form comes back with the text.
  const refused = await staffForm(app, jar, `/staff/cases/${erasure.id}`, { text: 'Vilka system gäller det?', template: '', lang: 'sv', pause: 'specify_access' }, { postPath: `/staff/cases/${erasure.id}/messages` })
  t.equal(refused.statusCode, 409)
  t.match(refused.body, /Vilka system gäller det\?/, 'what was typed comes back')
  t.match(refused.body, /skäl 63/)

  const sent = await staffForm(app, jar, `/staff/cases/${access.id}`, { text: 'Vilka uppgifter vill du ha?', template: '', lang: 'sv', pause: 'specify_access' }, { postPath: `/staff/cases/${access.id}/messages` })
  t.equal(sent.statusCode, 303)
  const after = await app.inject({ url: `/staff/cases/${access.id}`, headers: { cookie: jar.header } })
  t.match(after.body, /id="pause-running"/)
  t.match(after.body, /Den registrerade ombeds precisera sin begäran om tillgång \(registerutdrag\) \(skäl 63\)/, 'the reason is shown, in the timeline too')
  t.notMatch(after.body, /name="pause" value=/, 'no second pause is offered while one runs')

  // In progress again: the page says that moving to awaiting_requester alone does not pause.
  await staffForm(app, jar, `/staff/cases/${access.id}`, { status: 'in_progress', reason: '' }, { postPath: `/staff/cases/${access.id}/status` })
  const resumed = await app.inject({ url: `/staff/cases/${access.id}`, headers: { cookie: jar.header } })
  t.match(resumed.body, /Att bara ändra status till ”Väntar på registrerad” stoppar inte tidsfristen/)
  t.notMatch(resumed.body, /id="pause-running"/)
  t.match(resumed.body, /Tidsfristen startad igen/)
})

t.test('EDPB 01/2022 §159: the status page says the clock stands still only when it does', async (t) => {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const handler = await createStaff(app, { role: 'handler' })
  const { case: c, statusToken } = await openCase(ctx)
  await app.cases.changeStatus(handler, c.id, 'in_progress')
  await app.cases.sendMessage(handler, c.id, { text: 'En fråga', awaitReply: true })
  const waiting = await app.inject({ url: `/status/${statusToken}` })
  t.match(waiting.body, /Vi väntar på ditt svar. Tiden vi har på oss att svara på din begäran löper ändå vidare./)
  t.notMatch(waiting.body, /står still/)
  await app.cases.changeStatus(handler, c.id, 'in_progress')
  await app.cases.sendMessage(handler, c.id, { text: 'Styrk din identitet', pause: 'identity' })
  const paused = await app.inject({ url: `/status/${statusToken}?lang=en` })
  t.match(paused.body, /The time limit stands still until you answer, because we need to make sure it is you/)
})
