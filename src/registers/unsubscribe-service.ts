import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case, NewsletterSubscriber } from '../db/schema.js'
import type { Lang } from '../i18n/index.js'
import { hashToken, looksLikeToken } from '../security/tokens.js'
import { completeCase, openCompletedCase, recordAction } from './case-actions.js'
import { findSubscriberByEmail, findSubscriberByTokenHash, markUnsubscribed } from './subscribers-repository.js'
import { suppressionHash } from './suppression-hash.js'
import { suppress, suppressionForToken, type SuppressionReason } from './suppressions-repository.js'

export type UnsubscribeOutcome =
  | { state: 'unknown' }
  | { state: 'unsubscribed' | 'already'; subscriber: NewsletterSubscriber; reference: string | null }
  // The subscriber row was deleted after SUPPRESSION_MINIMISE_DAYS; its suppression kept the link.
  | { state: 'gone' }

export type LinkTarget = { state: 'unknown' } | { state: 'subscriber'; subscriber: NewsletterSubscriber } | { state: 'gone' }

/** What a /u/<token> link belongs to, changing nothing (GET is safe for mail scanners). */
export async function linkTarget(db: Executor, token: string): Promise<LinkTarget> {
  if (!looksLikeToken(token)) return { state: 'unknown' }
  const hash = hashToken(token)
  const subscriber = await findSubscriberByTokenHash(db, hash)
  if (subscriber) return { state: 'subscriber', subscriber }
  return (await suppressionForToken(db, hash)) ? { state: 'gone' } : { state: 'unknown' }
}

/**
 * The unsubscribe from a link (one-click POST or the page's button): the subscriber is marked
 * unsubscribed, the address suppressed, and a case opened and completed at once for the record.
 * Doing it again finds the subscriber already out and changes nothing.
 */
export async function unsubscribeByToken(db: Db, key: string, token: string, via: Extract<SuppressionReason, 'one_click' | 'unsubscribe_page'>, lang: Lang, now: Date): Promise<UnsubscribeOutcome> {
  if (!looksLikeToken(token)) return { state: 'unknown' }
  const hash = hashToken(token)
  return db.transaction().execute(async (trx): Promise<UnsubscribeOutcome> => {
    const subscriber = await findSubscriberByTokenHash(trx, hash)
    if (!subscriber) return (await suppressionForToken(trx, hash)) ? { state: 'gone' } : { state: 'unknown' }
    const at = now.toISOString()
    const emailHash = suppressionHash(key, subscriber.email_normalized)
    if (!(await markUnsubscribed(trx, subscriber.id, at))) {
      // Suppressed already when it went out the first time; make sure, in case it was not (older data).
      await suppress(trx, emailHash, via, null, at)
      return { state: 'already', subscriber, reference: null }
    }
    const c = await openCompletedCase(
      trx,
      { type: 'unsubscribe', email: subscriber.email, emailKey: subscriber.email_normalized, name: subscriber.name, relationship: 'newsletter', lang, via },
      now,
    )
    await suppress(trx, emailHash, via, c.id, at)
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
export async function unsubscribeForCase(trx: Executor, key: string, c: Case, reason: SuppressionReason, at: string): Promise<Case> {
  const subscriber = await findSubscriberByEmail(trx, c.email_key)
  if (subscriber && (await markUnsubscribed(trx, subscriber.id, at))) {
    await recordAction(trx, c.id, 'unsubscribed', { subscriberId: subscriber.id, via: 'request' }, at)
  } else {
    await recordAction(trx, c.id, subscriber ? 'already_unsubscribed' : 'no_subscriber', {}, at)
  }
  await suppress(trx, suppressionHash(key, c.email_key), reason, c.id, at)
  await recordAction(trx, c.id, 'suppressed', {}, at)
  return completeCase(trx, c, at)
}
