import argon2 from 'argon2'

/**
 * Argon2id with the OWASP-recommended minimum: 19 MiB of memory, 2 passes, 1 lane.
 * Tests use the same cost (about 50 ms a hash), so what is tested is what runs.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

/** Passwords are compared after NFKC normalisation, so the same password typed on another keyboard still matches. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC')
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalisePassword(password), ARGON2_OPTIONS)
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalisePassword(password))
  } catch {
    return false
  }
}

let dummy: Promise<string> | null = null

/**
 * Spends the time of one verification when there is no account to check against, so an
 * unknown email answers as slowly as a wrong password (no enumeration by timing).
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= argon2.hash('dummy password for timing only', ARGON2_OPTIONS)
  await verifyPassword(await dummy, password)
}
