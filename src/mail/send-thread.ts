/**
 * The mail thread's program (see threaded-transport.ts): it owns the real transport and sends
 * what the main thread hands it, one message per email.
 */
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import type { OutboxRow } from '../db/schema.js'
import { devMailboxTransport, smtpTransport } from './transport.js'
import type { SendReply, ThreadSpec } from './threaded-transport.js'

const port = parentPort!
const spec = workerData as ThreadSpec

try {
  // On Linux a thread has its own nice value: composing emails yields the CPU to the requests.
  setPriority(10)
} catch {
  // Not allowed here (some containers): run at the same priority.
}

const transport =
  spec.kind === 'smtp' ? smtpTransport(spec.smtpUrl, spec.inline) : devMailboxTransport(spec.mailDir, (line) => port.postMessage({ print: line } satisfies SendReply), spec.inline)

/** Only what the worker reads (isPermanent, describeError): the message may quote an address. */
function errorFields(error: unknown): NonNullable<SendReply['error']> {
  const e = error as { name?: unknown; code?: unknown; originalCode?: unknown; responseCode?: unknown }
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : undefined,
    originalCode: typeof e?.originalCode === 'string' ? e.originalCode : undefined,
    responseCode: typeof e?.responseCode === 'number' ? e.responseCode : undefined,
  }
}

port.on('message', (message: { id: number; row: OutboxRow; from: string } | 'close') => {
  if (message === 'close') {
    transport.close()
    port.close()
    return
  }
  transport.send(message.row, message.from).then(
    () => port.postMessage({ id: message.id } satisfies SendReply),
    (error: unknown) => port.postMessage({ id: message.id, error: errorFields(error) } satisfies SendReply),
  )
})
