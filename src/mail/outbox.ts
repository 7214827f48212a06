// The outbox's public face: every feature that tells someone something queues its email here, inside the
// transaction that causes it, so both commit or neither does. The worker (src/mail/worker.ts) sends them.
import { secureRandomBytes } from '../security/random.js'
import type { Executor } from '../db/connection.js'
import { insertOutbox } from './outbox-repository.js'
import { seal, type SealKey } from './seal.js'

export interface OutgoingEmail {
  kind: string
  to: string
  toName?: string | null
  subject: string
  text: string
  html?: string | null
  headers?: Record<string, string>
  caseId?: number | null
  /** A confirmation email: its link's token hash, so the link's lifetime starts when the email is sent. */
  verifyTokenHash?: string | null
}

/** The sender's domain, by sender: every email of a server has the same one. */
let lastFrom: { from: string; domain: string } | null = null
function domainOf(from: string): string {
  if (lastFrom?.from !== from) lastFrom = { from, domain: /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost' }
  return lastFrom.domain
}

export function messageIdFor(from: string): string {
  const domain = domainOf(from)
  return `<${Date.now().toString(36)}.${secureRandomBytes(12).toString('hex')}@${domain}>`
}

/**
 * Called inside the transaction that causes the email, so both commit or neither does.
 * With `seal`, the bodies are stored encrypted (they carry raw tokens in links); the worker opens them.
 */
export async function enqueueEmail(db: Executor, email: OutgoingEmail, opts: { from: string; now: Date; seal?: SealKey }): Promise<number> {
  const now = opts.now.toISOString()
  const key = opts.seal
  return insertOutbox(db, {
    message_id: messageIdFor(opts.from),
    kind: email.kind,
    to_address: email.to,
    to_name: email.toName ?? null,
    subject: email.subject,
    text_body: key ? seal(key, email.text) : email.text,
    html_body: email.html ? (key ? seal(key, email.html) : email.html) : null,
    headers: email.headers ? JSON.stringify(email.headers) : null,
    case_id: email.caseId ?? null,
    verify_token_hash: email.verifyTokenHash ?? null,
    next_attempt_at: now,
    created_at: now,
  })
}

/** The intake's purge drops confirmation emails of unconfirmed requests once they are old. */
export { deleteOldConfirmationEmails } from './outbox-repository.js'

/** Retention's minimisation drops a case's queued and sent emails, in the caller's transaction. */
export { deleteCaseOutbox as deleteCaseEmails } from './outbox-repository.js'

/**
 * An answered question's minimisation (src/cases/minimise.ts) drops the case's sent emails and the
 * confirmation emails sent to its address, in the caller's transaction; later, the sent emails of
 * every minimised case (the cases' own subquery), so the answer goes once it is delivered.
 */
export { deleteSentCaseOutbox as deleteSentCaseEmails, deleteSentConfirmationsTo, deleteSentOutboxOfCases as deleteSentEmailsOfCases } from './outbox-repository.js'
