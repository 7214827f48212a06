import argon2 from 'argon2'

/** Argon2id's memory (KiB) and passes; the cost in use is config.passwordHashCost. */
export interface Argon2Cost {
  memoryCost: number
  timeCost: number
}

const FIXED = { type: argon2.argon2id, parallelism: 1 } as const
const options = (cost: Argon2Cost) => ({ ...FIXED, memoryCost: cost.memoryCost, timeCost: cost.timeCost })

/** Passwords are compared after NFKC normalisation, so the same password typed on another keyboard still matches. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC')
}

export function hashPassword(password: string, cost: Argon2Cost): Promise<string> {
  return argon2.hash(normalisePassword(password), options(cost))
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalisePassword(password))
  } catch {
    return false
  }
}

/** True when a stored hash was made with other parameters than `cost` (or cannot be read). */
export function needsRehash(hash: string, cost: Argon2Cost): boolean {
  try {
    return argon2.needsRehash(hash, options(cost))
  } catch {
    return true
  }
}

const dummies = new Map<string, Promise<string>>()

/**
 * The hash a sign-in is checked against when there is no account that may sign in (an unknown
 * address or a disabled account): made once per cost, with that cost, so checking it costs what
 * checking a current account's hash costs. Call it early (the sessions service does, at start),
 * so the first unknown address after a restart does not pay for making it.
 */
export function dummyHash(cost: Argon2Cost): Promise<string> {
  const key = `${cost.memoryCost}/${cost.timeCost}`
  let dummy = dummies.get(key)
  if (!dummy) {
    dummy = argon2.hash('dummy password for timing only', options(cost)).catch((err: unknown) => {
      dummies.delete(key)
      throw err
    })
    dummies.set(key, dummy)
  }
  return dummy
}
