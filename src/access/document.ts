import type { Case } from '../db/schema.js'
import { t, type Lang } from '../i18n/index.js'
import { controller } from '../registers/controller.js'
import type { MapExtract } from '../datamap/model.js'
import { art15Info, type Art15Info } from './art15.js'
import type { Gathered } from './gather.js'

/**
 * The machine-readable copy (Art. 15(3), Art. 20): `package.json` in the ZIP. The shape is
 * versioned; docs/access-packages.md documents it. Field names are
 * English and stable; free text (titles, descriptions) is in the requester's language.
 */
export const PACKAGE_FORMAT = 'xtractor-dsr-package'
/** 2: the information is tailored to the systems where the data was found (each purpose names them), with Art. 15(2) transfers. */
export const PACKAGE_VERSION = 2

export interface PackageDocument {
  format: typeof PACKAGE_FORMAT
  version: typeof PACKAGE_VERSION
  lang: Lang
  generatedAt: string
  controller: { name: string; orgNo: string; email: string; phone: string }
  request: { reference: string; type: string; receivedAt: string }
  subject: { email: string }
  records: {
    newsletter: Array<{ email: string; name: string | null; phone: string | null; source: string | null; status: string; subscribedAt: string; unsubscribedAt: string | null; updatedAt: string }>
    candidates: Array<{ email: string | null; name: string | null; phone: string | null; status: string; consentGivenAt: string; consentExpiresAt: string; withdrawnAt: string | null; cv: { filename: string | null; contentType: string | null; size: number | null; file: string | null } | null }>
    suppressions: Array<{ reason: string; since: string }>
    /** What each connected system sent for the request, by the system's key (src/tasks). */
    systems: Record<string, unknown>
    cases: Array<{
      reference: string
      type: string
      typeTitle: string
      status: string
      channel: string
      receivedAt: string
      verifiedAt: string | null
      closedAt: string | null
      name: string | null
      relationship: string | null
      details: string | null
      incorrectValue: string | null
      correctValue: string | null
      current: boolean
      messages: Array<{ direction: 'to_you' | 'from_you'; at: string; text: string }>
      events: Array<{ kind: string; title: string; at: string; by: string; from?: string; to?: string }>
    }>
  }
  /** Every system searched for the request, and whether it held anything about the person. */
  systemsSearched: Array<{ system: string; found: boolean }>
  information: Art15Info
  /** What was left out of the copy and why (Art. 15(4), 12(4)); filled in when the ZIP is made. */
  withheld?: Array<{ description: string; reason: string }>
  /** Files in the ZIP besides the report and this document (filled in when the ZIP is made). */
  attachments: Array<{ file: string; name: string; contentType: string; size: number; sha256: string; origin: 'staff_upload' | 'candidate_cv' }>
}

/** How many rows the document holds: what the compile benchmark counts. */
export function recordCount(g: Gathered): number {
  const systemRows = Object.values(g.systems.records).reduce<number>((n, r) => n + (Array.isArray(r) ? r.length : r && typeof r === 'object' ? Object.values(r).reduce<number>((m, rows) => m + (Array.isArray(rows) ? rows.length : 0), 0) : 0), 0)
  return g.newsletter.length + g.candidates.length + g.suppressions.length + g.cases.length + g.messages.length + g.events.length + systemRows
}

/** `map`: the data map for the systems where the data was found (mapForSystems with foundSystems(g)). */
export function buildDocument(current: Case, g: Gathered, map: MapExtract, lang: Lang, at: Date): PackageDocument {
  const messagesBy = new Map<number, Gathered['messages']>()
  for (const m of g.messages) {
    if (!messagesBy.has(m.case_id)) messagesBy.set(m.case_id, [])
    messagesBy.get(m.case_id)!.push(m)
  }
  const eventsBy = new Map<number, Gathered['events']>()
  for (const e of g.events) {
    if (!eventsBy.has(e.case_id)) eventsBy.set(e.case_id, [])
    eventsBy.get(e.case_id)!.push(e)
  }
  const sources = g.newsletter.filter((n) => n.source).map((n) => ({ register: 'newsletter', source: n.source! }))
  const title = (kind: string) => {
    const text = t(lang, `cases.events.${kind}`)
    return text.startsWith('cases.') ? kind : text
  }
  return {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    lang,
    generatedAt: at.toISOString(),
    controller: { name: controller.name, orgNo: controller.orgNo, email: controller.email, phone: controller.phoneIntl },
    request: { reference: current.reference, type: current.type, receivedAt: current.received_at },
    subject: { email: current.email },
    records: {
      newsletter: g.newsletter.map((n) => ({ email: n.email, name: n.name, phone: n.phone, source: n.source, status: n.status, subscribedAt: n.subscribed_at, unsubscribedAt: n.unsubscribed_at, updatedAt: n.updated_at })),
      candidates: g.candidates.map((c) => ({
        email: c.email,
        name: c.name,
        phone: c.phone,
        status: c.status,
        consentGivenAt: c.consent_given_at,
        consentExpiresAt: c.consent_expires_at,
        withdrawnAt: c.withdrawn_at,
        cv: c.cv_path ? { filename: c.cv_filename, contentType: c.cv_content_type, size: c.cv_size, file: null } : null,
      })),
      suppressions: g.suppressions.map((s) => ({ reason: s.reason, since: s.created_at })),
      systems: g.systems.records,
      cases: g.cases.map((c) => ({
        reference: c.reference,
        type: c.type,
        typeTitle: t(lang, `types.${c.type}.title`),
        status: c.status,
        channel: c.channel,
        receivedAt: c.received_at,
        verifiedAt: c.verified_at,
        closedAt: c.closed_at,
        name: c.name,
        relationship: c.relationship,
        details: c.details,
        incorrectValue: c.incorrect_value,
        correctValue: c.correct_value,
        current: c.id === current.id,
        messages: (messagesBy.get(c.id) ?? []).map((m) => ({ direction: m.direction === 'in' ? ('from_you' as const) : ('to_you' as const), at: m.created_at, text: m.body })),
        // Who on our side did what is staff data, and internal notes are working material: the
        // timeline shows what happened and when, not staff names or note texts.
        events: (eventsBy.get(c.id) ?? []).map((e) => {
          const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {}
          const status = e.kind === 'status_changed' && typeof data.from === 'string' && typeof data.to === 'string' ? { from: data.from, to: data.to } : {}
          return { kind: e.kind, title: title(e.kind), at: e.created_at, by: e.actor_type === 'requester' ? 'you' : e.actor_type === 'staff' ? 'staff' : 'system', ...status }
        }),
      })),
    },
    systemsSearched: g.systems.searched,
    information: art15Info(lang, map, { requests: g.cases.length > 0, sources }),
    attachments: [],
  }
}
