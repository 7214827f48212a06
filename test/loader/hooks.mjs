// The test processes' TypeScript loader: esbuild, transpile only, like tsx, but keeping the
// source's line breaks (tsx always minifies whitespace, which folds a file's code onto a few
// generated lines and leaves tap's line-based coverage mapping nothing to tell apart).
//
// Every test file is its own process and imports the whole app (some 300 TypeScript files), so
// the loader's own cost is paid 140 times a run: transpiled output is kept on disk, keyed by the
// source, its path, the Node version (the target) and esbuild's version, and esbuild is loaded
// only when something is not in that cache. `rm -rf node_modules/.cache/dsr-portal-tests` clears it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/dsr-portal-tests/', import.meta.url))
const ESBUILD_VERSION = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')).version
mkdirSync(CACHE, { recursive: true })

// Packages published as hundreds of small ES modules. Every module a process imports costs a
// round trip to this loader's thread (on Node 20 the hooks run off the main thread), and these two
// alone are about 640 of the 1,160 modules a test process loads: each is bundled once, all its
// entry points together with shared chunks (so a class or symbol exists once however it is
// imported), and imported from the cache. Tests only: the app itself imports them as published.
const BUNDLED = new RegExp(`^(${['kysely', 'typebox'].join('|')})(/.*)?$`)
const bundles = new Map()

async function bundled(name, subpath, context, nextResolve) {
  let entries = bundles.get(name)
  if (!entries) {
    const pkg = JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8'))
    const dir = `${CACHE}pkg-${name}-${pkg.version}-node${process.versions.node}-${ESBUILD_VERSION}/`
    const subpaths = Object.keys(pkg.exports ?? { '.': null })
    const out = (sub) => `${dir}${sub === '.' ? 'index' : sub.slice(2).replaceAll('/', '__')}.mjs`
    if (!existsSync(`${dir}done`)) {
      const { build } = await import('esbuild')
      const tmp = `${CACHE}tmp-${name}-${process.pid}/`
      const entryPoints = {}
      for (const sub of subpaths) {
        const { url } = await nextResolve(sub === '.' ? name : `${name}${sub.slice(1)}`, context)
        entryPoints[out(sub).slice(dir.length, -4)] = fileURLToPath(url)
      }
      await build({ entryPoints, bundle: true, splitting: true, format: 'esm', platform: 'node', outdir: tmp, outExtension: { '.js': '.mjs' }, logLevel: 'silent', target: `node${process.versions.node}` })
      writeFileSync(`${tmp}done`, '')
      try {
        renameSync(tmp, dir)
      } catch {
        // Another process renamed its bundle first: the same files.
        rmSync(tmp, { recursive: true, force: true })
      }
    }
    entries = new Map(subpaths.map((sub) => [sub, pathToFileURL(out(sub)).href]))
    bundles.set(name, entries)
  }
  return entries.get(subpath === '' ? '.' : `.${subpath}`)
}

export async function resolve(specifier, context, nextResolve) {
  const pkg = BUNDLED.exec(specifier)
  if (pkg) {
    const url = await bundled(pkg[1], pkg[2] ?? '', context, nextResolve)
    if (url) return { url, format: 'module', shortCircuit: true }
  }
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
