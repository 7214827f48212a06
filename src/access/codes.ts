import { randomInt } from 'node:crypto'
import { keyedHash, safeEqual } from '../security/tokens.js'

/** The download code: 6 digits, 10 minutes, 3 tries. */
export const CODE_TTL_MS = 10 * 60_000
export const CODE_TRIES = 3

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0')
}

/**
 * Keyed with SESSION_SECRET and bound to the package: a plain hash of six digits would be undone
 * by trying all million values against a copied database.
 */
export function codeHash(secret: string, packageId: number, code: string): string {
  return keyedHash(secret, `access-package-code:${packageId}:${code}`)
}

export function codeMatches(secret: string, packageId: number, code: string, stored: string): boolean {
  return /^\d{6}$/.test(code) && safeEqual(codeHash(secret, packageId, code), stored)
}

/** What people type: spaces and dashes between the digits are fine. */
export function normaliseCode(raw: unknown): string {
  return typeof raw === 'string' ? raw.replace(/[\s-]+/g, '') : ''
}
