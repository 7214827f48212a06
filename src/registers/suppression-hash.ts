import { createHash, createHmac } from 'node:crypto'

/**
 * The suppression list holds HMAC-SHA256(SUPPRESSION_KEY, normalised address) in hex, never the
 * address: a copy of the list (an export, a backup) names nobody to whoever lacks the key, while a
 * mailing tool that has it hashes its own list the same way and compares (docs/registers.md).
 * The normalised address is emailKey's: trimmed, NFC, domain as IDNA Unicode, all lower-case.
 */
export function suppressionHash(key: string, emailNormalized: string): string {
  return createHmac('sha256', key).update(emailNormalized, 'utf8').digest('hex')
}

/** Names the key without revealing it (first 8 hex of its SHA-256), so a tool can tell it hashed with the right one. */
export function suppressionKeyId(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8)
}
