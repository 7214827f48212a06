import type { Config } from '../config.js'
import { serializeOn, type Db } from '../db/connection.js'
import type { Case, Submission } from '../db/schema.js'
import { isImmediate } from '../deadlines/case-rules.js'
import { computeCaseDeadline } from '../deadlines/due-date.js'
import { stockholmDate } from '../deadlines/stockholm.js'
import { t, type Lang } from '../i18n/index.js'
import { addCaseEvent, insertAccessToken, insertCase } from '../cases/records.js'
import { isClosed } from '../cases/state-machine.js'
import { routeNewCase } from '../routing/route-case.js'
import { enqueueEmail } from '../mail/outbox.js'
import type { Transaction } from 'kysely'
import type { GroupCommit } from '../db/group-commit.js'
import type { Database } from '../db/schema.js'
import type { RenderEmail } from '../mail/render.js'
import { sealKey, type SealKey } from '../mail/seal.js'
import { createCaseTasks } from '../tasks/engine.js'
import { applyImmediateActions } from '../registers/immediate-actions.js'
import { clientNetwork } from '../security/client-network.js'
import { countRecentPair, recordEvent, recordEventPair } from '../security/rate-limit.js'
import { hashToken, keyedHash, looksLikeToken, newToken } from '../security/tokens.js'
import { addressChangeState, decideAddressChange, findAddressChangeByToken, startAddressChange, type AddressDecision } from './address-change.js'
import {
  consumeTokens,
  discardSubmission,
  findOtherPending,
  findSubmission,
  findVerificationToken,
  insertSubmission,
  insertVerificationToken,
  updateSubmission,
} from './repository.js'
import { onBehalfColumns } from './on-behalf.js'
import { deleteProof } from './proof.js'
import type { Channel } from './request-types.js'
import { emailKey, validateRequest, type FieldErrors, type RequestInput } from './validate.js'
import { verifyEmailRenderer } from './verify-email.js'

const HOUR = 3_600_000

export interface IntakeDeps {
  db: Db
  config: Config
  now: () => Date
  renderEmail: RenderEmail
  /** Called after a commit that queued email. */
  mailQueued: () => void
  /** Batches the public's writes into shared durable commits (see src/db/group-commit.ts). */
  writes?: GroupCommit
}

/** A proof of authority already written to DATA_DIR/proofs by the form (src/intake/proof.ts). */
export interface StoredProof {
  file: string
  name: string
  type: string
}

export type SubmitOutcome = 'queued' | 'limited_ip' | 'limited_address'

export type TokenState =
  | { state: 'unknown' }
  | { state: 'used' }
  | { state: 'discarded' }
  | { state: 'expired' }
  | { state: 'valid'; submission: Submission }

export type ConfirmOutcome =
  | { state: 'unknown' | 'used' | 'discarded' | 'expired' }
  | { state: 'confirmed'; case: Case; statusToken: string }

export type DiscardOutcome = { state: 'unknown' | 'used' | 'discarded' | 'expired' }

/** A link whose submission was discarded answers like a used one, with its own words on the page. */
function spentState(status: string): 'used' | 'discarded' {
  return status === 'discarded' ? 'discarded' : 'used'
}

/** What the requester typed, compared as stored: identical submissions are one request asked twice. */
function sameContent(a: Submission, b: Submission): boolean {
  const keys = ['type', 'name', 'relationship', 'consent_kind', 'details', 'incorrect_value', 'correct_value', 'keep_data', 'on_behalf_kind', 'subject_name', 'subject_email', 'proof_name'] as const
  return keys.every((k) => a[k] === b[k])
}

/** Every email says its language, and that it is automatic (so out-of-office replies stay away). */
function mailHeaders(lang: Lang): Record<string, string> {
  return { 'Content-Language': lang, 'Auto-Submitted': 'auto-generated' }
}

export function typeTitle(lang: Lang, type: string): string {
  return t(lang, `types.${type}.title`)
}

export class IntakeService {
  /** Emails carry raw tokens in their links: their bodies are stored sealed (src/mail/seal.ts). */
  private readonly seal: SealKey
  private readonly verifyEmail: ReturnType<typeof verifyEmailRenderer>

