import type { FastifyInstance } from 'fastify'
import { ApiErrors, StringEnum, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { ROLES } from './roles.js'

const Me = Type.Object({ id: Type.Integer(), email: Type.String(), name: Type.String(), role: StringEnum(ROLES) }, { description: 'The staff member the token acts for' })

/** GET /api/v1/me: the member a bearer token acts for; a smoke test for integrations. */
export async function staffApiRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/me', { preValidation: app.requireStaff('viewer'), schema: { response: { 200: Me, ...ApiErrors } } }, async (request, reply) => {
    const s = request.staff!
    return reply.header('Cache-Control', 'no-store').send({ id: s.id, email: s.email, name: s.name, role: s.role })
  })
}
