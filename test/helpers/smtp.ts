import type { ParsedMail } from 'mailparser'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'

export interface ReceivedMail {
  raw: string
  parsed: ParsedMail
  envelopeTo: string[]
}

/** A real SMTP server on a random loopback port that keeps what it receives. */
export class TestSmtp {
  readonly received: ReceivedMail[] = []
  private server: SMTPServer
  private waiters: Array<() => void> = []
  /** Set to a code (e.g. 451 or 550) to refuse messages with it. */
  refuseWith: number | null = null
  /** Called as each message is accepted (a test can move its clock as if sending took time). */
  onMessage: (() => void) | null = null
  /** SMTP connections opened to this server so far. */
  connections = 0
  port = 0

  constructor(opts: Partial<SMTPServerOptions> = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Going away means going away: pooled connections left open are cut, not waited for.
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        this.connections += 1
        callback()
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          if (this.refuseWith) {
            const err = new Error('refused by test') as Error & { responseCode: number }
            err.responseCode = this.refuseWith
            return callback(err)
          }
          const raw = Buffer.concat(chunks).toString('utf8')
          // mailparser is loaded with the first message: half a second of start-up that most test
          // processes, which start an SMTP server but read no mail, never need.
          import('mailparser')
            .then(({ simpleParser }) => simpleParser(raw))
            .then((parsed) => {
              this.received.push({ raw, parsed, envelopeTo: session.envelope.rcptTo.map((r) => r.address) })
              this.onMessage?.()
              for (const w of this.waiters.splice(0)) w()
              callback()
            })
            .catch(callback)
        })
      },
      ...opts,
    })
    // A sender that dies mid-session (a SIGKILLed server) resets the connection: not a test failure.
    this.server.on('error', () => {})
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => resolve())
    })
    this.port = (this.server.server.address() as { port: number }).port
    return this
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelopeTo.includes(address))
  }

  /**
   * Resolves when at least `count` messages match, or rejects after `ms`. Generous: it returns as
   * soon as the mail is there, and on a machine busy with a second suite the first email of a
   * server process (its mail thread starting, nodemailer loading) took over 10 s.
   */
  async waitFor(pred: (m: ReceivedMail) => boolean, count = 1, ms = 60_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = this.received.filter(pred)
      if (found.length >= count) return found
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} email(s); have ${found.length}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** The first link in a text body that starts with `prefix`. */
export function linkIn(text: string | undefined, prefix: string): string {
  const match = (text ?? '').match(new RegExp(prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '[^\\s<>"]+'))
  if (!match) throw new Error(`no link starting with ${prefix} in: ${text}`)
  return match[0]
}
