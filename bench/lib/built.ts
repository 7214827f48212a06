/**
 * The benchmarks measure the server `npm start` runs: the compiled `dist/src/server.js` under
 * plain node, not the TypeScript source under tsx (whose loader and source maps cost memory and
 * start-up time the shipped server does not pay). Built once per bench run (tsc is incremental).
 */
import { execFileSync } from 'node:child_process'
import { projectRoot } from '../../src/paths.js'

export const BUILT_SERVER = 'dist/src/server.js'

let built = false
export function ensureBuilt(): void {
  if (built) return
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'inherit' })
  built = true
}
