import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import { deferredCompilers } from './http/deferred-compilers.js'

const TOKEN_PARENTS = new Set(['verify', 'status', 'u', 'download', 'setup', 'package', 'packages'])

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * Strips what could identify a person from a logged URL: tokens in paths and every query string.
 * Segments are compared as the router sees them (decoded, so /%73tatus/… is /status/…), and the
 * segment after a token parent is replaced whole, whatever it decodes to.
 */
export function redactUrl(url: string): string {
  const segments = url.split('?')[0].split('/')
  for (let i = 1; i < segments.length - 1; i++) {
    if (TOKEN_PARENTS.has(decodeSegment(segments[i]))) segments[++i] = '[token]'
  }
  const path = segments.join('/')
  return url.includes('?') ? path + '?[redacted]' : path
}

const MAX_PATH = 8000

/**
 * A path the router cannot decode (a broken %-escape) or an absurdly long one would otherwise get
 * Fastify's bare JSON error, which echoes the path and skips every hook (no CSP, no page).
 * Such requests are routed to a path that does not exist, so they get the usual 404 page or JSON.
 */
export function rewriteUnroutable(url: string): string {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  let ok = path.length <= MAX_PATH
  if (ok && path.includes('%')) {
    try {
      decodeURIComponent(path)
    } catch {
      ok = false
    }
  }
  if (ok) return url
  return path.startsWith('/api/') ? '/api/not-found' : '/not-found'
}

export function fastifyOptions(config: Config): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      // Bodies, headers and addresses are never logged: they are where personal data lives.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy === false ? false : config.trustProxy,
    // Longer than any path that reaches the router (rewriteUnroutable), so the router never answers by itself.
    routerOptions: { maxParamLength: MAX_PATH + 1 },
    rewriteUrl: (req) => rewriteUnroutable(req.url ?? '/'),
    return503OnClosing: true,
    schemaController: deferredCompilers(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }
}
