import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../../src/cli.js'
import { createDb } from '../../src/db/connection.js'
import { parseCsv, detectDelimiter } from '../../src/registers/csv.js'
import { PUBLIC_URL } from '../helpers/app.js'
import { setup, upload } from '../helpers/registers.js'

const SECRET = 'import-test-session-secret-0123456789abcdef'

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-import-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function cli(dir: string, argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    env: { NODE_ENV: 'test', DATABASE_URL: join(dir, 'portal.db'), DATA_DIR: dir, PUBLIC_URL, SESSION_SECRET: SECRET },
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    now: () => new Date('2026-11-25T09:00:00Z'),
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

function file(dir: string, name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

t.test('the CSV reader: BOM, semicolons, quotes, line breaks in quotes, CRLF, blank lines', async (t) => {
  t.same(parseCsv('\ufeffemail;name\r\n"a@b.se";"Doe; ""J"" \nX"\r\n\r\nc@d.se;Y'), [
    { line: 1, fields: ['email', 'name'] },
    { line: 2, fields: ['a@b.se', 'Doe; "J" \nX'] },
    { line: 5, fields: ['c@d.se', 'Y'] },
  ])
  t.equal(detectDelimiter('a;b;c\n1,2'), ';')
  t.equal(detectDelimiter('"a;b",c,d\n'), ',')
  t.equal(detectDelimiter('a\tb\n'), '\t')
  const caught = (text: string) => {
    try {
      parseCsv(text)
    } catch (error) {
      return error
    }
    return null
  }
  t.match(caught('email\n"open'), { problem: 'unclosed_quote', line: 2 })
  t.match(caught('  \n'), { problem: 'empty' })
})

t.test('CLI import: a report of accepted, rejected (why) and skipped; all or nothing', async (t) => {
  const dir = tempDir(t)
  const mixed = file(
    dir,
    'mixed.csv',
    '\ufeffE-post;Namn;Telefon;Källa\r\n' +
      'ok1@example.se;Ett;;web\r\n' +
      'not-an-address;Två;;\r\n' +
      'ok2@example.se;"Tre; med semikolon";+46 8 123 456;event\r\n' +
      'OK1@example.se;Dubblett;;\r\n' +
      'ok3@example.se;Fyra;abc;\r\n' +
      'too;many;fields;here;x\r\n',
  )
  const blocked = await cli(dir, ['import', 'subscribers', mixed])
  t.equal(blocked.code, 1)
  t.match(blocked.out, /Rows: 6\. Accepted: 2\. Rejected: 3\. Skipped: 1\./)
  t.match(blocked.out, /Nothing was imported/)
  t.match(blocked.out, /rejected line 3: email/)
  t.match(blocked.out, /rejected line 6: phone/)
  t.match(blocked.out, /rejected line 7: field_count/)
  t.match(blocked.out, /skipped line 5: duplicate_in_file/)
  const db = createDb(join(dir, 'portal.db'))
  t.teardown(() => db.destroy())
  t.equal((await db.selectFrom('newsletter_subscribers').selectAll().execute()).length, 0, 'nothing half-imported')

  const partial = await cli(dir, ['import', 'subscribers', mixed, '--partial'])
  t.equal(partial.code, 0)
  t.match(partial.out, /Imported 2 subscribers/)
  const rows = await db.selectFrom('newsletter_subscribers').selectAll().orderBy('id').execute()
  t.match(rows, [{ email: 'ok1@example.se', name: 'Ett', source: 'web' }, { email: 'ok2@example.se', name: 'Tre; med semikolon', phone: '+46 8 123 456', source: 'event' }])
  t.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.unsubscribe_token_hash)))

  // Suppressed addresses are never re-subscribed; existing ones are skipped.
  await db.insertInto('suppressions').values({ email_normalized: 'gone@example.se', reason: 'one_click', case_id: null, created_at: '2026-11-01T00:00:00.000Z' }).execute()
  const second = file(dir, 'second.csv', 'email,name\nok1@example.se,Igen\nGONE@example.se,Borta\nnew@example.se,Ny\n')
  const res = await cli(dir, ['import', 'subscribers', second])
  t.equal(res.code, 0)
  t.match(res.out, /Accepted: 1\. Rejected: 0\. Skipped: 2\./)
  t.match(res.out, /skipped line 2: exists/)
  t.match(res.out, /skipped line 3: suppressed/)
  t.equal((await db.selectFrom('newsletter_subscribers').selectAll().execute()).length, 3)

  const wrong = await cli(dir, ['import', 'subscribers', file(dir, 'wrong.csv', 'mail;favourite colour\na@b.se;red\n')])
  t.equal(wrong.code, 1)
  t.match(wrong.out, /not imported/)
  t.match(wrong.out, /unknown_column "favourite colour"/)
  const noEmail = await cli(dir, ['import', 'candidates', file(dir, 'noemail.csv', 'name\nX\n')])
  t.match(noEmail.out, /missing_column "email"/)
  t.match(noEmail.out, /missing_column "consent_given_at"/)
  t.match((await cli(dir, ['import', 'subscribers', file(dir, 'empty.csv', '')])).out, /empty/)
  t.match((await cli(dir, ['import', 'subscribers', file(dir, 'header.csv', 'email\n')])).out, /no_rows/)
  t.match((await cli(dir, ['import', 'subscribers', file(dir, 'quote.csv', 'email\n"a@b.se\n')])).out, /unclosed_quote/)
  t.equal((await cli(dir, ['import', 'subscribers', join(dir, 'missing.csv')])).code, 1)
  t.equal((await cli(dir, ['import', 'pets', mixed])).code, 2)

  const cands = await cli(dir, ['import', 'candidates', file(dir, 'c.csv', 'email,consent_given_at\nc1@example.se,2026-01-01\nc2@example.se,2020-01-01\nc3@example.se,2027-01-01\nc4@example.se,2026-02-30\n')])
  t.match(cands.out, /Accepted: 1\. Rejected: 2\. Skipped: 1\./)
  t.match(cands.out, /skipped line 3: consent_expired/)
  t.match(cands.out, /rejected line 4: future_date/)
  t.match(cands.out, /rejected line 5: date/)
  const dry = await cli(dir, ['import', 'candidates', file(dir, 'c2.csv', 'email,consent_given_at\nc9@example.se,2026-01-01\n'), '--dry-run'])
  t.match(dry.out, /Accepted: 1/)
  t.equal((await db.selectFrom('candidates').selectAll().execute()).length, 0)
  t.ok(await db.selectFrom('audit_log').select('id').where('action', '=', 'register.import').executeTakeFirst(), 'imports are audited')
})

