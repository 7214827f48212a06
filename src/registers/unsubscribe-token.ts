import { createHmac } from 'node:crypto'
import type { Config } from '../config.js'
import { hashToken } from '../security/tokens.js'

/**
 * A subscriber's unsubscribe token is an HMAC under SESSION_SECRET (domain-separated) of their
 * normalised address, the register's unique key: 43 base64url characters like every other token
 * here. Only its SHA-256 is stored, for the lookup from /u/<token>; the API can still give the URL
 * back at any time by deriving it again, so the token itself never sits in the database.
 * The address rather than the row id is the input because it is known before the insert: an
 * import of 100,000 rows then needs no second write per row to store the hash.
 * Rotating SESSION_SECRET changes every derived token; see docs/registers.md ("Unsubscribe headers and links").
 */
export function unsubscribeToken(secret: string, emailNormalized: string): string {
  return createHmac('sha256', secret).update(`dsr-unsubscribe-v1:${emailNormalized}`, 'utf8').digest('base64url')
}

export function unsubscribeTokenHash(secret: string, emailNormalized: string): string {
  return hashToken(unsubscribeToken(secret, emailNormalized))
}

export function unsubscribeUrl(config: Pick<Config, 'publicUrl'>, token: string): string {
  return `${config.publicUrl}/u/${token}`
}

/** The two headers the mailing tool puts on each newsletter (RFC 2369 and RFC 8058). */
export function listUnsubscribeHeaders(config: Pick<Config, 'publicUrl' | 'unsubscribeMailto'>, token: string): Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string> {
  // The token in the subject lets whoever reads that mailbox act on the request at /u/<token>.
  const mailto = `mailto:${config.unsubscribeMailto}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(config, token)}>, <${mailto}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  }
}
