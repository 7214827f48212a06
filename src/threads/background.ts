import { Worker } from 'node:worker_threads'
import { v8FlagsSet } from '../v8-flags.js'

/**
 * One worker thread for the process's background work: WAL checkpoints (src/db/checkpointer.ts)
 * and composing and sending email (src/mail/threaded-transport.ts).
 *
 * Every worker thread is a V8 isolate with a heap, compiled code and a malloc arena of its own,
 * about 8 MB before it does anything; with one thread per task the portal paid for two. Here each
 * task opens a channel on the shared thread instead, with its handler: a JavaScript expression
 * (`source`, evaluated with `require`) or a module (`module`, a file URL exporting `open`), either
 * giving `open(data, post)` → `{ message(body), close() }`. A channel's messages reach its handler
 * in order; a handler that fails to open or throws fails only its own channel. Should the thread
 * itself die (out of memory, an uncaught error), every channel is told (`lost`) and the next
 * channel opened starts a new thread.
 *
 * The thread runs at a lower priority (on Linux a thread has its own nice value): its work yields
 * the CPU to the requests. It keeps the process alive only while a channel asks it to (`ref`).
 */
export type Handler =
  | { source: string }
  /** `tsx`: the URL of tsx's loader API, for a module given as TypeScript (tests and the bench run the source). */
  | { module: string; tsx?: string }

export interface ChannelOptions {
  handler: Handler
  /** Given to the handler's open(). Structured-cloned. */
  data?: unknown
  message: (body: unknown) => void
  /** The channel is gone before close() was asked: its handler failed or the thread died. */
  lost: (error: Error) => void
}

export interface Channel {
  post(body: unknown): void
  /** Keep the process alive until unref(): work is in flight. */
  ref(): void
  unref(): void
  /** Resolves once the handler has closed (or the thread is gone). */
  close(): Promise<void>
}

/**
 * V8 heap sizes for the thread (MB): one email at a time and one checkpoint need a few megabytes,
 * and V8's defaults would let the thread grow a heap as large as the main thread's. A thread that
 * runs out stops; its channels are told and the next one opened starts a new thread.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 48 }

/** A thread whose channels have all closed, or a handler asked to close, is stopped if not done by then. */
const EXIT_TIMEOUT_MS = 5_000

/**
 * The thread's whole program, plain JavaScript: an eval'd worker needs no TypeScript loader, so
 * it runs the same under tsx (tests, bench) and from dist/ (npm start). A module handler given
 * as TypeScript source (under tsx) is loaded after registering tsx's loader in the thread.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
// Starting this thread put V8's flags back as the process started with them (Node 20): the
// main thread's are set again (src/v8-flags.ts). They are the whole process's, this thread's too.
for (const flag of workerData.v8Flags) require('node:v8').setFlagsFromString(flag)
try {
  require('node:os').setPriority(10)
} catch {
  // Not allowed here (some containers): run at the same priority.
}
const channels = new Map()
let tsx = null
const describe = (error) => ({ name: String((error && error.name) || 'Error'), code: typeof (error && error.code) === 'string' ? error.code : undefined })
async function load(handler) {
  if (handler.source !== undefined) return new Function('require', 'return (' + handler.source + ')')(require)
  if (handler.tsx) {
    tsx ??= import(handler.tsx).then((api) => api.register())
    await tsx
  }
  return (await import(handler.module)).open
}
parentPort.on('message', (m) => {
  if (m.op === 'exit') return parentPort.close()
  if (m.op === 'open') {
    const opening = load(m.handler).then((open) => open(m.data, (body) => parentPort.postMessage({ ch: m.ch, op: 'message', body })))
    channels.set(m.ch, opening)
    opening.catch((error) => {
      if (channels.get(m.ch) !== opening) return
      channels.delete(m.ch)
      parentPort.postMessage({ ch: m.ch, op: 'failed', error: describe(error) })
    })
    return
  }
  const opening = channels.get(m.ch)
  if (!opening) {
    if (m.op === 'close') parentPort.postMessage({ ch: m.ch, op: 'closed' })
    return
  }
  if (m.op === 'close') channels.delete(m.ch)
  opening.then(
    async (handler) => {
      if (m.op === 'message') return handler.message(m.body)
      try {
        await handler.close()
      } finally {
        parentPort.postMessage({ ch: m.ch, op: 'closed' })
      }
    },
    () => {
      if (m.op === 'close') parentPort.postMessage({ ch: m.ch, op: 'closed' })
    },
  ).catch((error) => {
    if (m.op === 'close' || channels.get(m.ch) !== opening) return
    channels.delete(m.ch)
    parentPort.postMessage({ ch: m.ch, op: 'failed', error: describe(error) })
  })
})
`

type FromThread =
  | { ch: number; op: 'message'; body: unknown }
  | { ch: number; op: 'failed'; error: { name: string; code?: string } }
  | { ch: number; op: 'closed' }

interface Open {
  opts: ChannelOptions
  refs: number
  /** Set once close() was asked: settles when the handler has closed. */
  closed: Promise<void> | null
  settle: () => void
}

