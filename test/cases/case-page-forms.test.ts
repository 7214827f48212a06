import t from 'tap'
import { buildTestApp, csrfFrom, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { createStaff, loginAs } from '../helpers/staff.js'

// Found by the browser tests (test/e2e): what a real browser sends from the case page.
t.test('"Assign to me" works when the browser also sends the select (assignee=&assignee=me)', async (t) => {
  const h = await buildTestApp(t)
  const { app } = h
  const { case: c } = await openCase(h)
  const me = await createStaff(app, { role: 'handler', name: 'Mia Handläggare' })
  const jar = new Jar()
  await loginAs(app, jar, me)
  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })
  const res = await app.inject({
    method: 'POST',
    url: `/staff/cases/${c.id}/assign`,
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(csrfFrom(page.body))}&assignee=&assignee=me`,
  })
  t.equal(res.statusCode, 303)
  const row = await app.db.selectFrom('cases').select('assignee_id').where('id', '=', c.id).executeTakeFirstOrThrow()
  t.equal(row.assignee_id, me.id, 'assigned to the member who pressed the button')
})

t.test('text typed in one case form is not copied into the others when the page comes back with an error', async (t) => {
  const h = await buildTestApp(t)
  const { app } = h
  const { case: c } = await openCase(h)
  const me = await createStaff(app, { role: 'handler' })
  const jar = new Jar()
  await loginAs(app, jar, me)
  const page = await app.inject({ url: `/staff/cases/${c.id}`, headers: { cookie: jar.header } })
  // A message with "await reply" on a new case is refused (handling has not started).
  const res = await app.inject({
    method: 'POST',
    url: `/staff/cases/${c.id}/messages`,
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), text: 'Unique message text 123', awaitReply: 'on' }).toString(),
  })
  t.equal(res.statusCode, 409)
  t.match(res.body, /<textarea id="message-text"[^>]*>Unique message text 123<\/textarea>/, 'kept in the message form')
  t.match(res.body, /<textarea id="note-text"[^>]*><\/textarea>/, 'not copied into the note form')
})