t.test('100,000 rows import in one go; a bad row among them blocks all of them', async (t) => {
  const dir = tempDir(t)
  const rows = Array.from({ length: 100_000 }, (_, i) => `p${i}@example.se;Person ${i}`)
  const bad = file(dir, 'bad.csv', 'email;name\n' + rows.join('\n') + '\nbroken;x\n')
  const started = Date.now()
  const blocked = await cli(dir, ['import', 'subscribers', bad])
  t.match(blocked.out, /Rows: 100001\. Accepted: 100000\. Rejected: 1\./)
  const db = createDb(join(dir, 'portal.db'))
  t.teardown(() => db.destroy())
  t.equal((await db.selectFrom('newsletter_subscribers').selectAll().execute()).length, 0)
  const ok = await cli(dir, ['import', 'subscribers', file(dir, 'ok.csv', 'email;name\n' + rows.join('\n'))])
  t.equal(ok.code, 0, ok.err)
  const n = await db.selectFrom('newsletter_subscribers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(n.n), 100_000)
  t.comment(`100,000 rows checked twice and imported once in ${Date.now() - started} ms`)
})

t.test('staff import page: report, wrong columns, not UTF-8, 400 without 5xx', async (t) => {
  const ctx = await setup(t, { IMPORT_MAX_BYTES: '2048' })
  const ok = await upload(ctx, '/staff/registers/import', { register: 'subscribers' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from('\ufeffemail;name\na@example.se;A\nbad;B\n') })
  t.equal(ok.statusCode, 400)
  t.match(ok.body, /Avvisade rader/)
  t.match(ok.body, /Rad 3: ogiltig e-postadress/)
  t.match(ok.body, /Ingenting importerades/)
  const partial = await upload(ctx, '/staff/registers/import', { register: 'subscribers', partial: 'on' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from('email;name\na@example.se;A\nbad;B\n') })
  t.equal(partial.statusCode, 200)
  t.match(partial.body, /1 rad importerades/)
  t.match(partial.body, /a@example\.se/)
  const wrong = await upload(ctx, '/staff/registers/import', { register: 'subscribers' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from('foo,bar\n1,2\n') })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, /Okänd kolumn &quot;foo&quot;|Okänd kolumn "foo"/)
  const latin1 = await upload(ctx, '/staff/registers/import', { register: 'subscribers' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from('email;namn\nb@example.se;G\xf6ran\n', 'latin1') })
  t.equal(latin1.statusCode, 400)
  t.match(latin1.body, /UTF-8/)
  const big = await upload(ctx, '/staff/registers/import', { register: 'subscribers' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.alloc(5000, 'a') })
  t.equal(big.statusCode, 413)
  const noRegister = await upload(ctx, '/staff/registers/import', { register: 'x' }, { filename: 's.csv', contentType: 'text/csv', data: Buffer.from('email\na@b.se\n') })
  t.equal(noRegister.statusCode, 400)
  const noFile = await upload(ctx, '/staff/registers/import', { register: 'subscribers' })
  t.equal(noFile.statusCode, 400)
  const search = await ctx.app.inject({ url: '/staff/registers?q=A@EXAMPLE', headers: { cookie: ctx.jar.header } })
  t.match(search.body, /a@example\.se/)
})
