import v8 from 'node:v8'

/**
 * V8 flags the process sets while it runs (see src/server.ts). On Node 20, starting a worker
 * thread puts V8's flags back as they were at the process's start (measured: the young
 * generation grew again after the background thread started), so that thread sets them again as
 * it starts (src/threads/background.ts); Node 24 keeps them.
 */
const set: string[] = []

export function setV8Flags(...flags: string[]): void {
  for (const flag of flags) {
    v8.setFlagsFromString(flag)
    if (!set.includes(flag)) set.push(flag)
  }
}

/** Every flag set so far, for a thread to set again. */
export function v8FlagsSet(): readonly string[] {
  return set
}
