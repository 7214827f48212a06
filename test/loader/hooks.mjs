// The test processes' TypeScript loader: esbuild, transpile only, like tsx, but keeping the
// source's line breaks (tsx always minifies whitespace, which folds a file's code onto a few
// generated lines and leaves tap's line-based coverage mapping nothing to tell apart).
//
// Every test file is its own process and imports the whole app (some 300 TypeScript files), so
// the loader's own cost is paid 140 times a run: transpiled output is kept on disk, keyed by the
// source, its path, the Node version (the target) and esbuild's version, and esbuild is loaded
// only when something is not in that cache. `rm -rf node_modules/.cache/dsr-portal-tests` clears it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/dsr-portal-tests/', import.meta.url))
const ESBUILD_VERSION = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')).version
mkdirSync(CACHE, { recursive: true })

export async function resolve(specifier, context, nextResolve) {
  // NodeNext imports name the .js a .ts file compiles to. Checked before Node's resolver, which
  // would first fail on the .js (an exception for each of some 900 imports a process).
  if (/^\.\.?\/.*\.js$/.test(specifier) && context.parentURL?.startsWith('file:')) {
    const js = new URL(specifier, context.parentURL)
    const ts = new URL(specifier.slice(0, -3) + '.ts', context.parentURL)
    if (!existsSync(js) && existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true }
  }
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/\.js$/.test(specifier) || !context.parentURL?.startsWith('file:')) throw error
    return nextResolve(specifier.replace(/\.js$/, '.ts'), context)
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.ts$/.test(new URL(url).pathname)) return nextLoad(url, context)
  const path = fileURLToPath(url)
  // Synchronous reads: this thread only serves the loader, and a promise-based read (open, stat,
  // read, close) costs several times as much for files this small.
  const source = readFileSync(path, 'utf8')
  const key = createHash('sha1').update(`${process.versions.node}\0${ESBUILD_VERSION}\0${path}\0`).update(source).digest('hex')
  const cached = `${CACHE}${key}.js`
  let code
  try {
    code = readFileSync(cached, 'utf8')
  } catch {
    const { transform } = await import('esbuild')
    ;({ code } = await transform(source, {
      loader: 'ts',
      format: 'esm',
      target: `node${process.versions.node}`,
      sourcemap: 'inline',
      sourcefile: path,
      sourcesContent: false,
    }))
    // Written aside and renamed: test processes running side by side never read half a file.
    const partial = `${cached}.${process.pid}.tmp`
    writeFileSync(partial, code)
    renameSync(partial, cached)
  }
  return { format: 'module', source: code, shortCircuit: true }
}
