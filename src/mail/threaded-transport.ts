import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { projectRoot } from '../paths.js'
import type { OutboxRow } from '../db/schema.js'
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
 * runs in a worker thread at a lower priority instead; the outbox worker keeps its rows, leases
 * and marks on the main thread, so only a row's content crosses over.
 *
 * Under tsx (tests, `npm run bench`) the thread is the TypeScript source, loaded through tsx's
 * loader; from dist/ it is the compiled file.
 */
export function threadedTransport(spec: ThreadSpec, print: (line: string) => void): MailTransport {
  let worker: Worker | null = null
  let nextId = 0
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()

  const start = (): Worker => {
    const w = startThread(spec)
    w.unref()
    w.on('message', (reply: SendReply) => {
      if (reply.print !== undefined) return print(reply.print)
      const waiting = pending.get(reply.id!)
      if (!waiting) return
      pending.delete(reply.id!)
      if (pending.size === 0) w.unref()
      if (reply.error) waiting.reject(new ThreadSendError(reply.error))
      else waiting.resolve()
    })
    const lost = () => {
      if (worker !== w) return
      worker = null
      // Temporary: the outbox tries these rows again, with a new thread.
      for (const waiting of pending.values()) waiting.reject(new ThreadSendError({ name: 'Error', code: 'ETHREAD' }))
      pending.clear()
    }
    w.on('error', lost)
    w.on('exit', lost)
    return w
  }

  return {
    kind: spec.kind,
    send(row: OutboxRow, from: string) {
      worker ??= start()
      const id = ++nextId
      const w = worker
      // Held while sends are out, so a CLI awaiting one does not exit under it.
      w.ref()
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        w.postMessage({ id, row, from })
      })
    },
    close() {
      const w = worker
      worker = null
      if (!w) return
      w.postMessage('close')
      // A thread that does not finish closing its connections is stopped.
      setTimeout(() => void w.terminate(), 5_000).unref()
    },
  }
}

/**
 * V8 heap sizes for the thread (MB): one email at a time needs a few megabytes, and V8's defaults
 * would let each thread grow a heap of its own as large as the main thread's. A thread that runs
 * out stops; the rows it held are tried again with a new one (see `lost` above).
 */
const MAIL_THREAD_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 48 }

function startThread(spec: ThreadSpec): Worker {
  const source = import.meta.url.endsWith('.ts')
  // From dist/ this module may be inlined in a bundle elsewhere, so the thread's file is found from the project's root.
  const entry = source ? new URL('./send-thread.ts', import.meta.url) : pathToFileURL(join(projectRoot, 'dist', 'src', 'mail', 'send-thread.js'))
  // The thread takes none of the process's preloads (a test runner's instrumentation among them):
  // it runs only what it is given here.
  if (!source) return new Worker(entry, { workerData: spec, execArgv: [], resourceLimits: MAIL_THREAD_LIMITS })
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData: spec, execArgv: [], resourceLimits: MAIL_THREAD_LIMITS })
}
