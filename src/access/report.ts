import { stockholmDateTime } from '../domain/stockholm-time.js'
import { t, type Lang, type MessageSection } from '../i18n/index.js'
import { templateCache, type Engine } from '../views/engine.js'
import { REQUESTS_SYSTEM } from './art15.js'
import type { PackageDocument } from './document.js'
import { formatBytes } from './errors.js'
import { REFUSAL_NOTICE } from '../cases/refusal-notice.js'

/**
 * The readable copy: report.html in the ZIP, rendered with the app's own Handlebars engine from
 * views/package/report.hbs. It is a file for the requester to open and print, never served by
 * us, so it carries its own <style>.
 */
export function reportRenderer(engine: Engine) {
  const template = templateCache(engine)
  return function render(doc: PackageDocument, coverLetter: string | null): string {
    const lang: Lang = doc.lang
    const when = (iso: string | null) => (iso ? stockholmDateTime(iso) : '–')
    const label = (group: MessageSection, value: string | null) => {
      if (!value) return '–'
      const text = t(lang, `${group}.${value}`)
      return text.startsWith(group) ? value : text
    }
    const r = doc.records
    return template('package/report.hbs')({
      lang,
      doc,
      coverLetter,
      withheld: doc.withheld ?? [],
      refusalNotice: REFUSAL_NOTICE[lang],
      generated: when(doc.generatedAt),
      received: when(doc.request.receivedAt),
      typeTitle: t(lang, `types.${doc.request.type}.title`),
      newsletter: r.newsletter.map((n) => ({ ...n, statusLabel: label('access.report.newsletterStatus', n.status), subscribed: when(n.subscribedAt), unsubscribed: n.unsubscribedAt ? when(n.unsubscribedAt) : null })),
      candidates: r.candidates.map((c) => ({ ...c, statusLabel: label('access.report.candidateStatus', c.status), given: when(c.consentGivenAt), expires: when(c.consentExpiresAt), withdrawn: c.withdrawnAt ? when(c.withdrawnAt) : null, cvSize: c.cv?.size ? formatBytes(c.cv.size) : null })),
      suppressions: r.suppressions.map((s) => ({ since: when(s.since), reasonLabel: label('access.report.suppressionReason', s.reason) })),
      cases: r.cases.map((c) => ({
        ...c,
        statusLabel: label('cases.statuses', c.status),
        channelLabel: label('cases.channels', c.channel),
        relationshipLabel: c.relationship ? label('relationships', c.relationship) : null,
        received: when(c.receivedAt),
        closed: c.closedAt ? when(c.closedAt) : null,
        messages: c.messages.map((m) => ({ ...m, when: when(m.at), fromYou: m.direction === 'from_you' })),
        events: c.events.map((e) => ({ ...e, when: when(e.at), byLabel: t(lang, `access.report.by.${e.by}`), change: e.from && e.to ? `${label('cases.statuses', e.from)} → ${label('cases.statuses', e.to)}` : null })),
      })),
      nothingHeld: r.newsletter.length + r.candidates.length + r.suppressions.length === 0,
      // Every system searched for the request (src/tasks), found or not.
      systemsSearched: doc.systemsSearched ?? [],
      attachments: doc.attachments.map((a) => ({ ...a, sizeLabel: formatBytes(a.size) })),
      info: informationView(doc.information, lang),
    })
  }
}

/** The Art. 15(1) and 15(2) information as the report shows it: by system, the names in the language. */
function informationView(info: PackageDocument['information'], lang: Lang) {
  const systemName = new Map(info.systems.map((s) => [s.key, s.name]))
  const nameOf = (key: string) => systemName.get(key) ?? key
  const categories = new Map(info.recipientCategories.map((c) => [c.key, c]))
  return {
    ...info,
    purposes: info.purposes.map((p) => ({ ...p, where: p.systems.map(nameOf).join(', ') })),
    // The portal's own records of requests have no recipients of their own: the general categories cover them.
    recipientsBySystem: info.systems.filter((s) => s.key !== REQUESTS_SYSTEM).map((s) => {
      const unnamed = info.unnamedRecipients.find((u) => u.system === s.key)
      return {
        name: s.name,
        named: info.recipients.filter((r) => r.system === s.key),
        categories: unnamed ? unnamed.categories.flatMap((key) => (categories.has(key) ? [categories.get(key)!] : [])) : null,
      }
    }),
    general: info.recipientCategories.filter((c) => c.general),
    transfers: info.transfers.map((tr) => t(lang, 'access.report.transfer', { country: tr.countryName, safeguard: tr.safeguard, system: nameOf(tr.system) })),
  }
}

export type RenderReport = ReturnType<typeof reportRenderer>
