import type { FastifyInstance } from 'fastify'

export async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', async (_request, reply) => {
    const ok = await app.dbHealthy()
    reply.header('Cache-Control', 'no-store')
    return ok ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'unavailable' })
  })
}
