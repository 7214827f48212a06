import type { Case } from '../db/schema.js'
import { emailKey } from '../intake/validate.js'
import { caseFail } from './errors.js'

/**
 * A request made for someone else (issue 15 §5; EDPB Guidelines 01/2022 section 3.4, requests made via proxies: a representative
 * may exercise the right, the controller checks the authority): nothing is done in the registers,
 * and the case is not completed, until staff have ticked that the representative's authority is
 * checked. Refusing the request needs no such tick.
 */
export function authorityPending(c: Pick<Case, 'on_behalf_kind' | 'authority_checked_at'>): boolean {
  return c.on_behalf_kind !== null && c.authority_checked_at === null
}

export const authorityUnchecked = () => caseFail('authorityUnchecked')

export function requireAuthority(c: Pick<Case, 'on_behalf_kind' | 'authority_checked_at'>): void {
  if (authorityPending(c)) throw authorityUnchecked()
}

/**
 * The address the registers are searched for: the requester's own, or for a request made for
 * someone else the data subject's (null when the representative gave none). Mail still goes to
 * the requester, the representative, whose address was confirmed.
 */
export function registerKey(c: Pick<Case, 'email' | 'on_behalf_kind' | 'authority_checked_at' | 'subject_email'>): string | null {
  requireAuthority(c)
  if (c.on_behalf_kind === null) return emailKey(c.email)
  return c.subject_email ? emailKey(c.subject_email) : null
}
