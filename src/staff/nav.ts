import { t, type Lang, type MessageKey } from '../i18n/index.js'
import { roleAtLeast, type Role } from './roles.js'

interface NavEntry {
  href: string
  label: MessageKey
  /** The weakest role the page's route lets in: the link is shown from that role up. */
  role: Role
  /** Pages under this one (a case under the queue, a rule under the rules): the link is marked as the current section there. */
  under?: readonly string[]
}

/** The staff menu, in the order shown. Each page a role may open is linked from here. */
const ENTRIES: readonly NavEntry[] = [
  { href: '/staff', label: 'staff.nav.queue', role: 'viewer', under: ['/staff/cases/'] },
  { href: '/staff/registers', label: 'staff.nav.registers', role: 'viewer', under: ['/staff/registers/'] },
  { href: '/staff/reports', label: 'staff.nav.reports', role: 'viewer' },
  { href: '/staff/deadlines', label: 'staff.nav.deadlines', role: 'viewer' },
  { href: '/staff/escalation', label: 'routing.nav.escalation', role: 'viewer' },
  { href: '/staff/admin/teams', label: 'routing.nav.teams', role: 'admin' },
  { href: '/staff/admin/routing', label: 'routing.nav.rules', role: 'admin', under: ['/staff/admin/routing/', '/staff/routing/'] },
  { href: '/staff/admin/templates', label: 'staff.nav.templates', role: 'admin' },
  { href: '/staff/admin/staff', label: 'staff.nav.admin', role: 'admin' },
  { href: '/staff/admin/map', label: 'datamap.admin.title', role: 'admin', under: ['/staff/admin/map/', '/staff/admin/readiness'] },
  { href: '/staff/account', label: 'staff.nav.account', role: 'viewer', under: ['/staff/account/'] },
]

export interface NavLink {
  href: string
  label: string
  /** aria-current: 'page' on the page itself, 'true' on a page under it, null elsewhere. */
  current: 'page' | 'true' | null
}

/** The menu for a member of `role` on the page at `url` (its query is ignored). */
export function staffNavLinks(lang: Lang, role: Role, url: string): NavLink[] {
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q)).replace(/\/+$/, '') || '/'
  return ENTRIES.filter((e) => roleAtLeast(role, e.role)).map((e) => ({
    href: e.href,
    label: t(lang, e.label),
    current: path === e.href ? 'page' : (e.under ?? []).some((prefix) => path.startsWith(prefix)) ? 'true' : null,
  }))
}
