import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { secureRandomBytes } from './random.js'

/** 32 random bytes (256 bits), URL-safe. */
export function newToken(): string {
  return secureRandomBytes(32).toString('base64url')
}

/** Tokens are stored only as this hash; a leaked database does not open anyone's case. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** base64url of 32 bytes is 43 characters; anything else cannot be one of ours. */
export function looksLikeToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value)
}

/** A keyed hash for values that must be counted or matched but never stored readable (IPs, addresses). */
export function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}
