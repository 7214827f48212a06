import type { Case } from '../db/schema.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { isClosed } from './state-machine.js'

export type StepKey = 'received' | 'confirmed' | 'in_progress' | 'answered'

export interface StatusStep {
  key: StepKey
  done: boolean
  /** The step the case is at now (aria-current="step"). */
  current: boolean
  /** The day it happened (Stockholm), where the case records it. */
  date: string | null
}

/**
 * The requester's view of where their case is (issue 18): received → confirmed → in progress →
 * answered. A case staff registered (a letter, a call) was never confirmed by link, so it has no
 * such step. A case closed at once (an unsubscribe) has every step done.
 */
export function statusSteps(c: Pick<Case, 'status' | 'received_at' | 'verified_at' | 'closed_at'>): StatusStep[] {
  const keys: StepKey[] = c.verified_at ? ['received', 'confirmed', 'in_progress', 'answered'] : ['received', 'in_progress', 'answered']
  const at: StepKey = isClosed(c.status) ? 'answered' : c.status === 'new' ? (c.verified_at ? 'confirmed' : 'received') : 'in_progress'
  const reached = keys.indexOf(at)
  const dates: Record<StepKey, string | null> = {
    received: stockholmDate(c.received_at),
    confirmed: c.verified_at ? stockholmDate(c.verified_at) : null,
    in_progress: null,
    answered: c.closed_at ? stockholmDate(c.closed_at) : null,
  }
  return keys.map((key, i) => ({ key, done: i <= reached, current: i === reached, date: i <= reached ? dates[key] : null }))
}
