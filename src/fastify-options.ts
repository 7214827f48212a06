import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'

/** Strips what could identify a person from a logged URL: tokens in paths and every query string. */
export function redactUrl(url: string): string {
  const path = url.split('?')[0].replace(/\/(verify|status|u|download)\/[^/]+/g, '/$1/[token]')
  return url.includes('?') ? path + '?[redacted]' : path
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
    // Tokens are 43 characters; long enough for every path we serve.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }
}
