import type { FastifyInstance } from 'fastify'
import { accountRoutes } from './account-routes.js'
import { adminRoutes } from './admin-routes.js'
import { loginRoutes } from './login-routes.js'
import { setupRoutes } from './setup-routes.js'

/** Every /staff page of this folder (GET /api/v1/me is in api-routes.ts, in the API scope). */
export async function staffRoutes(app: FastifyInstance) {
  await app.register(loginRoutes)
  await app.register(setupRoutes)
  await app.register(accountRoutes)
  await app.register(adminRoutes)
}
