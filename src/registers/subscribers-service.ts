import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import type { NewsletterSubscriber } from '../db/schema.js'
import type { FieldProblems } from '../domain/errors.js'
import { parseEmail } from '../intake/email-address.js'
import { MAX_NAME } from '../intake/request-types.js'
import { isLinkLikeName } from '../intake/name-rule.js'
import { cleanLine } from '../intake/validate.js'
import type { Actor } from '../staff/actor.js'
import { fail, invalid } from './errors.js'
import { findSubscriber, findSubscriberByEmail, insertSubscriber } from './subscribers-repository.js'
import { suppressionHash } from './suppression-hash.js'
import { findSuppression } from './suppressions-repository.js'
import { listUnsubscribeHeaders, unsubscribeToken, unsubscribeUrl } from './unsubscribe-token.js'

export interface SubscriberJson {
  id: number
  email: string
  status: NewsletterSubscriber['status']
  /** Set while processing is restricted (Art. 18): send nothing to this address until it is null again. */
  restrictedAt: string | null
  unsubscribeUrl: string
  listUnsubscribe: Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string>
}

/** The API's view of a subscriber: the link is derived again each time, never read from storage. */
export function subscriberJson(config: Config, s: NewsletterSubscriber): SubscriberJson {
  const token = unsubscribeToken(config.sessionSecret, s.token_key ?? s.email_normalized)
  return { id: s.id, email: s.email, status: s.status, restrictedAt: s.restricted_at, unsubscribeUrl: unsubscribeUrl(config, token), listUnsubscribe: listUnsubscribeHeaders(config, token) }
}

export type AddOutcome =
  | { state: 'created' | 'exists'; subscriber: NewsletterSubscriber }
  | { state: 'suppressed' | 'restricted' }

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
    // Compared by keyed hash: the list holds no addresses. A restriction (Art. 18) is on it too.
    const entry = await findSuppression(trx, suppressionHash(config.suppressionKey, input.emailNormalized))
    if (entry) return { state: entry.reason === 'restricted' ? 'restricted' : 'suppressed' }
    const existing = await findSubscriberByEmail(trx, input.emailNormalized)
    if (existing?.restricted_at) return { state: 'restricted' }
    if (existing) return existing.status === 'subscribed' ? { state: 'exists', subscriber: existing } : { state: 'suppressed' }
    const at = now.toISOString()
    const subscriber = await insertSubscriber(trx, config.sessionSecret, { ...input, subscribedAt: at }, at)
    await appendAudit(trx, { actorType: actor.type, actorId: actor.id, action: 'register.subscriber_add', target: `subscriber:${subscriber.id}`, data: { source: input.source }, at: now })
    return { state: 'created', subscriber }
  })
}

const PHONE = /^\+?[0-9][0-9 ()-]{5,30}$/

export interface SubscriberBody {
  email: string
  name?: string | null
  phone?: string | null
  source?: string | null
}

/** The API body as a new subscriber; every field's problem at once (invalid_body) if it is not one. */
export function subscriberInput(b: SubscriberBody) {
  const problems: Record<string, FieldProblems[string]> = {}
  const parsed = parseEmail(b.email)
  if (!parsed.ok) problems.email = [parsed.problem === 'required' ? 'registers.api.fields.emailRequired' : parsed.problem === 'hidden_characters' ? 'registers.api.fields.emailHidden' : 'registers.api.fields.email']
  const name = cleanLine(b.name)
  if (name && name.length > MAX_NAME) problems.name = ['registers.api.fields.nameTooLong', { max: MAX_NAME }]
  else if (name && isLinkLikeName(name)) problems.name = ['registers.api.fields.nameLink']
  const phone = cleanLine(b.phone)
  if (phone && !PHONE.test(phone)) problems.phone = ['registers.api.fields.phone']
  if (!parsed.ok || Object.keys(problems).length) throw invalid('body', problems)
  return { email: parsed.email, emailNormalized: parsed.key, name, phone, source: cleanLine(b.source) }
}

/** POST /api/v1/subscribers: the subscriber as the API shows it, and whether it is new; a suppressed address is refused (409). */
export async function subscribe(db: Db, config: Config, body: SubscriberBody, actor: Actor, now: Date): Promise<{ created: boolean; subscriber: SubscriberJson }> {
  const outcome = await addSubscriber(db, config, subscriberInput(body), actor, now)
  if (!('subscriber' in outcome)) throw fail(outcome.state)
  return { created: outcome.state === 'created', subscriber: subscriberJson(config, outcome.subscriber) }
}

/** GET /api/v1/subscribers/:id; an id that is not a known number is not found, as the API always answered. */
export async function subscriberById(db: Db, config: Config, rawId: string): Promise<SubscriberJson> {
  const s = /^\d{1,12}$/.test(rawId) ? await findSubscriber(db, Number(rawId)) : undefined
  if (!s) throw fail('not_found')
  return subscriberJson(config, s)
}
