import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Engine } from '../views/engine.js'
import { reportRenderer } from './report.js'
import { AccessPackageService } from './service.js'

declare module 'fastify' {
  interface FastifyInstance {
    accessPackages: AccessPackageService
  }
}

/** Access and portability packages: the service, visible to every scope. */
export default fp(
  async function accessPackages(app: FastifyInstance, opts: { engine: Engine; now: () => Date }) {
    const service = new AccessPackageService({
      db: app.db,
      config: app.config,
      now: opts.now,
      cases: app.cases,
      renderEmail: app.renderEmail,
      renderReport: reportRenderer(opts.engine),
      mailQueued: () => app.outbox.wake(),
    })
    app.decorate('accessPackages', service)
  },
  { name: 'access-packages' },
)

/** A scope's package routes, with multipart parsing that exists only inside them. */
export function withUploads(routes: (app: FastifyInstance) => Promise<void>) {
  return async function uploads(scope: FastifyInstance) {
    await scope.register(multipart, {
      // Over the limit the stream is cut short and flagged; the service then refuses the file with a clear message.
      throwFileSizeLimit: false,
      limits: { fileSize: scope.config.packageUploadMaxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12, headerPairs: 50 },
    })
    await scope.register(routes)
  }
}
