// `npm run build`, second step: the entry points tsc compiled to dist/ are rewritten as bundles
// (our modules and the pure-JavaScript dependencies in a few files), because at start-up Node
// spent most of its time finding, reading and compiling some 700 separate modules. Native addons
// and pg (loaded only on PostgreSQL) stay in node_modules. The rest of dist/ (migrations, the
// modules tests import) is tsc's output as before.
import { rmSync } from 'node:fs'
import { build } from 'esbuild'

// Chunks are named by their content: last build's would stay behind.
rmSync('dist/src/bundle', { recursive: true, force: true })

const result = await build({
  metafile: Boolean(process.env.BUNDLE_METAFILE),
  entryPoints: { server: 'src/server.ts', 'cli-main': 'src/cli-main.ts', 'mail/send-thread': 'src/mail/send-thread.ts' },
  outdir: 'dist/src',
  bundle: true,
  splitting: true,
  chunkNames: 'bundle/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Less to parse at start-up; names are kept (stack traces, plugin names).
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['better-sqlite3', 'argon2', 'pg', 'pg-native'],
  // The CommonJS dependencies call require(); an ES module bundle gets one of its own.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})
if (process.env.BUNDLE_METAFILE) (await import('node:fs')).writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(result.metafile))
