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

/** True when a stored hash was made with other parameters than ARGON2_OPTIONS (or cannot be read). */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, ARGON2_OPTIONS)
  } catch {
    return true
  }
}

let dummy: Promise<string> | null = null

/**
 * The hash a sign-in is checked against when there is no account that may sign in (an unknown
 * address or a disabled account): made once, with ARGON2_OPTIONS, so checking it costs what
 * checking a current account's hash costs. Call it early (the sessions service does, at start),
 * so the first unknown address after a restart does not pay for making it.
 */
export function dummyHash(): Promise<string> {
  dummy ??= argon2.hash('dummy password for timing only', ARGON2_OPTIONS).catch((err: unknown) => {
    dummy = null
    throw err
  })
  return dummy
}
