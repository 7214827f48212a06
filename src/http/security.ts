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

/** Pages reached by a personal link or behind the staff sign-in: never indexed, their links never followed. */
const UNLISTED = /^\/(status|verify|u|staff)(\/|$)/

/** The path as the router reads it (decoded), so /%73tatus/… is unlisted like /status/…. */
export function isUnlistedPath(url: string): boolean {
  const path = url.split('?')[0]
  let decoded = path
  try {
    decoded = decodeURIComponent(path)
  } catch {
    // Not routable anyway (see rewriteUnroutable); the raw path decides.
  }
  return UNLISTED.test(decoded)
}

export default fp(
  async function securityHeaders(app, opts: { https: boolean }) {
    const headers = staticSecurityHeaders(opts.https)
    // onRequest, so every answer carries them: errors, 404s and 413s included.
    app.addHook('onRequest', (request, reply, done) => {
      for (const [name, value] of headers) reply.header(name, value)
      if (isUnlistedPath(request.url)) reply.header('X-Robots-Tag', 'noindex, nofollow')
      done()
    })
  },
  { name: 'security-headers' },
)
