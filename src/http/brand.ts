import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { BrandLogo } from '../config.js'
import { sendMessagePage } from './errors.js'

/**
 * GET /brand/logo: BRAND_LOGO as read at start (src/config.ts), or the 404 page when none is set.
 * An SVG may hold script and styles of its own: opened by itself it gets a policy that runs no
 * script, loads nothing and sandboxes the document (in an <img> a browser runs no script anyway).
 */
export function brandRoutes(logo: BrandLogo | null) {
  const etag = logo ? `"${createHash('sha256').update(logo.bytes).digest('base64url').slice(0, 22)}"` : null
  return async function routes(app: FastifyInstance) {
    app.get('/brand/logo', async (request, reply) => {
      if (!logo) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
      reply.header('Content-Type', logo.type).header('Cache-Control', 'public, max-age=3600').header('ETag', etag)
      if (logo.type === 'image/svg+xml') reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.send(logo.bytes)
    })
  }
}
