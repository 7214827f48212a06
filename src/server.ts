import module from 'node:module'

/**
 * What `npm start` runs. Node 22.1 and later keep V8's compiled code for every module loaded
 * (ours and the dependencies') in a cache on disk, so a restart skips most of the compiling; the
 * cache must be on before the modules are loaded, hence the server itself is imported after it.
 * On older Node, or where the cache folder cannot be written, the server starts as before.
 */
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
await import('./server-main.js')
