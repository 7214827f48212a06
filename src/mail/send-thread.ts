/**
 * The mail handler on the background thread (see threaded-transport.ts and
 * src/threads/background.ts): it owns the real transport and sends what the main thread hands
 * it, one message per email.
 */
import type { OutboxRow } from '../db/schema.js'
import { devMailboxTransport, smtpTransport } from './transport.js'
import type { SendReply, ThreadSpec } from './threaded-transport.js'

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

export function open(spec: ThreadSpec, post: (reply: SendReply) => void) {
  const transport = spec.kind === 'smtp' ? smtpTransport(spec.smtpUrl, spec.inline) : devMailboxTransport(spec.mailDir, (line) => post({ print: line }), spec.inline)
  return {
    message(message: { id: number; row: OutboxRow; from: string }) {
      transport.send(message.row, message.from).then(
        () => post({ id: message.id }),
        (error: unknown) => post({ id: message.id, error: errorFields(error) }),
      )
    },
    close() {
      transport.close()
    },
  }
}
