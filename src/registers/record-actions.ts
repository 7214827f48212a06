import { ensureRecipientChecklist } from './recipient-checklist.js'
import { appendAudit } from '../audit/log.js'
import type { Config } from '../config.js'
import type { Db, Executor } from '../db/connection.js'
import type { Candidate, Case, NewsletterSubscriber } from '../db/schema.js'
import { authorityPending, registerKey } from '../cases/authority.js'
import { addCaseEvent } from '../cases/records.js'
import { emailKey } from '../intake/validate.js'
import { eraseCandidate } from './candidate-erasure.js'
import { candidateEmailHash, findCandidate, findCandidateByEmail, updateCandidate } from './candidates-repository.js'
import { caseFail } from './errors.js'
import { cleanValue, RECTIFIABLE_FIELDS, type RectifiableField } from './rectification.js'
import { suppressionHash } from './suppression-hash.js'
import { removeRestrictionEntry, suppress } from './suppressions-repository.js'
import { deleteSubscriber, findSubscriber, findSubscriberByEmail, updateSubscriber } from './subscribers-repository.js'

/*
 * What staff do to one register row (GDPR Art. 16, 17, 18): rectify a field, erase the row,
 * restrict it (stored only: no sending, no import change, no retention erasure) or lift the
 * restriction (Art. 18(3): only after the person was told). The same service serves the case page
 * (then the row must be the case's data subject's, and the step goes on the timeline), the
 * register pages and the API. Every step is audited without personal data: which field, which
 * row, the restriction's before and after, never a value.
 */

export const RECORD_REGISTERS = ['subscribers', 'candidates'] as const
export type RecordRegister = (typeof RECORD_REGISTERS)[number]
export const RECORD_ACTIONS = ['rectify', 'erase', 'restrict', 'lift'] as const
export type RecordAction = (typeof RECORD_ACTIONS)[number]
/** The case types whose page offers the actions. */
export const ACTION_CASE_TYPES = ['rectification', 'erasure', 'restriction'] as const

export interface RecordActionForm {
  register?: string
  id?: string
  action?: string
  field?: string
  value?: string
  /** Lifting: the person has been told the restriction is lifted (Art. 18(3)). */
  told?: string
  /** Erasing: ticked to confirm. */
  confirm?: string
}

type Row = { register: 'subscribers'; row: NewsletterSubscriber } | { register: 'candidates'; row: Candidate }

const isOneOf = <T extends string>(list: readonly T[], v: string | undefined): v is T => (list as readonly string[]).includes(v ?? '')
const target = (r: Row) => `${r.register === 'subscribers' ? 'subscriber' : 'candidate'}:${r.row.id}`

async function loadRow(trx: Executor, register: RecordRegister, id: number): Promise<Row | null> {
  if (register === 'subscribers') {
    const row = await findSubscriber(trx, id)
    return row ? { register, row } : null
  }
  const row = await findCandidate(trx, id)
  return row ? { register, row } : null
}

/** The rows of the registers a case's data subject has, for the case page (nothing while a representative's authority is unchecked). */
export function caseRecordKey(c: Case): string | null {
  if (!(ACTION_CASE_TYPES as readonly string[]).includes(c.type) || authorityPending(c)) return null
  return registerKey(c)
}

async function rectify(trx: Executor, config: Config, r: Row, form: RecordActionForm, at: string): Promise<RectifiableField> {
  if (!isOneOf(RECTIFIABLE_FIELDS, form.field)) throw caseFail('bad_field')
  const field = form.field
  const value = cleanValue(field, form.value ?? '')
  if (value === null) throw caseFail('bad_value')
  if (field !== 'email') {
    if (r.register === 'subscribers') await updateSubscriber(trx, r.row.id, { [field]: value, updated_at: at })
    else await updateCandidate(trx, r.row.id, { [field]: value, updated_at: at })
    return field
  }
  const key = emailKey(value)
  if (r.register === 'subscribers') {
    const other = await findSubscriberByEmail(trx, key)
    if (other && other.id !== r.row.id) throw caseFail('email_taken')
    // The links already sent derive from the old address: token_key keeps them working.
    await updateSubscriber(trx, r.row.id, { email: value, email_normalized: key, token_key: r.row.token_key ?? r.row.email_normalized, updated_at: at })
    if (r.row.restricted_at) {
      // The restriction's entry on the list the mailing tool reads follows the address.
      await removeRestrictionEntry(trx, suppressionHash(config.suppressionKey, r.row.email_normalized))
      await suppress(trx, suppressionHash(config.suppressionKey, key), 'restricted', null, at)
    }
  } else {
    const other = await findCandidateByEmail(trx, key)
    if (other && other.id !== r.row.id) throw caseFail('email_taken')
    await updateCandidate(trx, r.row.id, { email: value, email_normalized: key, email_hash: candidateEmailHash(config.sessionSecret, key), updated_at: at })
  }
  return field
}

