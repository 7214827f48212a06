import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { RenderEmail } from '../mail/render.js'
import type { SealKey } from '../mail/seal.js'
import { completeCase, recordAction } from './case-actions.js'
import { eraseCandidate } from './candidate-erasure.js'
import { findCandidateByEmail, updateCandidate } from './candidates-repository.js'
import { ensureRecipientChecklist } from './recipient-checklist.js'
import { proposeRectification } from './rectification.js'
import { unsubscribeForCase } from './unsubscribe-service.js'
import { insertAccessToken } from '../cases/records.js'
import { hashToken, newToken } from '../security/tokens.js'

export interface ImmediateDeps {
  config: Config
  renderEmail: RenderEmail
  seal: SealKey
  /** The case's status link, when the caller has just made it (confirmation); otherwise a new one is made for the email. */
  statusToken?: string
}

/** What a request carried out at once did, in the words the requester reads (registers.outcome). */
export type ImmediateOutcome = 'unsubscribed' | 'objected' | 'newsletterWithdrawn' | 'withdrawn' | 'withdrawnWithCv'

function optOutOutcome(c: Pick<Case, 'type'>): ImmediateOutcome {
  return c.type === 'objection' ? 'objected' : c.type === 'withdraw_consent' ? 'newsletterWithdrawn' : 'unsubscribed'
}

/** The outcome of a case the registers closed, read from its timeline; null when they did not close it. */
export function immediateOutcome(c: Pick<Case, 'type' | 'relationship' | 'consent_kind'>, events: ReadonlyArray<{ kind: string; data: string | null }>): ImmediateOutcome | null {
  const erased = events.find((e) => e.kind === 'register_candidate_erased')
  if (erased) return (JSON.parse(erased.data ?? '{}') as { cvDeleted?: boolean }).cvDeleted ? 'withdrawnWithCv' : 'withdrawn'
  if (isNewsletterOptOut(c) && events.some((e) => e.kind === 'register_suppressed')) return optOutOutcome(c)
  return null
}

/** The outcome's sentences; a newsletter opt-out also says why the address is kept. */
export function outcomeText(lang: Lang, outcome: ImmediateOutcome): string[] {
  const text = t(lang, `registers.outcome.${outcome}`)
  return outcome === 'withdrawn' || outcome === 'withdrawnWithCv' ? [text] : [text, t(lang, 'registers.outcome.kept')]
}

/** Requests the registers carry out at once, without staff (Art. 21(3), Art. 7(3) with 17(1)(b)). */
export function isNewsletterOptOut(c: Pick<Case, 'type' | 'relationship' | 'consent_kind'>): boolean {
  return (
    c.type === 'unsubscribe' ||
    (c.type === 'objection' && c.relationship === 'newsletter') ||
    (c.type === 'withdraw_consent' && c.consent_kind === 'newsletter')
  )
}

/**
 * Called once from IntakeService.confirm(), inside the transaction that opened the case, so the
 * case and what was done to the registers commit together. Returns the case as it now stands.
 *  - newsletter opt-outs: the address is suppressed, the subscriber (if any) unsubscribed, the
 *    case completed, the requester told;
 *  - withdrawal of recruitment consent matching a candidate: consent withdrawn, the candidate
 *    erased (CV file deleted), the case completed, the requester told; no match: staff as usual;
 *  - a candidate's rectification: a proposal staff approve on the case page.
 */
export async function applyImmediateActions(trx: Executor, requested: Case, deps: ImmediateDeps, now: Date, matchKey: string = requested.email_key): Promise<Case> {
  const at = now.toISOString()
  // The registers are searched for `matchKey` (for a request made for someone else, the data
  // subject's address); the case keeps, and mail goes to, the requester's confirmed address.
  const c = { ...requested, email_key: matchKey }
  const done = await applyTo(trx, c, deps, now, at)
  return { ...done, email_key: requested.email_key }
}

async function applyTo(trx: Executor, c: Case, deps: ImmediateDeps, now: Date, at: string): Promise<Case> {
  if (isNewsletterOptOut(c)) {
    const done = await unsubscribeForCase(trx, deps.config.suppressionKey, c, c.type === 'objection' ? 'objection' : c.type === 'withdraw_consent' ? 'withdraw_consent' : 'request', at)
    await appendAudit(trx, { actorType: 'system', actorId: null, action: 'register.suppress', caseId: c.id, data: { type: c.type }, at: now })
    await confirmToRequester(trx, done, deps, optOutOutcome(c), now)
    return done
  }
  if (c.type === 'withdraw_consent' && c.consent_kind === 'recruitment') {
    const candidate = await findCandidateByEmail(trx, c.email_key)
    if (!candidate || candidate.status === 'erased') {
      await recordAction(trx, c.id, 'no_candidate', {}, at)
      return c
    }
    await updateCandidate(trx, candidate.id, { status: 'withdrawn', withdrawn_at: at, updated_at: at })
    await recordAction(trx, c.id, 'consent_withdrawn', { candidateId: candidate.id }, at)
    // Art. 19's list comes from where the data is found: made before the erasure removes the address.
    await ensureRecipientChecklist(trx, c, at, deps.config.suppressionKey)
    const erased = await eraseCandidate(trx, deps.config.dataDir, { ...candidate, status: 'withdrawn', withdrawn_at: at }, 'withdrawn', at)
    await recordAction(trx, c.id, 'candidate_erased', { candidateId: candidate.id, cvDeleted: erased?.cvDeleted ?? false, fields: erased?.fields ?? [] }, at)
    await appendAudit(trx, { actorType: 'system', actorId: null, action: 'register.candidate_erase', caseId: c.id, target: `candidate:${candidate.id}`, data: { reason: 'withdrawn', cvDeleted: erased?.cvDeleted ?? false }, at: now })
    const done = await completeCase(trx, c, at)
    await confirmToRequester(trx, done, deps, erased?.cvDeleted ? 'withdrawnWithCv' : 'withdrawn', now)
    return done
  }
  if (c.type === 'rectification' && c.relationship === 'candidate') {
    await proposeRectification(trx, c, at)
  }
  return c
}

/** One email for a case closed at once: what was done, the reference and the status link (no receipt promising an answer). */
async function confirmToRequester(trx: Executor, c: Case, deps: ImmediateDeps, outcome: ImmediateOutcome, now: Date): Promise<void> {
  const lang = (c.lang === 'en' ? 'en' : 'sv') as Lang
  let statusToken = deps.statusToken
  if (!statusToken) {
    statusToken = newToken()
    await insertAccessToken(trx, c.id, hashToken(statusToken), now.toISOString())
  }
  const mail = deps.renderEmail('register-done', lang, 'registers.email.doneSubject', {
    name: c.name,
    reference: c.reference,
    what: outcomeText(lang, outcome),
    statusUrl: `${deps.config.publicUrl}/status/${statusToken}`,
  })
  await enqueueEmail(
    trx,
    { kind: 'register_done', to: c.email, toName: c.name, caseId: c.id, ...mail, headers: { 'Content-Language': lang, 'Auto-Submitted': 'auto-generated' } },
    { from: deps.config.mailFrom, now, seal: deps.seal },
  )
  await recordAction(trx, c.id, 'requester_told', {}, now.toISOString())
}
