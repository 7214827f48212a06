import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case, NewsletterSubscriber } from '../db/schema.js'
import type { Lang } from '../i18n/index.js'
import { hashToken, looksLikeToken } from '../security/tokens.js'
import { completeCase, openCompletedCase, recordAction } from './case-actions.js'
import { findSubscriberByEmail, findSubscriberByTokenHash, markUnsubscribed } from './subscribers-repository.js'
import { suppress, type SuppressionReason } from './suppressions-repository.js'

export type UnsubscribeOutcome = { state: 'unknown' } | { state: 'unsubscribed' | 'already'; subscriber: NewsletterSubscriber; reference: string | null }

/** Finds the subscriber a /u/<token> link belongs to, changing nothing (GET is safe for mail scanners). */
export async function subscriberForToken(db: Executor, token: string): Promise<NewsletterSubscriber | undefined> {
  if (!looksLikeToken(token)) return undefined
  return findSubscriberByTokenHash(db, hashToken(token))
}

/**
 * The unsubscribe from a link (one-click POST or the page's button): the subscriber is marked
 * unsubscribed, the address suppressed, and a case opened and completed at once for the record.
 * Doing it again finds the subscriber already out and changes nothing.
 */
export async function unsubscribeByToken(db: Db, token: string, via: Extract<SuppressionReason, 'one_click' | 'unsubscribe_page'>, lang: Lang, now: Date): Promise<UnsubscribeOutcome> {
  if (!looksLikeToken(token)) return { state: 'unknown' }
  const hash = hashToken(token)
  return db.transaction().execute(async (trx): Promise<UnsubscribeOutcome> => {
    const subscriber = await findSubscriberByTokenHash(trx, hash)
    if (!subscriber) return { state: 'unknown' }
    const at = now.toISOString()
    if (!(await markUnsubscribed(trx, subscriber.id, at))) {
      // Suppressed already when it went out the first time; make sure, in case it was not (older data).
      await suppress(trx, subscriber.email_normalized, via, null, at)
      return { state: 'already', subscriber, reference: null }
    }
    const c = await openCompletedCase(
      trx,
      { type: 'unsubscribe', email: subscriber.email, emailKey: subscriber.email_normalized, name: subscriber.name, relationship: 'newsletter', lang, via },
      now,
    )
    await suppress(trx, subscriber.email_normalized, via, c.id, at)
    await recordAction(trx, c.id, 'unsubscribed', { subscriberId: subscriber.id, via }, at)
    await recordAction(trx, c.id, 'suppressed', {}, at)
    await completeCase(trx, c, at)
    await appendAudit(trx, { actorType: 'requester', actorId: null, action: 'register.unsubscribe', caseId: c.id, target: `subscriber:${subscriber.id}`, data: { via }, at: now })
    return { state: 'unsubscribed', subscriber: { ...subscriber, status: 'unsubscribed', unsubscribed_at: at }, reference: c.reference }
  })
}

/**
 * A confirmed unsubscribe (or objection to direct marketing) from the request form, inside the
 * transaction that opened case `c`: suppress at once and complete the case.
 */
export async function unsubscribeForCase(trx: Executor, c: Case, reason: SuppressionReason, at: string): Promise<Case> {
  const subscriber = await findSubscriberByEmail(trx, c.email_key)
  if (subscriber && (await markUnsubscribed(trx, subscriber.id, at))) {
    await recordAction(trx, c.id, 'unsubscribed', { subscriberId: subscriber.id, via: 'request' }, at)
  } else {
    await recordAction(trx, c.id, subscriber ? 'already_unsubscribed' : 'no_subscriber', {}, at)
  }
  await suppress(trx, c.email_key, reason, c.id, at)
  await recordAction(trx, c.id, 'suppressed', {}, at)
  return completeCase(trx, c, at)
}
