/**
 * Connector secrets (a database URL's password, a webhook's signing secret) are stored sealed:
 * AES-256-GCM under SECRETS_KEY, so the database alone, or a backup of it, never holds them in
 * plain text. A sealed value names the key it was sealed under by a short fingerprint, so after
 * a rotation the previous key (SECRETS_KEY_PREVIOUS) still opens what it sealed until
 * `dsr-portal secrets rotate` has resealed everything under the new one.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

export interface SealKeys {
  secretsKey: Buffer
  secretsKeyPrevious: Buffer | null
}

const PREFIX = 'sealed:v1'

/** Eight hex digits naming a key without revealing it. */
function fingerprint(key: Buffer): string {
  return createHash('sha256').update('dsr-portal secrets key').update(key).digest('hex').slice(0, 8)
}

export class Sealer {
  private readonly current: Buffer
  private readonly byFingerprint: Map<string, Buffer>

  constructor(keys: SealKeys) {
    this.current = keys.secretsKey
    this.byFingerprint = new Map([[fingerprint(keys.secretsKey), keys.secretsKey]])
    if (keys.secretsKeyPrevious) this.byFingerprint.set(fingerprint(keys.secretsKeyPrevious), keys.secretsKeyPrevious)
  }

  /** `sealed:v1:<key>:<iv>:<tag>:<ciphertext>`, base64url parts; a fresh IV each time. */
  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.current, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return [PREFIX, fingerprint(this.current), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':')
  }

  /** The plain text; throws (naming no secret) when the value is not sealed by a key this instance has. */
  open(sealed: string): string {
    const parts = sealed.split(':')
    if (parts.length !== 6 || `${parts[0]}:${parts[1]}` !== PREFIX) throw new Error('not a sealed value')
    const key = this.byFingerprint.get(parts[2])
    if (!key) throw new Error('sealed under a key this instance does not have (set SECRETS_KEY_PREVIOUS to the key used before the rotation)')
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[3], 'base64url'))
    decipher.setAuthTag(Buffer.from(parts[4], 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(parts[5], 'base64url')), decipher.final()]).toString('utf8')
  }

  /** Whether the value is sealed under the current key (rotation skips those). */
  isCurrent(sealed: string): boolean {
    return sealed.split(':')[2] === fingerprint(this.current)
  }
}
