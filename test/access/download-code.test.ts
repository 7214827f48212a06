import t from 'tap'
import { buildTestApp, Jar } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { askCode, enterCode, sentPackage } from '../helpers/package-flow.js'

const other = (code: string) => (code === '123456' ? '654321' : '123456')

t.test('codes expire after 10 minutes and allow 3 tries', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const { statusPath, email } = await sentPackage(ctx)
  const jar = new Jar()

  const first = await askCode(ctx, jar, statusPath, email)
  ctx.clock.advance(10 * 60_000 + 1000)
  const late = await enterCode(ctx, jar, statusPath, first.code!)
  t.equal(late.statusCode, 409)
  t.match(late.body, /Koden har gått ut/)

  const second = await askCode(ctx, jar, statusPath, email)
  t.not(second.code, null)
  t.match((await enterCode(ctx, jar, statusPath, other(second.code!))).body, /2 försök kvar/)
  t.match((await enterCode(ctx, jar, statusPath, other(second.code!))).body, /1 försök kvar/)
  const third = await enterCode(ctx, jar, statusPath, other(second.code!))
  t.match(third.body, /använts för många gånger/)
  const right = await enterCode(ctx, jar, statusPath, second.code!)
  t.equal(right.statusCode, 409, 'the right code is no use after three wrong tries')
  t.match(right.body, /använts för många gånger/)

  const bad = await enterCode(ctx, jar, statusPath, '12ab')
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /Skriv de 6 siffrorna/)
  t.match(bad.body, /value="12ab"/, 'what was typed comes back')

  const third2 = await askCode(ctx, jar, statusPath, email)
  const ok = await enterCode(ctx, jar, statusPath, third2.code!)
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['content-type'], 'application/zip')

  // An earlier code stops working once a new one is asked for.
  const a = await askCode(ctx, jar, statusPath, email)
  await askCode(ctx, jar, statusPath, email)
  t.not((await enterCode(ctx, jar, statusPath, a.code!)).statusCode, 200)
})

t.test("another person's link or code opens nothing, and unknown links look the same", async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir() } })
  const anna = await sentPackage(ctx, { email: 'anna@example.se', name: 'Anna' })
  const bo = await sentPackage(ctx, { email: 'bo@example.se', name: 'Bo' })
  const jar = new Jar()
  const annaCode = await askCode(ctx, jar, anna.statusPath, anna.email)
  await askCode(ctx, jar, bo.statusPath, bo.email)
  const crossed = await enterCode(ctx, jar, bo.statusPath, annaCode.code!)
  t.not(crossed.statusCode, 200, "Anna's code does not open Bo's package")
  t.notMatch(crossed.body, /Anna/)

  const unknown = await ctx.app.inject({ url: '/status/' + 'A'.repeat(43) + '/package' })
  const garbage = await ctx.app.inject({ url: '/status/not-a-token/package' })
  const noPackage = await openCase(ctx, { type: 'access' })
  const without = await ctx.app.inject({ url: `/status/${noPackage.statusToken}/package` })
  t.equal(unknown.statusCode, 404)
  t.equal(garbage.statusCode, 404)
  t.equal(without.statusCode, 404, 'a case without a sent package says the same')
  const text = (body: string) => body.replace(/<input type="hidden"[^>]*>/g, '').replace(/\/status\/[^"?]*/g, '')
  t.equal(text(unknown.body), text(garbage.body))
  t.equal(text(unknown.body), text(without.body))
  const post = await ctx.app.inject({ method: 'POST', url: '/status/' + 'A'.repeat(43) + '/package/download', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=123456' })
  t.equal(post.statusCode, 404)
  const askUnknown = await ctx.app.inject({ method: 'POST', url: '/status/' + 'A'.repeat(43) + '/package/code', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(askUnknown.statusCode, 404)
})

t.test('asking for codes is limited; forms need their CSRF field; English pages', async (t) => {
  const ctx = await buildTestApp(t, { env: { DATA_DIR: t.testdir(), PACKAGE_CODES_PER_HOUR: '2' } })
  const { statusPath, email } = await sentPackage(ctx, { lang: 'en' })
  const jar = new Jar()
  const page = await ctx.app.inject({ url: `${statusPath}/package?lang=en` })
  t.match(page.body, /Your copy can be downloaded until/)
  t.match(page.body, /first copy is free of charge/)
  t.equal(page.headers['cache-control'], 'no-store')
  await ctx.app.inject({ url: `${statusPath}/package?lang=en`, headers: { cookie: jar.header } }).then((r) => jar.store(r))
  t.ok((await askCode(ctx, jar, statusPath, email)).code)
  t.ok((await askCode(ctx, jar, statusPath, email)).code)
  const limited = await askCode(ctx, jar, statusPath, email)
  t.equal(limited.res.statusCode, 429)
  t.match(limited.res.body, /many codes in a short time/)
  ctx.clock.advance(61 * 60_000)
  t.ok((await askCode(ctx, jar, statusPath, email)).code, 'allowed again an hour later')

  const forged = await ctx.app.inject({ method: 'POST', url: `${statusPath}/package/code`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'lang=en' })
  t.equal(forged.statusCode, 403)
  const forgedDownload = await ctx.app.inject({ method: 'POST', url: `${statusPath}/package/download`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=123456&lang=en' })
  t.equal(forgedDownload.statusCode, 403)
  t.match(forgedDownload.body, /value="123456"/)
})
