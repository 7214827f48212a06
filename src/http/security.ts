import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

/** Only our own scripts, styles and images: no third-party code, fonts or trackers can run. */
export function helmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  }
}

/**
 * Our headers never depend on the request (no nonces), so helmet runs once at start and its
 * headers are replayed on every response: @fastify/helmet would rebuild helmet per request.
 */
export function staticSecurityHeaders(https: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = []
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name.toLowerCase(), String(value)]),
    removeHeader: (name: string) => {
      const i = headers.findIndex(([n]) => n === name.toLowerCase())
      if (i >= 0) headers.splice(i, 1)
    },
  }
  let failed: unknown = null
  helmet(helmetOptions(https))({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    failed = err ?? null
  })
  if (failed) throw failed
  headers.push(['permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()'])
  return headers
}

export default fp(
  async function securityHeaders(app, opts: { https: boolean }) {
    const headers = staticSecurityHeaders(opts.https)
    // onRequest, so every answer carries them: errors, 404s and 413s included.
    app.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.header(name, value)
      done()
    })
  },
  { name: 'security-headers' },
)
