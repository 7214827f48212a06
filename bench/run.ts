/**
 * `npm run bench`: every benchmark, each next to a baseline measured in the same run.
 *   npm run bench [-- --only http,queue] [-- --quick]
 * Sections from other features (bench/<name>.ts exporting run(report)) are picked up when present.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/paths.js'
import { runQueueBench } from './queue.js'
import { ensureBuilt } from './lib/built.js'

type Section = { name: string; run: (report: (line: string) => void, quick: boolean) => Promise<unknown> }

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } })
const quick = flags.quick ?? false
const only = flags.only?.split(',') ?? null
const report = (line: string) => console.log(line)

const sections: Section[] = [
  { name: 'http', run: async (r, q) => (await import('./http.js')).run(r, { seconds: q ? 3 : 10 }) },
  { name: 'queue', run: (r, q) => runQueueBench({ cases: q ? 20_000 : 1_000_000, runs: q ? 50 : 200, log: r }) },
  { name: 'queue-http', run: async (r, q) => (await import('./queue-http.js')).run(r, { cases: q ? 20_000 : 1_000_000, amount: q ? 100 : 500 }) },
]
sections.unshift({ name: 'footprint', run: async (r, q) => (await import('./footprint.js')).run(r, { quick: q }) })
for (const name of ['unsubscribe', 'compile', 'postgres']) {
  const file = join(projectRoot, 'bench', `${name}.ts`)
  if (existsSync(file)) {
    sections.push({ name, run: async (r, q) => (await import(pathToFileURL(file).href)).run(r, { quick: q }) })
  }
}

ensureBuilt()
console.log(`dsr-portal benchmarks, ${new Date().toISOString()}, Node ${process.version}${quick ? ' (quick)' : ''}`)
let failed = false
for (const section of sections) {
  if (only && !only.includes(section.name)) continue
  console.log(`\n== ${section.name} ==`)
  try {
    await section.run(report, quick)
  } catch (error) {
    failed = true
    console.error(`${section.name} failed: ${(error as Error).stack ?? String(error)}`)
  }
}
process.exitCode = failed ? 1 : 0
