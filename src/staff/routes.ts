import type { FastifyInstance } from 'fastify'
import { accountRoutes } from './account-routes.js'
import { adminRoutes } from './admin-routes.js'
import { staffApiRoutes } from './api-routes.js'
import { loginRoutes } from './login-routes.js'
import { setupRoutes } from './setup-routes.js'

/** Every staff route of this folder except the /staff stand-in (home-route.ts, registered last). */
export async function staffRoutes(app: FastifyInstance) {
  await app.register(loginRoutes)
  await app.register(setupRoutes)
  await app.register(accountRoutes)
  await app.register(adminRoutes)
  await app.register(staffApiRoutes)
}
