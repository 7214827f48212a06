import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Engine } from '../views/engine.js'
import { packageApiRoutes } from './api-routes.js'
import { reportRenderer } from './report.js'
import { AccessPackageService } from './service.js'
import { packageStaffRoutes } from './staff-routes.js'
import { packageStatusRoutes } from './status-routes.js'

declare module 'fastify' {
  interface FastifyInstance {
    accessPackages: AccessPackageService
  }
}

/** Issue 6: access and portability packages. Multipart parsing exists only inside these routes. */
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
    await app.register(async (scope) => {
      await scope.register(multipart, {
        // Over the limit the stream is cut short and flagged; the service then refuses the file with a clear message.
        throwFileSizeLimit: false,
        limits: { fileSize: app.config.packageUploadMaxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12, headerPairs: 50 },
      })
      await scope.register(packageStaffRoutes(service))
      await scope.register(packageApiRoutes(service))
      await scope.register(packageStatusRoutes(service))
    })
  },
  { name: 'access-packages' },
)
