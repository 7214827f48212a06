import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import type { NewsletterSubscriber } from '../db/schema.js'
import type { Actor } from '../staff/actor.js'
import { findSubscriberByEmail, insertSubscriber } from './subscribers-repository.js'
import { isSuppressed } from './suppressions.js'
import { listUnsubscribeHeaders, unsubscribeToken, unsubscribeUrl } from './unsubscribe-token.js'

export interface SubscriberJson {
  id: number
  email: string
  status: string
  unsubscribeUrl: string
  listUnsubscribe: Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string>
}

/** The API's view of a subscriber: the link is derived again each time, never read from storage. */
export function subscriberJson(config: Config, s: NewsletterSubscriber): SubscriberJson {
  const token = unsubscribeToken(config.sessionSecret, s.token_key ?? s.email_normalized)
  return { id: s.id, email: s.email, status: s.status, unsubscribeUrl: unsubscribeUrl(config, token), listUnsubscribe: listUnsubscribeHeaders(config, token) }
}

export type AddOutcome =
  | { state: 'created' | 'exists'; subscriber: NewsletterSubscriber }
  | { state: 'suppressed' }

/**
 * Adds a subscriber unless the address is suppressed (unsubscribed or objected): that is reported,
 * never overridden, because a re-subscription needs fresh consent outside this API.
 */
export async function addSubscriber(
  db: Db,
  config: Config,
  input: { email: string; emailNormalized: string; name: string | null; phone: string | null; source: string | null },
  actor: Actor,
  now: Date,
): Promise<AddOutcome> {
  return db.transaction().execute(async (trx): Promise<AddOutcome> => {
    if (await isSuppressed(trx, input.emailNormalized)) return { state: 'suppressed' }
    const existing = await findSubscriberByEmail(trx, input.emailNormalized)
    if (existing) return existing.status === 'subscribed' ? { state: 'exists', subscriber: existing } : { state: 'suppressed' }
    const at = now.toISOString()
    const subscriber = await insertSubscriber(trx, config.sessionSecret, { ...input, subscribedAt: at }, at)
    await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'register.subscriber_add', target: `subscriber:${subscriber.id}`, data: { source: input.source }, at: now })
    return { state: 'created', subscriber }
  })
}
