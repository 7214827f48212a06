#!/usr/bin/env node
// Runs the compiled CLI (built by `npm ci` / `npm run build`). In a development checkout without a
// build it falls back to the TypeScript source through tsx, a devDependency.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const compiled = join(root, 'dist', 'src', 'cli-main.js')
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href)
} else {
  let tsx
  try {
    tsx = await import('tsx/esm/api')
  } catch {
    console.error('dist/ is missing: run `npm run build` first.')
    process.exit(1)
  }
  tsx.register()
  await import(pathToFileURL(join(root, 'src', 'cli-main.ts')).href)
}
