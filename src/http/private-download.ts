import { createReadStream } from 'node:fs'
import type { FastifyReply } from 'fastify'

/** A stored file (a CV, a proof of authority) sent to staff: always a download, never cached or sniffed. */
export function sendPrivateFile(reply: FastifyReply, path: string, file: { contentType: string | null; name: string | null; fallbackName: string }): FastifyReply {
  return reply
    .header('Cache-Control', 'no-store')
    .header('Content-Type', file.contentType ?? 'application/octet-stream')
    .header('Content-Disposition', `attachment; filename="${encodeURIComponent(file.name ?? file.fallbackName)}"`)
    .header('X-Content-Type-Options', 'nosniff')
    .send(createReadStream(path))
}
