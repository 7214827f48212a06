import type { Executor } from '../db/connection.js'
import type { NewsletterSubscriber, NewsletterSubscriberUpdate } from '../db/schema.js'
import { unsubscribeTokenHash } from './unsubscribe-token.js'

export interface SubscriberInput {
  email: string
  emailNormalized: string
  name: string | null
  phone: string | null
  source: string | null
  subscribedAt: string
}

function subscriberRow(secret: string, input: SubscriberInput, at: string) {
  return {
    email: input.email,
    email_normalized: input.emailNormalized,
    name: input.name,
    phone: input.phone,
    source: input.source,
    subscribed_at: input.subscribedAt,
    status: 'subscribed' as const,
    unsubscribed_at: null,
    unsubscribe_token_hash: unsubscribeTokenHash(secret, input.emailNormalized),
    created_at: at,
    updated_at: at,
  }
}

export async function insertSubscriber(db: Executor, secret: string, input: SubscriberInput, at: string): Promise<NewsletterSubscriber> {
  return db.insertInto('newsletter_subscribers').values(subscriberRow(secret, input, at)).returningAll().executeTakeFirstOrThrow()
}

/** Many subscribers at once (CSV import), in multi-row inserts. */
export async function insertSubscribers(db: Executor, secret: string, inputs: SubscriberInput[], at: string, batch = 200): Promise<void> {
  for (let i = 0; i < inputs.length; i += batch) {
    await db.insertInto('newsletter_subscribers').values(inputs.slice(i, i + batch).map((input) => subscriberRow(secret, input, at))).execute()
  }
}

export async function findSubscriber(db: Executor, id: number): Promise<NewsletterSubscriber | undefined> {
  return db.selectFrom('newsletter_subscribers').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findSubscriberByEmail(db: Executor, emailNormalized: string): Promise<NewsletterSubscriber | undefined> {
  return db.selectFrom('newsletter_subscribers').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst()
}

export async function findSubscriberByTokenHash(db: Executor, hash: string): Promise<NewsletterSubscriber | undefined> {
  return db.selectFrom('newsletter_subscribers').selectAll().where('unsubscribe_token_hash', '=', hash).executeTakeFirst()
}

/** True when this call made the change (so a repeated unsubscribe does nothing twice). */
export async function markUnsubscribed(db: Executor, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('newsletter_subscribers')
    .set({ status: 'unsubscribed', unsubscribed_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'subscribed')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function listSubscribers(db: Executor, opts: { q?: string; limit: number; offset: number }) {
  let q = db.selectFrom('newsletter_subscribers').selectAll()
  if (opts.q) q = q.where('email_normalized', 'like', `%${opts.q.toLowerCase().replace(/[%_\\]/g, '')}%`)
  return q.orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).execute()
}

/** Every subscriber's normalised address, for an import that checks many rows at once. */
export async function allSubscriberEmails(db: Executor): Promise<Set<string>> {
  return new Set((await db.selectFrom('newsletter_subscribers').select('email_normalized').execute()).map((r) => r.email_normalized))
}

export async function countSubscribers(db: Executor): Promise<number> {
  return Number((await db.selectFrom('newsletter_subscribers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
}

/** Every subscription of an address, oldest first (the access package, Art. 15). */
export async function subscribersByEmail(db: Executor, emailNormalized: string): Promise<NewsletterSubscriber[]> {
  return db.selectFrom('newsletter_subscribers').selectAll().where('email_normalized', '=', emailNormalized).orderBy('id').execute()
}

/** Unsubscribed at or before `cutoff` and not restricted: due for deletion (only the suppression stays). */
export async function subscribersToMinimise(db: Executor, cutoff: string): Promise<NewsletterSubscriber[]> {
  return db
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where('status', '=', 'unsubscribed')
    .where('unsubscribed_at', '<=', cutoff)
    .where('restricted_at', 'is', null)
    .orderBy('id')
    .execute()
}

export async function deleteSubscriber(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('newsletter_subscribers').where('id', '=', id).execute()
}

export async function updateSubscriber(db: Executor, id: number, values: NewsletterSubscriberUpdate): Promise<void> {
  await db.updateTable('newsletter_subscribers').set(values).where('id', '=', id).execute()
}
