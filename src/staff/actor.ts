/** Who does an action, as the audit log records it. */
export interface Actor {
  type: 'staff' | 'cli' | 'system'
  id: number | null
}

export const CLI: Actor = { type: 'cli', id: null }
export const SYSTEM: Actor = { type: 'system', id: null }
export const staffActor = (id: number): Actor => ({ type: 'staff', id })
