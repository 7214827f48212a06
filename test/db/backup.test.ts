import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { main } from '../../src/cli.js'
import { buildTestApp, PUBLIC_URL, type TestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { onPostgres, skipOnPostgres, testDatabaseUrl } from '../helpers/db.js'
import { insertCandidate, multipart, PDF, PNG, unzip } from '../helpers/package.js'
import { apiTokenFor, createStaff } from '../helpers/staff.js'

const SECRET = 'backup-test-session-secret-0123456789abc'

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-backup-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function cli(env: Record<string, string>, argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { env: { NODE_ENV: 'test', PUBLIC_URL, SESSION_SECRET: SECRET, ...env }, out: (s) => out.push(s), err: (s) => err.push(s) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** Cases, an access package with a staff upload, and a candidate whose CV is a file under DATA_DIR. */
async function portalWithData(ctx: TestApp, dataDir: string) {
  const { app } = ctx
  const opened = []
  for (let i = 0; i < 4; i++) opened.push((await openCase(ctx, { type: i === 0 ? 'access' : 'erasure', email: `person-${i}@example.se` })).case)
  const access = opened[0]
  const token = await apiTokenFor(app, await createStaff(app, { role: 'handler' }))
  const auth = { authorization: `Bearer ${token}` }
  mkdirSync(join(dataDir, 'cvs'), { recursive: true })
  writeFileSync(join(dataDir, 'cvs', 'person-0.pdf'), PDF)
  await insertCandidate(app, 'person-0@example.se', { name: 'Person Noll', cvPath: 'cvs/person-0.pdf' })
  const compiled = await app.inject({ method: 'POST', url: `/api/v1/cases/${access.id}/package/compile`, headers: auth })
  if (compiled.statusCode !== 201) throw new Error(`compile: ${compiled.statusCode} ${compiled.body}`)
  const upload = multipart({}, { name: 'scan.png', content: PNG, type: 'image/png' })
  const res = await app.inject({ method: 'POST', url: `/api/v1/cases/${access.id}/package/files`, headers: { ...auth, 'content-type': upload.contentType }, payload: upload.payload })
  if (res.statusCode !== 201) throw new Error(`upload: ${res.statusCode} ${res.body}`)
  return { opened, access }
}

async function zipOf(ctx: TestApp, caseId: number) {
  const db = ctx.app.db
  const c = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow()
  const p = await db.selectFrom('access_packages').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow()
  const { zip } = await ctx.app.accessPackages.buildZip(c, p)
  return unzip(zip)
}

t.test('backup FILE --files DIR while the portal runs; a new portal on the copy finds every case and every file', skipOnPostgres('the SQLite online backup API'), async (t) => {
  const dir = tempDir(t)
  const dataDir = join(dir, 'data')
  const env = { DATABASE_URL: join(dataDir, 'portal.db'), DATA_DIR: dataDir, SESSION_SECRET: SECRET }
  const live = await buildTestApp(t, { env })
  const { opened, access } = await portalWithData(live, dataDir)
  writeFileSync(join(dataDir, 'session-secret'), 'x'.repeat(43) + '\n')
  // Committed rows still in the WAL, not yet copied back into the database file: the backup must have them.
  t.ok(existsSync(env.DATABASE_URL + '-wal'), 'the live database has a WAL')

  const backupFile = join(dir, 'backups', 'portal-copy.db')
  mkdirSync(join(dir, 'backups'))
  // An empty folder made ready for the files is accepted (Node 24's fs.cp refuses to copy into an existing one).
  const filesDir = join(dir, 'backups', 'files')
  mkdirSync(filesDir)
  const run = await cli(env, ['backup', backupFile, '--files', filesDir])
  t.equal(run.code, 0, run.err)
  t.match(run.out, /Database copied to .*portal-copy\.db/)
  t.match(run.out, /2 files copied/, 'the CV and the uploaded scan')
  t.match(run.out, /SESSION_SECRET/, 'secrets are named as kept apart')
  t.notOk(existsSync(join(filesDir, 'session-secret')), 'the development session secret is not copied')
  t.notOk(existsSync(join(filesDir, 'portal.db')), 'the database is not copied file by file')

  // The live portal keeps working after the backup, and what it writes next is not in the copy.
  const later = (await openCase(live, { type: 'erasure', email: 'later@example.se' })).case
  const liveZip = await zipOf(live, access.id)

  const restored = await buildTestApp(t, { env: { DATABASE_URL: backupFile, DATA_DIR: filesDir, SESSION_SECRET: SECRET } })
  const ids = (await restored.app.db.selectFrom('cases').select(['id', 'reference']).orderBy('id').execute()).map((c) => c.reference)
  t.same(ids, opened.map((c) => c.reference), 'every case from before the backup, and only those')
  t.notOk(ids.includes(later.reference))
  const restoredZip = await zipOf(restored, access.id)
  const attachments = (zip: Map<string, Buffer>) => [...zip].filter(([name]) => !/^(report\.html|data\.json)$/.test(name))
  t.equal(attachments(restoredZip).length, 2, 'the uploaded scan and the CV')
  t.same(attachments(restoredZip), attachments(liveZip), 'every file, byte for byte')
  t.ok(attachments(restoredZip).some(([, data]) => data.equals(PDF)) && attachments(restoredZip).some(([, data]) => data.equals(PNG)))
})

t.test('backup refuses what would lose or mix data', skipOnPostgres('SQLite file paths'), async (t) => {
  const dir = tempDir(t)
  const dataDir = join(dir, 'data')
  const env = { DATABASE_URL: join(dataDir, 'portal.db'), DATA_DIR: dataDir }
  t.equal((await cli(env, ['migrate'])).code, 0)
  const before = readFileSync(env.DATABASE_URL)

  const onItself = await cli(env, ['backup', env.DATABASE_URL])
  t.equal(onItself.code, 1)
  t.match(onItself.err, /must not be the database itself/)
  t.same(readFileSync(env.DATABASE_URL), before, 'the database is untouched')

  const noFolder = await cli(env, ['backup', join(dir, 'missing', 'copy.db')])
  t.equal(noFolder.code, 1)
  t.match(noFolder.err, /folder for the backup file does not exist/)

  const inside = await cli(env, ['backup', join(dir, 'copy.db'), '--files', join(dataDir, 'files-backup')])
  t.equal(inside.code, 1)
  t.match(inside.err, /outside DATA_DIR/)

  mkdirSync(join(dir, 'full'))
  writeFileSync(join(dir, 'full', 'old.txt'), 'an older backup')
  const full = await cli(env, ['backup', join(dir, 'copy2.db'), '--files', join(dir, 'full')])
  t.equal(full.code, 1)
  t.match(full.err, /new or empty/)
  t.equal(readFileSync(join(dir, 'full', 'old.txt'), 'utf8'), 'an older backup')

  t.equal((await cli(env, ['backup'])).code, 2, 'FILE is required')
  t.equal((await cli(env, ['backup', join(dir, 'copy3.db'), '--files'])).code, 2, '--files needs a folder')
  t.equal((await cli({ DATABASE_URL: ':memory:' }, ['backup', join(dir, 'copy4.db')])).code, 1)
})

t.test('backup on PostgreSQL points to pg_dump and copies the files under DATA_DIR', { skip: onPostgres ? false : 'needs TEST_DATABASE_URL' }, async (t) => {
  const dir = tempDir(t)
  const dataDir = join(dir, 'data')
  const env = { DATABASE_URL: await testDatabaseUrl(t, join(dir, 'portal.db')), DATA_DIR: dataDir }
  mkdirSync(join(dataDir, 'packages'), { recursive: true })
  writeFileSync(join(dataDir, 'packages', 'a.bin'), PNG)
  const dbFile = await cli(env, ['backup', join(dir, 'copy.db')])
  t.equal(dbFile.code, 1)
  t.match(dbFile.err, /pg_dump/)
  const files = await cli(env, ['backup', '--files', join(dir, 'files')])
  t.equal(files.code, 0, files.err)
  t.match(files.out, /1 files copied/)
  t.match(files.out, /pg_dump/)
  t.same(readFileSync(join(dir, 'files', 'packages', 'a.bin')), PNG)
})
