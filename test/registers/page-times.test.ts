import t from 'tap'
import { setup, upload } from '../helpers/registers.js'

t.test('issue 18: the registers page shows times in Stockholm, as the other staff pages do, not raw UTC', async (t) => {
  const ctx = await setup(t)
  const csv = 'email,name,subscribed_at\r\nsub@example.se,Sub Scriber,2026-10-29T17:49:01.436Z\r\nwinter@example.se,Vinter,2026-01-31T23:30:00Z\r\n'
  const imported = await upload(ctx, '/staff/registers/import', { register: 'subscribers' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from(csv) })
  t.equal(imported.statusCode, 200)
  t.match(imported.body, /2 rader importerades/, 'two: the plural')
  const page = await ctx.app.inject({ url: '/staff/registers', headers: { cookie: ctx.jar.header } })
  t.notMatch(page.body, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no ISO instant on the page')
  t.match(page.body, /2026-10-29 18:49/, 'Stockholm time (CET, +1)')
  t.match(page.body, /2026-02-01 00:30/, 'the Stockholm date, which may be the next day')
})
