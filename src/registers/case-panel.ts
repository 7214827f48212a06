import type { Executor } from '../db/connection.js'
import type { Case } from '../db/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { findCandidate } from './candidates-repository.js'
import { caseRecordKey } from './record-actions.js'
import { recordsFor } from './record-view.js'
import { checklistFor, needsChecklist } from './recipient-checklist.js'
import { RECTIFIABLE_FIELDS } from './rectification.js'
import { proposalsFor } from './rectification-repository.js'

/** What the case page shows from the registers: proposed rectifications, the data subject's rows with their actions, and the Art. 19 checklist. */
export async function caseRegisterPanel(db: Executor, c: Case, lang: Lang, suppressionKey: string) {
  const proposals = []
  for (const p of await proposalsFor(db, c.id)) {
    const candidate = p.status === 'pending' ? await findCandidate(db, p.record_id) : undefined
    proposals.push({
      id: p.id,
      pending: p.status === 'pending',
      statusLabel: t(lang, `registers.rectification.statuses.${p.status}`),
      fieldLabel: t(lang, `registers.fields.${p.field}`),
      stored: p.status === 'pending' ? (candidate?.[p.field] ?? null) : p.stored_value,
      proposed: p.proposed_value,
      fieldOptions: RECTIFIABLE_FIELDS.map((f) => ({ value: f, label: t(lang, `registers.fields.${f}`), selected: f === p.field, stored: candidate?.[f] ?? null })),
    })
  }
  // `items` may be empty: nothing about the person was found in the systems on the data map.
  const checklist = (await needsChecklist(db, c))
    ? { items: (await checklistFor(db, c, lang, suppressionKey)).map((item) => ({ ...item, statusLabel: t(lang, `registers.recipients.statuses.${item.status}`) })) }
    : null
  // Rectification, erasure and restriction cases: the data subject's rows, with the action forms.
  const key = caseRecordKey(c)
  const records = key === null ? null : await recordsFor(db, key, lang)
  return { proposals, checklist, records, recordsPanel: records !== null }
}
