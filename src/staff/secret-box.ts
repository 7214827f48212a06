import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encrypts values kept at rest (TOTP secrets) with AES-256-GCM. The key is derived from
 * SESSION_SECRET with HKDF-SHA-256 and a purpose label, so the database alone (a backup,
 * a dump) does not give away anyone's second factor. Each value is bound to its row through
 * the associated data (e.g. "staff:12"), so a ciphertext copied onto another row fails.
 * Changing SESSION_SECRET makes stored secrets unreadable: affected staff enrol again.
 * Format: "v1." + base64url(12-byte IV | 16-byte tag | ciphertext).
 */
export class SecretBox {
  private readonly key: Buffer

  constructor(secret: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('dsr-portal', 'utf8'), Buffer.from(purpose, 'utf8'), 32))
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return 'v1.' + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** The plaintext, or null when the value was not sealed by this key for this context. */
  open(sealed: string, context: string): string | null {
    if (!sealed.startsWith('v1.')) return null
    const raw = Buffer.from(sealed.slice(3), 'base64url')
    if (raw.length < 29) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    } catch {
      return null
    }
  }
}
