import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { secureRandomBytes } from '../security/random.js'

/**
 * Outbox bodies hold links with raw tokens (confirmation and status links), which must never be
 * readable from the database alone. They are stored encrypted (AES-256-GCM) under a key derived
 * from SESSION_SECRET and opened only by the worker as it sends.
 */
const PREFIX = 'sealed:v1:'

export type SealKey = Buffer

export function sealKey(secret: string): SealKey {
  return createHmac('sha256', secret).update('dsr-portal outbox seal v1').digest()
}

export function seal(key: SealKey, plain: string): string {
  const iv = secureRandomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

export function isSealed(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.startsWith(PREFIX)
}

/** Opens a sealed value; a plain value is returned as it is. Throws when the key does not fit. */
export function unseal(key: SealKey | undefined, value: string): string {
  if (!isSealed(value)) return value
  if (!key) throw new SealError()
  const raw = Buffer.from(value.slice(PREFIX.length), 'base64url')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    throw new SealError()
  }
}

export class SealError extends Error {
  constructor() {
    super('the outbox body cannot be opened with this SESSION_SECRET')
    this.name = 'SealError'
  }
}
