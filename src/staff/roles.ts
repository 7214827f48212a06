/** Staff roles, weakest first: a viewer reads, a handler also works cases, an admin also manages staff and settings. */
export const ROLES = ['viewer', 'handler', 'admin'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** True when `role` grants at least what `min` does. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min)
}
