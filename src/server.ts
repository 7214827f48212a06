import module from 'node:module'
import { setV8Flags } from './v8-flags.js'

/**
 * What `npm start` runs.
 *
 * The young generation (V8's new space, where each request's short-lived objects are made) starts
 * at 1 MB per semi-space and doubles whenever enough of it survives a scavenge, up to 16 MB: under
 * load it grew to 2 × 16 MB, all of it resident, and was the largest part of the process's
 * growth. `--max-semi-space-size` would bound it but V8 reads it only as the heap is set up (set
 * from here, it is ignored: measured), and `node --max-semi-space-size=… dist/src/server.js` is
 * not what `npm start` runs. The growth factor is read each time the new space grows, so set to 1
 * before anything is loaded it keeps the new space at its first size: more, shorter scavenges and
 * the same throughput (docs/operations.md, "Memory").
 */
setV8Flags('--semi-space-growth-factor=1')

/**
 * Node 22.1 and later keep V8's compiled code for every module loaded (ours and the
 * dependencies') in a cache on disk, so a restart skips most of the compiling; the cache must be
 * on before the modules are loaded, hence the server itself is imported after it. On older Node,
 * or where the cache folder cannot be written, the server starts as before.
 */
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
await import('./server-main.js')
