import type { FastifyInstance } from 'fastify'

export interface RouteEntry {
  method: string
  url: string
}

/**
 * Every route the app registered, read from app.printRoutes() (the radix tree printed one
 * node a line, four columns per level), so a route added later is fuzzed without editing a list.
 */
export function listRoutes(app: FastifyInstance): RouteEntry[] {
  const out: RouteEntry[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!m) continue
    const depth = Math.floor(m[1].length / 4) - 1
    const name = m[2]
    const prefix = depth === 0 ? '' : stack[depth - 1]
    const path = depth === 0 ? name : prefix === '/' ? '/' + name.replace(/^\//, '') : prefix + name
    stack[depth] = path
    stack.length = depth + 1
    if (m[3]) for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push({ method, url: path })
  }
  return out
}
