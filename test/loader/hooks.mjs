// The test processes' TypeScript loader: esbuild, transpile only, like tsx, but keeping the
// source's line breaks (tsx always minifies whitespace, which folds a file's code onto a few
// generated lines and leaves tap's line-based coverage mapping nothing to tell apart).
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    // NodeNext imports name the .js a .ts file compiles to.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/\.js$/.test(specifier) || !context.parentURL?.startsWith('file:')) throw error
    return nextResolve(specifier.replace(/\.js$/, '.ts'), context)
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.ts$/.test(new URL(url).pathname)) return nextLoad(url, context)
  const path = fileURLToPath(url)
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcefile: path,
    sourcesContent: false,
  })
  return { format: 'module', source: code, shortCircuit: true }
}