  constructor(private readonly deps: IntakeDeps) {
    this.seal = sealKey(deps.config.sessionSecret)
    this.verifyEmail = verifyEmailRenderer(deps.renderEmail)
  }

  private write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.deps.writes ? this.deps.writes.run(work) : this.deps.db.transaction().execute(work)
  }

  /**
   * One address's submissions, confirmations and discards take their turn (PostgreSQL; SQLite has
   * one writer): confirming A uses up the links of A's duplicates, and two of those at once in
   * opposite order would otherwise wait on each other's rows.
   */
  private lockAddress(trx: Transaction<Database>, key: string): Promise<void> {
    return serializeOn(trx, 'submit-address', keyedHash(this.deps.config.sessionSecret, 'address:' + key))
  }

  /**
   * Stores a request pending confirmation and queues the link. Every path takes about the same
   * time and gives the caller no hint of which one was taken (no enumeration).
   */
  async submit(input: RequestInput, meta: { ip: string; lang: Lang; channel: Extract<Channel, 'web' | 'api'>; proof?: StoredProof | null }): Promise<SubmitOutcome> {
    const { config, now } = this.deps
    const at = now()
    const atIso = at.toISOString()
    const hourAgo = new Date(at.getTime() - HOUR).toISOString()
    const key = emailKey(input.email)
    const ipKey = keyedHash(config.sessionSecret, 'ip:' + clientNetwork(meta.ip))
    const addressKey = keyedHash(config.sessionSecret, 'address:' + key)

    const proof = input.onBehalfOf ? (meta.proof ?? null) : null
    const outcome = await this.write(async (trx): Promise<SubmitOutcome> => {
      // Two instances taking the same address at once must not both pass its limit or both add a pending request.
      await serializeOn(trx, 'submit-address', addressKey)
      const [fromIp, toAddress] = await countRecentPair(
        trx,
        { bucket: 'submit_ip', keyHash: ipKey, cap: config.limitIpPerHour },
        { bucket: 'verify_email', keyHash: addressKey, cap: config.limitAddressPerHour },
        hourAgo,
      )
      if (fromIp >= config.limitIpPerHour) return 'limited_ip'
      // A submission within the IP's allowance counts against it even when the address is past its own.
      if (toAddress >= config.limitAddressPerHour) {
        await recordEvent(trx, 'submit_ip', ipKey, atIso)
        return 'limited_address'
      }

      // Every submission is its own row with its own link, never changed afterwards: a link confirms
      // exactly what was sent with it, whoever submits for the same address later (issue 14).
      const submissionId = await insertSubmission(trx, {
        type: input.type,
        email: input.email,
        email_key: key,
        name: input.name,
        relationship: input.relationship,
        consent_kind: input.consentKind,
        details: input.details,
        incorrect_value: input.incorrect,
        correct_value: input.correct,
        keep_data: input.keepData ? 1 : 0,
        ...onBehalfColumns(input.onBehalfOf ?? null, proof),
        lang: meta.lang,
        channel: meta.channel,
        status: 'pending',
        created_at: atIso,
        updated_at: atIso,
      })
      const token = newToken()
      const tokenHash = hashToken(token)
      await insertVerificationToken(trx, {
        submissionId,
        tokenHash,
        expiresAt: new Date(at.getTime() + config.verifyTokenTtlHours * HOUR).toISOString(),
        createdAt: atIso,
      })
      await recordEventPair(trx, { bucket: 'submit_ip', keyHash: ipKey }, { bucket: 'verify_email', keyHash: addressKey }, atIso)
      // The address is not confirmed yet: the email carries none of the submitter's words (no name).
      const mail = this.verifyEmail({ lang: meta.lang, type: input.type, typeTitle: typeTitle(meta.lang, input.type), linkBase: `${config.publicUrl}/verify/`, hours: config.verifyTokenTtlHours }, token)
      await enqueueEmail(trx, { kind: 'verify', to: input.email, ...mail, headers: mailHeaders(meta.lang), verifyTokenHash: tokenHash }, { from: config.mailFrom, now: at, seal: this.seal })
      return 'queued'
    })
    if (outcome === 'queued') this.deps.mailQueued()
    // A proof nobody will look at is not kept: refused by a limit, or sent with a request about oneself.
    if (meta.proof && (outcome !== 'queued' || !proof)) await deleteProof(config.dataDir, meta.proof.file)
    return outcome
  }

  /**
   * A request as the API sends it: checked (the consent kind may be left out), then submitted.
   * The field problems come back for the caller to word; nothing is stored then.
   */
  async submitUnchecked(raw: Record<string, unknown>, meta: { ip: string; lang: Lang; channel: 'api' }): Promise<{ ok: true; outcome: SubmitOutcome } | { ok: false; errors: FieldErrors }> {
    const result = validateRequest(raw, { strictConsent: false })
    if (!result.ok) return result
    return { ok: true, outcome: await this.submit(result.value, meta) }
  }

  async inspectToken(token: string): Promise<TokenState> {
    const row = await findVerificationToken(this.deps.db, hashToken(token))
    if (!row) return { state: 'unknown' }
    const submission = await findSubmission(this.deps.db, row.submission_id)
    if (!submission) return { state: 'unknown' }
    if (row.used_at || submission.status !== 'pending') return { state: spentState(submission.status) }
    if (row.expires_at <= this.deps.now().toISOString()) return { state: 'expired' }
    return { state: 'valid', submission }
  }

  /**
   * "This wasn't me": the submission's content is deleted and its link answers like a used one.
   * Uses up the link at the same single point as confirm(), so of the two at once exactly one wins.
   */
  async discard(token: string): Promise<DiscardOutcome | { state: 'discarded_now' }> {
    if (!looksLikeToken(token)) return { state: 'unknown' }
    return this.write(async (trx) => {
      const atIso = this.deps.now().toISOString()
      const row = await findVerificationToken(trx, hashToken(token))
      if (!row) return { state: 'unknown' as const }
      const submission = await findSubmission(trx, row.submission_id)
      if (!submission) return { state: 'unknown' as const }
      if (row.used_at || submission.status !== 'pending') return { state: spentState(submission.status) }
      if (row.expires_at <= atIso) return { state: 'expired' as const }
      await this.lockAddress(trx, submission.email_key)
      if (!(await consumeTokens(trx, submission.id, atIso))) return { state: 'used' as const }
      await discardSubmission(trx, submission.id, atIso)
      return { state: 'discarded_now' as const }
    })
  }

  /** A link sent to the new address of a rectification (src/intake/address-change.ts). */
  async inspectAddressToken(token: string): Promise<{ state: 'unknown' | 'used' | 'expired' } | { state: 'valid'; email: string }> {
    const row = await findAddressChangeByToken(this.deps.db, token)
    if (!row) return { state: 'unknown' }
    const state = addressChangeState(row, this.deps.now())
    if (state === 'pending') return { state: 'valid', email: row.to_email }
    return { state: state === 'expired' ? 'expired' : 'used' }
  }

  decideAddress(token: string, decision: 'confirm' | 'decline'): Promise<AddressDecision> {
    return this.write((trx) => decideAddressChange(trx, token, decision, this.deps.now()))
  }

  /** Confirms the address and opens the case, exactly once however many times the link is posted. */
  async confirm(token: string): Promise<ConfirmOutcome> {
    if (!looksLikeToken(token)) return { state: 'unknown' }
    const { config, now } = this.deps
    const result = await this.write(async (trx): Promise<ConfirmOutcome> => {
      const at = now()
      const atIso = at.toISOString()
      const row = await findVerificationToken(trx, hashToken(token))
      if (!row) return { state: 'unknown' }
      const submission = await findSubmission(trx, row.submission_id)
      if (!submission) return { state: 'unknown' }
      if (row.used_at || submission.status !== 'pending') return { state: spentState(submission.status) }
      if (row.expires_at <= atIso) return { state: 'expired' }
      await this.lockAddress(trx, submission.email_key)
      if (!(await consumeTokens(trx, submission.id, atIso))) return { state: 'used' }

      const deadline = computeCaseDeadline({
        receivedAt: submission.created_at,
        verifiedAt: atIso,
        pauses: [],
        extended: false,
        today: stockholmDate(at),
        eves: config.holidayEves,
        immediate: isImmediate(submission.type, submission.relationship),
      })
      const statusToken = newToken()
      const created = await insertCase(
        trx,
        {
          type: submission.type,
          status: 'new',
          email: submission.email,
          email_key: submission.email_key,
          name: submission.name,
          relationship: submission.relationship,
          consent_kind: submission.consent_kind,
          details: submission.details,
          incorrect_value: submission.incorrect_value,
          correct_value: submission.correct_value,
          keep_data: submission.keep_data,
          on_behalf_kind: submission.on_behalf_kind,
          subject_name: submission.subject_name,
          subject_email: submission.subject_email,
          proof_file: submission.proof_file,
          proof_name: submission.proof_name,
          proof_type: submission.proof_type,
          lang: submission.lang,
          channel: submission.channel,
          received_at: submission.created_at,
          verified_at: atIso,
          due_date: deadline.dueDate,
          created_at: atIso,
          updated_at: atIso,
        },
        Number(stockholmDate(at).slice(0, 4)),
      )
      await insertAccessToken(trx, created.id, hashToken(statusToken), atIso)
      await updateSubmission(trx, submission.id, { status: 'verified', verified_at: atIso, case_id: created.id, updated_at: atIso })
      // The same request asked again (a lost email) is this one: its other links are used up with it.
      // A pending submission with different content keeps its own link, to be confirmed or discarded on its own.
      for (const other of await findOtherPending(trx, submission.email_key, submission.type, submission.id)) {
        if (sameContent(other, submission) && (await consumeTokens(trx, other.id, atIso))) {
          await updateSubmission(trx, other.id, { status: 'duplicate', case_id: created.id, updated_at: atIso })
        }
      }
      await addCaseEvent(trx, { caseId: created.id, kind: 'submitted', actor: { type: 'requester' }, data: { channel: submission.channel }, at: submission.created_at })
      await addCaseEvent(trx, { caseId: created.id, kind: 'verified', actor: { type: 'requester' }, data: { pausedDays: deadline.pausedDays }, at: atIso })
      await routeNewCase(trx, created, at)

      // Unsubscribes, recruitment-consent withdrawals and candidate rectifications act on the registers at once;
      // a request made for someone else waits until staff have checked the representative's authority.
      const current = created.on_behalf_kind ? created : await applyImmediateActions(trx, created, { config, renderEmail: this.deps.renderEmail, seal: this.seal, statusToken }, at)
      // One task per system the request reaches (src/tasks), after the registers' own immediate actions: a case they closed gets its register tasks completed.
      await createCaseTasks(trx, current, at, config.suppressionKey)
      const lang = submission.lang as Lang
      // A case closed at once has had its one email (what was done, the reference, the status link):
      // no receipt promising an answer by a date (issue 18).
      if (!isClosed(current.status)) {
        const receipt = this.deps.renderEmail('receipt', lang, 'email.receiptSubject', {
          name: submission.name,
          reference: created.reference,
          typeTitle: typeTitle(lang, submission.type),
          dueDate: deadline.dueDate,
          statusUrl: `${config.publicUrl}/status/${statusToken}`,
        })
        await enqueueEmail(trx, { kind: 'receipt', to: submission.email, toName: submission.name, caseId: created.id, ...receipt, headers: mailHeaders(lang) }, { from: config.mailFrom, now: at, seal: this.seal })
        await addCaseEvent(trx, { caseId: created.id, kind: 'email_out', actor: { type: 'system' }, data: { template: 'receipt' }, at: atIso })
      }
      if (config.staffEmail) {
        const staffLang: Lang = 'sv'
        const notice = this.deps.renderEmail(
          'staff-new-case',
          staffLang,
          'email.staffSubject',
          { reference: created.reference, typeTitle: typeTitle(staffLang, submission.type), dueDate: deadline.dueDate, closed: isClosed(current.status), caseUrl: `${config.publicUrl}/staff/cases/${created.id}` },
          { html: false },
        )
        await enqueueEmail(trx, { kind: 'staff_new_case', to: config.staffEmail, caseId: created.id, ...notice, headers: mailHeaders(staffLang) }, { from: config.mailFrom, now: at, seal: this.seal })
      }
      // A change of one's own address is confirmed by the new address; a representative's request is checked by staff.
      if (!created.on_behalf_kind) await startAddressChange(trx, current, { config, renderEmail: this.deps.renderEmail, seal: this.seal }, at)
      return { state: 'confirmed', case: current, statusToken }
    })
    if (result.state === 'confirmed') this.deps.mailQueued()
    return result
  }
}
