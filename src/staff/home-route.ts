import type { FastifyInstance } from 'fastify'
import { t } from '../i18n/index.js'

/**
 * A stand-in for GET /staff until the case queue registers that route (it is only added when
 * no other plugin has). It shows who is signed in; any role may see it.
 */
export async function staffHomeRoute(app: FastifyInstance) {
  if (app.hasRoute({ method: 'GET', url: '/staff' })) return
  app.get('/staff', { preHandler: app.requireStaff('viewer') }, async (request, reply) => {
    const lang = request.lang
    return reply.staffPage('staff/home', {}, { title: t(lang, 'staff.home.title') })
  })
}
