import { stockholmDateTime } from '../domain/stockholm-time.js'
import type { Db } from '../db/connection.js'
import type { AccessPackage, Case } from '../db/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { packageError } from './errors.js'
import { isPackageCase, type AccessPackageService } from './service.js'
import { staffNamesByIds } from '../staff/directory.js'

/** What the case page and the package page show about a package. */
export async function packageSummary(db: Db, service: AccessPackageService, c: Case, lang: Lang) {
  if (!isPackageCase(c)) return null
  const p = await service.find(c.id)
  if (!p) return { exists: false as const }
  const gone = service.isGone(p)
  const status: AccessPackage['status'] = gone ? 'deleted' : p.status
  const names = await staffNamesByIds(db, [p.reviewed_by ?? -1, p.sent_by ?? -1])
  const who = (id: number | null) => (id === null ? undefined : names.get(id)) ?? '?'
  return {
    exists: true as const,
    id: p.id,
    status,
    statusLabel: t(lang, `access.panel.statuses.${status}`),
    lang: p.lang,
    recordCount: p.record_count,
    compiledAt: stockholmDateTime(p.compiled_at),
    reviewed: p.status === 'reviewed' ? t(lang, 'access.page.reviewed', { when: stockholmDateTime(p.reviewed_at!), who: who(p.reviewed_by) }) : null,
    sent: p.sent_at && !gone ? t(lang, 'access.page.sent', { when: stockholmDateTime(p.sent_at), until: p.delete_after!.slice(0, 10), downloads: p.downloads }) : null,
    deleted: gone ? t(lang, 'access.page.deleted', { when: stockholmDateTime(p.deleted_at ?? p.delete_after!) }) : null,
    editable: p.status === 'compiled' || p.status === 'reviewed',
    canSend: p.status === 'reviewed',
  }
}

/** The package's contents in numbers, for the review (the document itself is in the preview ZIP). */
export function contentCounts(service: AccessPackageService, p: AccessPackage) {
  const doc = service.document(p)
  if (!doc) return null
  const r = doc.records
  return {
    newsletter: r.newsletter.length,
    candidates: r.candidates.length,
    suppressions: r.suppressions.length,
    cases: r.cases.length,
    messages: r.cases.reduce((n, c) => n + c.messages.length, 0),
    events: r.cases.reduce((n, c) => n + c.events.length, 0),
    purposes: doc.information.purposes.map((x) => x.title),
  }
}

/** The package as the API answers it (GET /api/v1/cases/:id/package and every step's answer). */
export async function packageView(service: AccessPackageService, caseId: number) {
  const p = await service.find(caseId)
  if (!p) throw packageError('not_found')
  const gone = service.isGone(p)
  const files = await service.files(p.id)
  return {
    caseId,
    status: gone ? ('deleted' as const) : p.status,
    lang: p.lang,
    recordCount: p.record_count,
    compiledAt: p.compiled_at,
    reviewedAt: p.reviewed_at,
    sentAt: p.sent_at,
    deleteAfter: p.delete_after,
    deletedAt: p.deleted_at,
    downloads: p.downloads,
    coverLetter: gone ? null : p.cover_letter,
    withheld: gone ? null : service.withheld(p),
    contents: gone ? null : contentCounts(service, p),
    files: files.map((f) => ({ id: f.id, name: f.original_name, type: f.extension, contentType: f.content_type, size: f.size, sha256: f.sha256, addedAt: f.created_at })),
  }
}
