import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../paths.js'
import type { OutboxRow } from '../db/schema.js'
import { openChannel, type Channel, type Handler } from '../threads/background.js'
import type { InlineImage, MailTransport } from './transport.js'

export type ThreadSpec = ({ kind: 'smtp'; smtpUrl: string } | { kind: 'dev-mailbox'; mailDir: string }) & { inline?: InlineImage[] }

export interface SendReply {
  id?: number
  print?: string
  error?: { name: string; code?: string; originalCode?: string; responseCode?: number }
}

/** A send that failed in the thread, carrying the fields the outbox worker decides by. */
export class ThreadSendError extends Error {
  code?: string
  originalCode?: string
  responseCode?: number
  constructor(fields: NonNullable<SendReply['error']>) {
    super('sending failed')
    this.name = fields.name
    this.code = fields.code
    this.originalCode = fields.originalCode
    this.responseCode = fields.responseCode
  }
}

/**
 * Composing an email with nodemailer takes about 0.7 ms of CPU and many turns of the event loop:
 * on the main thread, a burst of requests held the outbox back (a few dozen emails a second while
 * thousands of submissions came in) and the outbox took CPU from the requests. The transport
 * runs on the process's background thread instead (src/threads/background.ts, at a lower
 * priority, shared with the WAL checkpoints); the outbox worker keeps its rows, leases and marks
 * on the main thread, so only a row's content crosses over.
 */
export function threadedTransport(spec: ThreadSpec, print: (line: string) => void): MailTransport {
  let channel: Channel | null = null
  let nextId = 0
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()

  const start = (): Channel => {
    const c = openChannel({
      handler: handler(),
      data: spec,
      message: (body) => {
        const reply = body as SendReply
        if (reply.print !== undefined) return print(reply.print)
        const waiting = pending.get(reply.id!)
        if (!waiting) return
        pending.delete(reply.id!)
        c.unref()
        if (reply.error) waiting.reject(new ThreadSendError(reply.error))
        else waiting.resolve()
      },
      lost: () => {
        if (channel !== c) return
        channel = null
        // Temporary: the outbox tries these rows again, on a new channel (and a new thread if the old one died).
        for (const waiting of pending.values()) waiting.reject(new ThreadSendError({ name: 'Error', code: 'ETHREAD' }))
        pending.clear()
      },
    })
    return c
  }

  return {
    kind: spec.kind,
    send(row: OutboxRow, from: string) {
      channel ??= start()
      const id = ++nextId
      const c = channel
      // Held while sends are out, so a CLI awaiting one does not exit under it.
      c.ref()
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        c.post({ id, row, from })
      })
    },
    close() {
      const c = channel
      channel = null
      void c?.close()
    },
  }
}

/**
 * The thread's module: from dist/ the compiled file, found from the project's root (this module
 * may be inlined in a bundle elsewhere); under tsx (tests, `npm run bench`'s helpers) the
 * TypeScript source, loaded through tsx's loader in the thread.
 */
function handler(): Handler {
  if (!import.meta.url.endsWith('.ts')) return { module: pathToFileURL(join(projectRoot, 'dist', 'src', 'mail', 'send-thread.js')).href }
  return { module: new URL('./send-thread.ts', import.meta.url).href, tsx: import.meta.resolve('tsx/esm/api') }
}