export interface ActionDone {
  register: RecordRegister
  id: number
  action: RecordAction
}

/**
 * Carries out one action in the caller's transaction. `c`: the case it is done for (the row must
 * be its data subject's), or null from the register pages and the API.
 */
export async function actOnRecordIn(trx: Executor, config: Config, form: RecordActionForm, c: Case | null, staffId: number, now: Date): Promise<ActionDone> {
  if (!isOneOf(RECORD_REGISTERS, form.register) || !isOneOf(RECORD_ACTIONS, form.action)) throw caseFail('bad_action')
  const register = form.register
  const action = form.action
  const r = /^\d{1,12}$/.test(form.id ?? '') ? await loadRow(trx, register, Number(form.id)) : null
  if (!r) throw caseFail('record_not_found')
  if (c) {
    if (authorityPending(c)) throw caseFail('unchecked')
    const key = caseRecordKey(c)
    if (key === null || r.row.email_normalized !== key) throw caseFail('not_this_person')
  }
  if (r.register === 'candidates' && r.row.status === 'erased') throw caseFail('erased')
  const at = now.toISOString()
  const hash = r.row.email_normalized ? suppressionHash(config.suppressionKey, r.row.email_normalized) : null
  let data: Record<string, unknown> = { register }
  // Art. 19's list comes from where the data is found: made before an erasure or a changed address hides it.
  if (c && action !== 'lift') await ensureRecipientChecklist(trx, c, at, config.suppressionKey)

  if (action === 'rectify') {
    data = { ...data, field: await rectify(trx, config, r, form, at) }
  } else if (action === 'erase') {
    if (form.confirm !== 'on') throw caseFail('confirm_erase')
    if (r.register === 'subscribers') {
      // The hash stays so an import or the API never adds the address back; the row goes.
      await suppress(trx, hash!, 'erasure', c?.id ?? null, at)
      await deleteSubscriber(trx, r.row.id)
    } else {
      if (r.row.restricted_at) await updateCandidate(trx, r.row.id, { restricted_at: null })
      const erased = await eraseCandidate(trx, config.dataDir, r.row, 'request', at)
      data = { ...data, cvDeleted: erased?.cvDeleted ?? false, fields: erased?.fields ?? [] }
    }
  } else if (action === 'restrict') {
    if (r.row.restricted_at) throw caseFail('already_restricted')
    if (r.register === 'subscribers') {
      await updateSubscriber(trx, r.row.id, { restricted_at: at, updated_at: at })
      // On the list the mailing tool reads, so nothing is sent while it lasts.
      await suppress(trx, hash!, 'restricted', c?.id ?? null, at)
    } else {
      await updateCandidate(trx, r.row.id, { restricted_at: at, updated_at: at })
    }
    data = { ...data, before: { restrictedAt: null }, after: { restrictedAt: at } }
  } else {
    if (!r.row.restricted_at) throw caseFail('not_restricted')
    if (form.told !== 'on') throw caseFail('tell_first')
    if (r.register === 'subscribers') {
      await updateSubscriber(trx, r.row.id, { restricted_at: null, updated_at: at })
      await removeRestrictionEntry(trx, hash!)
    } else {
      await updateCandidate(trx, r.row.id, { restricted_at: null, updated_at: at })
    }
    data = { ...data, before: { restrictedAt: r.row.restricted_at }, after: { restrictedAt: null }, personTold: true }
  }

  if (c) await addCaseEvent(trx, { caseId: c.id, kind: `register_record_${action}`, actor: { type: 'staff', id: staffId }, data: { ...data, recordId: r.row.id }, at })
  await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: `register.record_${action}`, caseId: c?.id ?? null, target: target(r), data, at: now })
  return { register, id: r.row.id, action }
}

export async function actOnRecord(db: Db, config: Config, form: RecordActionForm, c: Case | null, staffId: number, now: Date): Promise<ActionDone> {
  return db.transaction().execute((trx) => actOnRecordIn(trx, config, form, c, staffId, now))
}
