/**
 * The intake's emailed links as the mail worker sees them. The worker gets startLinkLifetime
 * injected (src/mail/plugin.ts) rather than importing it, so mail stays below the features that
 * queue email; it passes the executor that marks the email sent, so both share one commit.
 */
import type { Executor } from '../db/connection.js'
import { findUndecidedAddressChangeDates, findUnusedTokenDates, setAddressChangeExpiry, setTokenExpiry } from './repository.js'

/**
 * A confirmation link's lifetime counts from when its email is sent: an email held by the hourly
 * ceiling (or by a slow mail server) must not arrive with its link already dead.
 */
export async function startLinkLifetime(db: Executor, tokenHash: string, sentAt: Date): Promise<void> {
  const token = await findUnusedTokenDates(db, tokenHash)
  if (!token) return startAddressLinkLifetime(db, tokenHash, sentAt)
  const lifetime = Date.parse(token.expires_at) - Date.parse(token.created_at)
  const expires = new Date(sentAt.getTime() + lifetime).toISOString()
  if (expires > token.expires_at) await setTokenExpiry(db, token.id, expires)
}

/** The same for the link to a new address (src/intake/address-change.ts). */
async function startAddressLinkLifetime(db: Executor, tokenHash: string, sentAt: Date): Promise<void> {
  const change = await findUndecidedAddressChangeDates(db, tokenHash)
  if (!change) return
  const expires = new Date(sentAt.getTime() + Date.parse(change.expires_at) - Date.parse(change.created_at)).toISOString()
  if (expires > change.expires_at) await setAddressChangeExpiry(db, change.id, expires)
}
