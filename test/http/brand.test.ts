import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import { join, relative } from 'node:path'
import { tmpdir } from 'node:os'
import t, { type Test } from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'

/** A real PNG of the given size (one grey pixel row repeated), with a correct header. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])))
    return Buffer.concat([len, Buffer.from(type), data, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 0, 0, 0, 0], 8)
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x55)])))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}
function crc32(buf: Buffer): number {
  let c = ~0
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40"><script>alert(1)</script><rect width="100" height="40" fill="#0b4f8a"/></svg>\n'

function dataDir(t: Test) {
  const dir = t.testdir({ 'logo.png': png(200, 80), 'logo.svg': SVG, 'fake.png': 'not a png', 'fake.svg': '<html><body>no</body></html>', 'logo.gif': 'GIF89a', sub: { 'deep.png': png(10, 10) }, 'big.png': Buffer.concat([png(1, 1), Buffer.alloc(1024 * 1024)]) })
  return dir
}

t.test('BRAND_LOGO: a PNG or SVG file under DATA_DIR, checked at start; anything else stops it with a clear message', async (t) => {
  const dir = dataDir(t)
  const outside = join(tmpdir(), `dsr-brand-${process.pid}.png`)
  writeFileSync(outside, png(5, 5))
  t.teardown(() => writeFileSync(outside, ''))
  mkdirSync(join(dir, 'links'))
  symlinkSync(outside, join(dir, 'links', 'away.png'))
  const load = (value: string, more: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, BRAND_LOGO: value, ...more })
  t.match(load('logo.png').brandLogo, { type: 'image/png', width: 200, height: 80, file: join(dir, 'logo.png') }, 'a path relative to DATA_DIR')
  t.match(load(join(dir, 'sub', 'deep.png')).brandLogo, { type: 'image/png', width: 10, height: 10 }, 'or absolute, inside it')
  t.match(load('logo.svg').brandLogo, { type: 'image/svg+xml', width: null })
  t.equal(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }).brandLogo, null, 'unset: no logo, the header stays text')
  for (const [value, why] of [
    ['missing.png', 'no such file'],
    [relative(dir, outside), 'outside DATA_DIR'],
    [outside, 'outside DATA_DIR'],
    ['links/away.png', 'outside DATA_DIR'],
    ['fake.png', 'not a PNG image'],
    ['fake.svg', 'not an SVG document'],
    ['logo.gif', 'only .png and .svg'],
    ['sub', 'not a file'],
    ['big.png', 'larger than 1 MiB'],
  ]) {
    try {
      load(value)
      t.fail(`${value}: refused`)
    } catch (error) {
      t.type(error, ConfigError, value)
      t.equal((error as ConfigError).variable, 'BRAND_LOGO')
      t.match((error as Error).message, `BRAND_LOGO must be a PNG or SVG file under DATA_DIR (${dir}): `, `${value}: the message says what is wanted`)
      t.match((error as Error).message, why, `${value}: ${why}`)
    }
  }
  t.equal(loadConfig({ NODE_ENV: 'test', BRAND_NAME: '  Exempel AB  ' }).brandName, 'Exempel AB')
  for (const bad of ['<b>Evil</b>', 'Two\nlines', 'x'.repeat(101)]) {
    t.throws(() => loadConfig({ NODE_ENV: 'test', BRAND_NAME: bad }), new ConfigError('BRAND_NAME', 'must be one line of at most 100 characters, without < or >'), JSON.stringify(bad.slice(0, 12)))
  }
})

t.test('the default header is text; no logo route', async (t) => {
  const { app } = await buildTestApp(t)
  const home = await app.inject({ url: '/' })
  t.match(home.body, /<a class="brand" href="\/">Dataskyddsportalen <span class="brand-owner">Xtractor Interactive AB<\/span><\/a>/)
  t.notMatch(home.body, '<img')
  t.equal((await app.inject({ url: '/brand/logo' })).statusCode, 404)
})

t.test('a PNG logo: served by us, in the page header with the brand name as alt text, and inline in HTML emails', async (t) => {
  const dir = dataDir(t)
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dir, BRAND_LOGO: 'logo.png', BRAND_NAME: 'Exempel & Co' } })
  const { app } = ctx
  for (const lang of ['sv', 'en']) {
    const page = await app.inject({ url: `/request/access?lang=${lang}` })
    t.match(page.body, '<img class="brand-logo" src="/brand/logo" alt="Exempel &amp; Co" width="100" height="40">', `${lang}: the logo in the header, named`)
    t.match(page.body, /<title>[^<]* – Exempel &amp; Co<\/title>/, `${lang}: the brand in the title`)
  }
  const logo = await app.inject({ url: '/brand/logo' })
  t.equal(logo.statusCode, 200)
  t.equal(logo.headers['content-type'], 'image/png')
  t.same(logo.rawPayload, png(200, 80))
  t.equal(logo.headers['x-content-type-options'], 'nosniff')
  t.equal((await app.inject({ url: '/brand/logo', headers: { 'if-none-match': String(logo.headers.etag) } })).statusCode, 304, 'cached by its ETag')

  const { email } = await openCase(ctx, { type: 'access', lang: 'en' })
  await ctx.flushMail()
  const mails = ctx.smtp.to(email)
  t.equal(mails.length, 2, 'the link and the receipt')
  for (const mail of mails) {
    // mailparser puts the image the cid: link names into the HTML: the link and the part match.
    t.match(mail.parsed.html as string, `<img src="data:image/png;base64,${png(200, 80).toString('base64')}" alt="Exempel &amp; Co" width="100" height="40"`, 'the HTML shows the logo by its Content-ID')
    t.match(mail.raw, /^Content-ID: <brand-logo@dsr-portal>$/m)
    const [image] = mail.parsed.attachments
    t.equal(mail.parsed.attachments.length, 1, 'the logo travels with the email')
    t.equal(image.cid, 'brand-logo@dsr-portal')
    t.equal(image.contentType, 'image/png')
    t.equal(image.contentDisposition, 'inline')
    t.same(image.content, png(200, 80))
    t.notMatch(mail.parsed.html as string, '/brand/logo', 'no link to our server that would tell us the email was opened')
    t.notMatch(mail.parsed.text, 'cid:')
  }
})

t.test('an SVG logo: served with a policy that runs nothing, in the header, never in emails', async (t) => {
  const dir = dataDir(t)
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dir, BRAND_LOGO: 'logo.svg' } })
  const { app } = ctx
  const logo = await app.inject({ url: '/brand/logo' })
  t.equal(logo.statusCode, 200)
  t.equal(logo.headers['content-type'], 'image/svg+xml')
  t.equal(logo.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; sandbox")
  t.equal(logo.body, SVG)
  const home = await app.inject({ url: '/' })
  t.match(home.body, '<img class="brand-logo" src="/brand/logo" alt="Xtractor Interactive AB">', 'the default brand name as alt text')
  t.match(home.headers['content-security-policy'], "script-src 'self'", 'pages keep their own policy')
  const { email } = await openCase(ctx, { type: 'access' })
  await ctx.flushMail()
  for (const mail of ctx.smtp.to(email)) {
    t.notMatch(mail.parsed.html as string, '<img', 'no SVG in emails')
    t.equal(mail.parsed.attachments.length, 0)
  }
})
