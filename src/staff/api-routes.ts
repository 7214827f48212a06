import type { FastifyInstance } from 'fastify'

/** GET /api/v1/me: the member a bearer token acts for; a smoke test for integrations. */
export async function staffApiRoutes(app: FastifyInstance) {
  app.get('/me', { preValidation: app.requireStaff('viewer') }, async (request, reply) => {
    const s = request.staff!
    return reply.header('Cache-Control', 'no-store').send({ id: s.id, email: s.email, name: s.name, role: s.role })
  })
}
