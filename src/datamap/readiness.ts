import type { Purpose, System } from './model.js'

/**
 * What keeps the map from being published (`problems`: `dsr-portal doctor` exits 1 while there is
 * one) and what is worth a look without blocking (`advice`). Each item's text is
 * `datamap.readiness.<code>` with its params; `href` is the admin page that fixes it.
 */
export interface ReadinessItem {
  code: 'purpose_basis_undecided' | 'system_without_owner' | 'purpose_without_system'
  kind: 'purpose' | 'system'
  key: string
  name: { sv: string; en: string }
  href: string
}

export interface Readiness {
  ready: boolean
  problems: ReadinessItem[]
  advice: ReadinessItem[]
}

export function readiness(purposes: Purpose[], systems: System[]): Readiness {
  const problems: ReadinessItem[] = []
  const advice: ReadinessItem[] = []
  const served = new Set(systems.flatMap((s) => s.purposes))
  for (const p of purposes) {
    const item = { kind: 'purpose' as const, key: p.id, name: p.title, href: `/staff/admin/map/purposes/${p.id}` }
    if (p.legalBasis === null) problems.push({ code: 'purpose_basis_undecided', ...item })
    if (!served.has(p.id)) advice.push({ code: 'purpose_without_system', ...item })
  }
  for (const s of systems) {
    if (s.ownerTeam === null) problems.push({ code: 'system_without_owner', kind: 'system', key: s.key, name: s.name, href: `/staff/admin/map/systems/${s.key}` })
  }
  return { ready: problems.length === 0, problems, advice }
}
