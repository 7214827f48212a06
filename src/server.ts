import module from 'node:module'
import { setV8Flags } from './v8-flags.js'

/**
 * What `npm start` runs. Two V8 settings bound the main thread's heap under load (measured in
 * docs/operations.md, "Memory"), set before anything is loaded:
 *
 * - The young generation (V8's new space, where each request's short-lived objects are made)
 *   starts at 1 MB per semi-space and doubles whenever enough of it survives a scavenge, up to
 *   16 MB: under load it grew to 2 × 16 MB, all of it resident. `--max-semi-space-size` would
 *   bound it, but V8 reads it only as the heap is set up (set from here it is ignored: measured),
 *   and `node --max-semi-space-size=… dist/src/server.js` is not what `npm start` runs. The growth
 *   factor is read each time the new space grows: at 1 it keeps its first size.
 * - What survives it is garbage soon after, promoted to the old generation, which V8 let grow to
 *   about 2.5 times its live size (some 60 MB) before collecting it. With the old generation
 *   allowed 25% over what the last full collection kept, it is collected sooner and more often
 *   (six full collections instead of two in 33,000 requests), each over a smaller heap.
 */
setV8Flags('--semi-space-growth-factor=1', '--heap-growing-percent=25')

/**
 * Node 22.1 and later keep V8's compiled code for every module loaded (ours and the
 * dependencies') in a cache on disk, so a restart skips most of the compiling; the cache must be
 * on before the modules are loaded, hence the server itself is imported after it. On older Node,
 * or where the cache folder cannot be written, the server starts as before.
 */
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
await import('./server-main.js')
