/**
 * The `webhook` connector: any system with an HTTP endpoint. Each task is one signed POST
 * (src/connectors/signature.ts); the answer `200 {status, records?, message?}` finishes it, `202`
 * means the answer comes later to the callback URL. Anything else — another status, a network
 * error, a timeout, an answer too large — throws, and the task engine retries with backoff.
 *
 * The endpoint is an admin-typed URL reached from inside the network: redirects are never
 * followed (a 3xx could point anywhere), and each connection's resolved address is checked
 * (src/connectors/url-guard.ts) unless ALLOW_PRIVATE_CONNECTOR_URLS=true.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Callback, ChangePlan, ConnectionCheck, Connector, TaskOutcome, TaskRequest } from './contract.js'
import { sign, SIGNATURE_HEADER } from './signature.js'
import { BlockedAddressError, guardedLookup, isBlockedAddress, literalHost, type Resolver } from './url-guard.js'

export { verifySignature } from './signature.js'

export interface WebhookOptions {
  url: string
  secret: string
  allowPrivate: boolean
  /** TASK_RESULT_MAX_BYTES: the largest answer read. */
  maxBytes: number
  timeoutMs?: number
  now?: () => Date
  /** Tests only: how host names resolve. */
  resolver?: Resolver
}

const STATUSES = ['completed', 'not_found', 'failed'] as const

/** What each action asks of the system, for the plan a handler approves. */
const ASKS: Record<TaskRequest['action'], string> = {
  access: 'send the data it holds',
  erasure: 'erase the data it holds',
  rectification: 'correct the data it holds',
  restriction: 'restrict the processing of the data it holds',
}

export function webhookConnector(o: WebhookOptions): Connector {
  const target = new URL(o.url)
  const now = o.now ?? (() => new Date())

  /** One signed POST; the status and the body (at most maxBytes), or a throw. */
  function post(payload: unknown): Promise<{ status: number; body: string }> {
    const body = JSON.stringify(payload)
    // An address written as an IP is never looked up, so it is checked here.
    const ip = literalHost(target)
    if (ip !== null && !o.allowPrivate && isBlockedAddress(ip)) return Promise.reject(new BlockedAddressError(target.hostname))
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [SIGNATURE_HEADER]: sign(o.secret, body, now()), 'user-agent': 'dsr-portal' },
          lookup: guardedLookup(o.allowPrivate, o.resolver) as never,
          timeout: o.timeoutMs ?? 15_000,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > o.maxBytes) {
              res.destroy()
              reject(new Error(`the answer is larger than TASK_RESULT_MAX_BYTES (${o.maxBytes} bytes)`))
            } else chunks.push(chunk)
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', reject)
        },
      )
      req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs ?? 15_000} ms`)))
      req.on('error', reject)
      req.end(body)
    })
  }

  function unexpected(status: number): Error {
    return new Error(status >= 300 && status < 400 ? `answered ${status}: redirects are not followed` : `answered ${status}`)
  }

  return {
    async test(): Promise<ConnectionCheck[]> {
      const { status } = await post({ action: 'test' })
      if (status < 200 || status >= 300) throw unexpected(status)
      return [{ table: target.host, ok: true, message: `answered ${status}` }]
    },

    async plan(req): Promise<ChangePlan> {
      const description = `ask ${target.host} to ${ASKS[req.action]}`
      return { summary: description, steps: [{ description, rows: 0 }], possible: true }
    },

    async run(req: TaskRequest, callback: Callback): Promise<TaskOutcome> {
      const { status, body } = await post({
        taskId: req.taskId,
        caseReference: req.caseReference,
        action: req.action,
        subject: { email: req.subject.email, ...(req.subject.name ? { name: req.subject.name } : {}) },
        ...(req.corrections ? { corrections: req.corrections } : {}),
        callbackUrl: callback.url,
        callbackToken: callback.token,
      })
      if (status === 202) return { kind: 'later' }
      if (status !== 200) throw unexpected(status)
      let answer: { status?: unknown; records?: unknown; message?: unknown }
      try {
        answer = JSON.parse(body) as typeof answer
      } catch {
        throw new Error('answered 200 with a body that is not JSON')
      }
      if (!(STATUSES as readonly unknown[]).includes(answer?.status)) throw new Error('answered 200 without a status of completed, not_found or failed')
      return {
        kind: 'done',
        status: answer.status as (typeof STATUSES)[number],
        ...(Array.isArray(answer.records) || (answer.records && typeof answer.records === 'object') ? { records: answer.records as unknown[] } : {}),
        ...(typeof answer.message === 'string' ? { message: answer.message.slice(0, 2000) } : {}),
      }
    },
  }
}
