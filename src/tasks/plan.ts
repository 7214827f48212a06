/**
 * Which tasks a case gets, and how each starts: pure, from the case and the data map.
 *
 *  - The action follows the request type: access and portability → access; erasure and the
 *    withdrawal of recruitment consent → erasure; rectification → rectification; restriction →
 *    restriction. An objection to direct marketing, an unsubscribe and a withdrawal of newsletter
 *    consent reach the newsletter register only; questions reach no system.
 *  - The systems: every system serving a purpose that applies to the case's relationship (all
 *    systems when it is unknown or `other`), plus the portal's own registers.
 *  - How each starts: systems the portal reaches itself (kinds other than register, email, manual
 *    and other) run access at once and wait for approval to change anything; an email supplier is
 *    written to at once for access and after approval for a change; registers, manual and other
 *    systems wait for their owner (pending).
 */
import type { TaskAction } from '../connectors/contract.js'
import type { TaskStatus } from './state-machine.js'

export interface PlanCase {
  type: string
  relationship: string | null
  consent_kind: string | null
}

export interface PlanSystem {
  key: string
  kind: string
  purposes: string[]
}

export interface PlanPurpose {
  id: string
  relationships: string[]
}

/** The newsletter register's key (seeded by migration 015). */
export const NEWSLETTER_SYSTEM = 'newsletter'

/** Kinds the engine carries out itself, without a connector. */
export const OWN_KINDS = ['register', 'email', 'manual', 'other'] as const

export function isConnectorKind(kind: string): boolean {
  return !(OWN_KINDS as readonly string[]).includes(kind)
}

/** The action a request type asks of each system; null: it reaches no system (or only the newsletter register, see newsletterOnly). */
export function actionFor(c: PlanCase): TaskAction | null {
  switch (c.type) {
    case 'access':
    case 'portability':
      return 'access'
    case 'erasure':
      return 'erasure'
    case 'rectification':
      return 'rectification'
    case 'restriction':
      return 'restriction'
    case 'withdraw_consent':
      return c.consent_kind === 'recruitment' ? 'erasure' : c.consent_kind === 'newsletter' ? 'restriction' : null
    case 'objection':
    case 'unsubscribe':
      // The address goes on the suppression list: processing for marketing stops (a restriction, not an erasure).
      return 'restriction'
    default:
      return null
  }
}

/** Opt-outs of direct marketing: the newsletter register is the one system they reach. */
export function newsletterOnly(c: PlanCase): boolean {
  return c.type === 'unsubscribe' || c.type === 'objection' || (c.type === 'withdraw_consent' && c.consent_kind === 'newsletter')
}

/** The systems a case reaches, in the map's order. */
export function systemsFor(c: PlanCase, systems: readonly PlanSystem[], purposes: readonly PlanPurpose[]): PlanSystem[] {
  if (actionFor(c) === null) return []
  if (newsletterOnly(c)) return systems.filter((s) => s.key === NEWSLETTER_SYSTEM)
  if (c.relationship === null || c.relationship === 'other') return [...systems]
  const rel = c.relationship
  const applies = new Set(purposes.filter((p) => p.relationships.includes(rel)).map((p) => p.id))
  return systems.filter((s) => s.kind === 'register' || s.purposes.some((p) => applies.has(p)))
}

/** The status a new task starts in. */
export function initialStatus(kind: string, action: TaskAction): TaskStatus {
  if (isConnectorKind(kind) || kind === 'email') return action === 'access' ? 'running' : 'awaiting_approval'
  return 'pending'
}
