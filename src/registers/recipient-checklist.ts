import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { authorityPending, registerKey } from '../cases/authority.js'
import { addCaseEvent } from '../cases/records.js'
import { mapForSystems, recipientCategories } from '../datamap/service.js'
import { pick, type MapExtract, type Text } from '../datamap/model.js'
import type { Lang } from '../i18n/index.js'
import { caseFail } from './errors.js'
import { registerSystemsFor } from './records.js'
import { systemsWithData } from '../tasks/engine.js'
import { addPendingRecipient, hasRecipientRows, recipientRows, saveRecipientStatus } from './recipients-repository.js'

/** Art. 19: after these, every recipient that may hold the data is told, or the case says why not. */
export const CHECKLIST_TYPES = ['erasure', 'rectification', 'restriction'] as const

export const RECIPIENT_STATUSES = ['pending', 'notified', 'not_notified'] as const
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number]

/** A recipient to tell; `system`: the system on the data map it receives from (null for a general category). */
export interface ChecklistRecipient {
  id: string
  name: Text
  description: Text
  system: Text | null
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'recipient'

/**
 * The recipients of the systems where the data was found (Art. 19): each system's recipients by
 * name (id `system:name`); for a system the map names none for, the recipient categories of the
 * purposes it serves (id = the category's key, as rows before the map used); and the general
 * categories, which may receive data from any purpose.
 */
export function checklistRecipients(map: MapExtract): ChecklistRecipient[] {
  const out: ChecklistRecipient[] = []
  const add = (r: ChecklistRecipient) => {
    if (!out.some((x) => x.id === r.id)) out.push(r)
  }
  const categories = new Map([...map.recipientCategories, ...map.generalCategories].map((c) => [c.key, c]))
  for (const s of map.systems) {
    for (const r of s.recipients) add({ id: `${s.key}:${slug(r.name.en)}`, name: r.name, description: r.description, system: s.name })
    if (s.recipients.length) continue
    for (const p of map.purposes.filter((x) => x.systems.includes(s.key))) {
      for (const key of p.recipientCategories) {
        const c = categories.get(key)
        if (c) add({ id: c.key, name: c.name, description: c.description, system: null })
      }
    }
  }
  if (map.systems.length) for (const c of map.generalCategories) add({ id: c.key, name: c.name, description: c.description, system: null })
  return out
}

type Subject = Pick<Case, 'id' | 'email' | 'on_behalf_kind' | 'authority_checked_at' | 'subject_email'>

/**
 * The systems where the case's data subject's data is found: the registers that hold it now, and
 * the connected systems whose tasks on the case found it (none while a representative's authority
 * is unchecked).
 */
async function foundSystems(db: Executor, c: Subject, suppressionKey: string): Promise<string[]> {
  const key = authorityPending(c) ? null : registerKey(c)
  if (key === null) return []
  return [...new Set([...(await registerSystemsFor(db, key, suppressionKey)), ...(await systemsWithData(db, c.id))])]
}

/**
 * The case's recipients: those of the systems where the data is found now, and those a row was
 * kept for (an erased row no longer shows where it was; the row made when it was erased does).
 */
export async function recipientsForCase(db: Executor, c: Subject, suppressionKey: string): Promise<ChecklistRecipient[]> {
  const rows = await recipientRows(db, c.id)
  const kept = rows.map((r) => r.recipient)
  const systems = [...(await foundSystems(db, c, suppressionKey)), ...kept.filter((id) => id.includes(':')).map((id) => id.slice(0, id.indexOf(':')))]
  const list = checklistRecipients(await mapForSystems(db, systems))
  const missing = kept.filter((id) => !list.some((r) => r.id === id))
  if (missing.length) {
    // A row for a recipient the map no longer names this way: still shown, by its category or its id.
    const all = new Map((await recipientCategories(db)).map((cat) => [cat.key, cat]))
    for (const id of missing) {
      const cat = all.get(id)
      list.push(cat ? { id, name: cat.name, description: cat.description, system: null } : { id, name: { sv: id, en: id }, description: { sv: '', en: '' }, system: null })
    }
  }
  return list
}

export async function needsChecklist(db: Executor, c: Case): Promise<boolean> {
  if ((CHECKLIST_TYPES as readonly string[]).includes(c.type)) return true
  return hasRecipientRows(db, c.id)
}

/**
 * Adds the pending rows for a case whose action was carried out in the registers: called before
 * the data is gone from where it was found, or while a trace of it is left, so the list is kept.
 */
export async function ensureRecipientChecklist(trx: Executor, c: Subject, at: string, suppressionKey: string): Promise<void> {
  for (const r of await recipientsForCase(trx, c, suppressionKey)) await addPendingRecipient(trx, c.id, r.id, at)
}

export interface ChecklistItem {
  id: string
  name: string
  description: string
  system: string | null
  status: RecipientStatus
  reason: string | null
  updatedAt: string | null
}

export async function checklistFor(db: Executor, c: Case, lang: Lang, suppressionKey: string): Promise<ChecklistItem[]> {
  const rows = await recipientRows(db, c.id)
  const byId = new Map(rows.map((r) => [r.recipient, r]))
  return (await recipientsForCase(db, c, suppressionKey)).map((r) => {
    const row = byId.get(r.id)
    return { id: r.id, name: pick(r.name, lang), description: pick(r.description, lang), system: r.system ? pick(r.system, lang) : null, status: row?.status ?? 'pending', reason: row?.reason ?? null, updatedAt: row?.status === 'pending' ? null : (row?.updated_at ?? null) }
  })
}

/** Staff mark one recipient notified, or not notified with the reason (e.g. never received the data). */
export async function setRecipientStatus(trx: Executor, c: Case, input: { recipient: string; status: string; reason: string | null }, staffId: number, now: Date, suppressionKey: string): Promise<void> {
  if (!(await recipientsForCase(trx, c, suppressionKey)).some((r) => r.id === input.recipient)) throw caseFail('unknown_recipient')
  if (!(RECIPIENT_STATUSES as readonly string[]).includes(input.status)) throw caseFail('bad_status')
  const reason = input.reason?.trim() || null
  if (input.status === 'not_notified' && !reason) throw caseFail('recipient_reason_required')
  const at = now.toISOString()
  const status = input.status as RecipientStatus
  await saveRecipientStatus(trx, { caseId: c.id, recipient: input.recipient, status, reason, staffId, at })
  await addCaseEvent(trx, { caseId: c.id, kind: 'recipient_checked', actor: { type: 'staff', id: staffId }, data: { recipient: input.recipient, status, ...(reason ? { reason } : {}) }, at })
  await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'case.recipient', caseId: c.id, target: input.recipient, data: { status }, at: now })
}

/** The staff form: one recipient marked, in its own transaction. */
export async function markRecipient(db: Db, c: Case, form: { recipient?: string; status?: string; reason?: string }, staffId: number, now: Date, suppressionKey: string): Promise<void> {
  // Issue 15 §5: nothing is done in the registers for a representative whose authority is unchecked.
  if (authorityPending(c)) throw caseFail('unchecked')
  const input = { recipient: form.recipient ?? '', status: form.status ?? '', reason: (form.reason ?? '').slice(0, 1000) }
  await db.transaction().execute((trx) => setRecipientStatus(trx, c, input, staffId, now, suppressionKey))
}