/** The error a channel reports when its handler or its thread failed: only a name and a code cross over. */
export class ThreadError extends Error {
  code?: string
  constructor(fields: { name: string; code?: string }) {
    super('background thread failed')
    this.name = fields.name
    this.code = fields.code
  }
}

class BackgroundThread {
  readonly worker: Worker
  private readonly channels = new Map<number, Open>()
  private refs = 0
  private exiting = false
  private gone = false

  constructor() {
    // None of the process's preloads (tsx, a test runner's instrumentation): the thread loads only what it is given.
    this.worker = new Worker(THREAD, { eval: true, workerData: { v8Flags: v8FlagsSet() }, execArgv: [], resourceLimits: THREAD_LIMITS })
    this.worker.unref()
    this.worker.on('message', (m: FromThread) => this.receive(m))
    this.worker.on('error', (error) => this.die(error))
    this.worker.on('exit', () => this.die(new ThreadError({ name: 'Error', code: 'ETHREAD' })))
  }

  get accepting(): boolean {
    return !this.gone && !this.exiting
  }

  open(ch: number, opts: ChannelOptions): Channel {
    const entry: Open = { opts, refs: 0, closed: null, settle: () => {} }
    this.channels.set(ch, entry)
    this.worker.postMessage({ ch, op: 'open', handler: opts.handler, data: opts.data })
    const live = () => this.channels.get(ch) === entry && entry.closed === null
    return {
      post: (body) => {
        if (live()) this.worker.postMessage({ ch, op: 'message', body })
      },
      ref: () => {
        if (!live()) return
        entry.refs += 1
        this.adjustRefs(1)
      },
      unref: () => {
        if (!live() || entry.refs === 0) return
        entry.refs -= 1
        this.adjustRefs(-1)
      },
      close: () => {
        if (entry.closed) return entry.closed
        if (this.channels.get(ch) !== entry) return Promise.resolve()
        // A handler that does not finish closing (a checkpoint stuck on the disk) has the thread stopped:
        // SQLite's checkpoints survive being cut short, and the outbox sends an unfinished email again.
        const timer = setTimeout(() => void this.worker.terminate(), EXIT_TIMEOUT_MS)
        entry.closed = new Promise<void>((resolve) => (entry.settle = resolve)).finally(() => clearTimeout(timer))
        this.worker.postMessage({ ch, op: 'close' })
        return entry.closed
      },
    }
  }

  private adjustRefs(delta: number): void {
    this.refs += delta
    if (this.refs > 0) this.worker.ref()
    else this.worker.unref()
  }

  private receive(m: FromThread): void {
    const entry = this.channels.get(m.ch)
    if (!entry) return
    if (m.op === 'message') {
      if (entry.closed === null) entry.opts.message(m.body)
      return
    }
    this.remove(m.ch, entry)
    if (entry.closed) entry.settle()
    else if (m.op === 'failed') entry.opts.lost(new ThreadError(m.error))
    if (this.channels.size === 0) this.exit()
  }

  private remove(ch: number, entry: Open): void {
    this.channels.delete(ch)
    if (entry.refs > 0) this.adjustRefs(-entry.refs)
    entry.refs = 0
  }

  /** Every channel has closed: the thread ends, and a channel opened later gets a new one. */
  private exit(): void {
    if (this.exiting || this.gone) return
    this.exiting = true
    this.worker.postMessage({ op: 'exit' })
    setTimeout(() => void this.worker.terminate(), EXIT_TIMEOUT_MS).unref()
  }

  private die(error: unknown): void {
    if (this.gone) return
    this.gone = true
    if (current === this) current = null
    const lost = [...this.channels.values()]
    this.channels.clear()
    for (const entry of lost) {
      if (entry.closed) entry.settle()
      else entry.opts.lost(error instanceof ThreadError ? error : new ThreadError({ name: 'Error', code: 'ETHREAD' }))
    }
  }
}

let current: BackgroundThread | null = null
let nextChannel = 0

/** Opens a channel on the process's background thread, starting the thread if none is running. */
export function openChannel(opts: ChannelOptions): Channel {
  if (!current?.accepting) current = new BackgroundThread()
  return current.open(++nextChannel, opts)
}

/** The running thread's id, or null: for tests and diagnostics. */
export function backgroundThreadId(): number | null {
  return current?.accepting ? current.worker.threadId : null
}
