import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { OutboxRow } from '../../src/db/schema.js'
import { ThreadSendError, threadedTransport } from '../../src/mail/threaded-transport.js'
import { describeError, isPermanent } from '../../src/mail/worker.js'
import { freePort } from '../../bench/lib/server.js'
import { TestSmtp } from '../helpers/smtp.js'

function row(id: number, to = `person${id}@example.com`): OutboxRow {
  return {
    id,
    message_id: `<thread-${id}@portal.test>`,
    kind: 'verify',
    to_address: to,
    to_name: 'Person Example',
    subject: `Subject ${id}`,
    text_body: `Open https://portal.test/verify/token${id} to confirm.\n`,
    html_body: `<p>Open <a href="https://portal.test/verify/token${id}">the link</a>.</p>`,
    headers: null,
    case_id: null,
    status: 'pending',
    attempts: 0,
    next_attempt_at: new Date().toISOString(),
    locked_until: null,
    last_error: null,
    created_at: new Date().toISOString(),
    sent_at: null,
  } as OutboxRow
}

t.test('sends through SMTP from a worker thread: a send resolves once the server has the message', async (t) => {
  const smtp = await new TestSmtp().start()
  t.teardown(() => smtp.stop())
  const transport = threadedTransport({ kind: 'smtp', smtpUrl: smtp.url }, () => t.fail('SMTP prints nothing'))
  t.teardown(() => transport.close())
  t.equal(transport.kind, 'smtp')

  await Promise.all([1, 2, 3, 4, 5, 6, 7].map((id) => transport.send(row(id), 'Portal <portal@example.com>')))
  t.equal(smtp.received.length, 7, 'every send had arrived when it resolved')
  const first = smtp.to('person1@example.com')[0]
  t.equal(first.parsed.messageId, '<thread-1@portal.test>', 'the row Message-ID is kept')
  t.equal(first.parsed.subject, 'Subject 1')
  t.match(first.parsed.text, /verify\/token1/)
  t.match(String(first.parsed.html), /verify\/token1/)
})

t.test("a refusal keeps what the outbox decides by (name, code, SMTP status), not the server's text", async (t) => {
  const smtp = await new TestSmtp().start()
  t.teardown(() => smtp.stop())
  const transport = threadedTransport({ kind: 'smtp', smtpUrl: smtp.url }, () => {})
  t.teardown(() => transport.close())

  smtp.refuseWith = 550
  const permanent = await transport.send(row(1, 'refused@example.com'), 'portal@example.com').catch((e: unknown) => e)
  t.type(permanent, ThreadSendError)
  t.equal((permanent as ThreadSendError).responseCode, 550)
  t.ok(isPermanent(permanent), '5xx: given up')
  t.equal(describeError(permanent), 'Error EMESSAGE 550')
  t.notMatch((permanent as Error).message, /refused@example\.com|refused by test/, 'no address or server text crosses over')

  smtp.refuseWith = 451
  const temporary = await transport.send(row(2), 'portal@example.com').catch((e: unknown) => e)
  t.equal((temporary as ThreadSendError).responseCode, 451)
  t.notOk(isPermanent(temporary), '4xx: tried again later')

  smtp.refuseWith = null
  await transport.send(row(3), 'portal@example.com')
  t.equal(smtp.received.length, 1, 'the same thread sends again once the server accepts')
})

t.test('an unreachable server is a temporary failure with its network code', async (t) => {
  const port = await freePort()
  const transport = threadedTransport({ kind: 'smtp', smtpUrl: `smtp://127.0.0.1:${port}` }, () => {})
  t.teardown(() => transport.close())
  const error = await transport.send(row(1), 'portal@example.com').catch((e: unknown) => e)
  t.type(error, ThreadSendError)
  t.notOk(isPermanent(error))
  t.match(describeError(error), /ECONNREFUSED/)
})

t.test('the dev mailbox writes from the thread, and its lines are printed before the send resolves', async (t) => {
  const dir = join(t.testdir(), 'mail')
  const printed: string[] = []
  const transport = threadedTransport({ kind: 'dev-mailbox', mailDir: dir }, (line) => printed.push(line))
  t.teardown(() => transport.close())
  t.equal(transport.kind, 'dev-mailbox')
  await transport.send(row(42), 'portal@example.com')
  const files = readdirSync(dir)
  t.equal(files.length, 1)
  t.match(readFileSync(join(dir, files[0]), 'utf8'), /Message-ID: <thread-42@portal\.test>/i)
  t.ok(printed.some((l) => l.includes(files[0])), 'the file is printed')
  t.ok(printed.some((l) => l.includes('https://portal.test/verify/token42')), 'and the link')
})

t.test('a transport that cannot start fails its sends as temporary, and the next send tries again', async (t) => {
  // Unparseable: nodemailer throws as the handler opens on the thread (config validation keeps such URLs out of a real start).
  const transport = threadedTransport({ kind: 'smtp', smtpUrl: 'smtp://[bad' }, () => {})
  t.teardown(() => transport.close())
  for (const attempt of [1, 2]) {
    const error = await transport.send(row(attempt), 'portal@example.com').catch((e: unknown) => e)
    t.equal(describeError(error), 'Error ETHREAD', `send ${attempt} is answered, not left hanging`)
    t.notOk(isPermanent(error), 'and the row is tried again later')
  }
})
