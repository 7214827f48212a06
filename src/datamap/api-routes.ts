import type { FastifyInstance } from 'fastify'
import { ApiErrors, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { staffActor } from '../staff/actor.js'
import { CategoryList, ConnectionTest, KeyParams, type ConnectionTester, PurposeBody, PurposeList, PurposeOut, SystemCreateBody, SystemList, SystemOut, SystemUpdateBody, WriteErrors } from './api-schemas.js'
import type { Purpose, System } from './model.js'
import { mapFail } from './errors.js'
import { systemView, type DataMap } from './service.js'

const IdParams = Type.Object({ id: Type.String() })

/**
 * GET /api/v1/purposes, PUT /api/v1/purposes/:id, GET/POST /api/v1/systems,
 * PUT/DELETE /api/v1/systems/:key, POST /api/v1/systems/:key/test, GET /api/v1/recipient-categories. Reading: viewers; changing: admins.
 */
export function dataMapApiRoutes(deps: { map: DataMap; testConnection: ConnectionTester }) {
  const { map, testConnection } = deps
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>()
    const viewer = { preValidation: app.requireStaff('viewer') }
    const adminOnly = { preValidation: app.requireStaff('admin') }

    const servedBy = (systems: System[]) => (p: Purpose) => ({ ...p, systems: systems.filter((s) => s.purposes.includes(p.id)).map((s) => s.key) })
    async function purposeOut(p: Purpose) {
      return servedBy(await map.systems())(p)
    }

    r.get('/purposes', { ...viewer, schema: { response: { 200: PurposeList, ...ApiErrors } } }, async () => {
      const systems = await map.systems()
      return { items: (await map.purposes()).map(servedBy(systems)) }
    })

    r.put('/purposes/:id', { ...adminOnly, schema: { params: IdParams, body: PurposeBody, response: { 200: PurposeOut, ...ApiErrors } } }, async (request) => {
      const { id: _id, systems: _s, updatedAt: _u, ...input } = request.body
      return purposeOut(await map.updatePurpose(staffActor(request.staff!.id), request.params.id, input))
    })

    r.get('/systems', { ...viewer, schema: { response: { 200: SystemList, ...ApiErrors } } }, async () => ({ items: (await map.systems()).map(systemView) }))

    r.post('/systems', { ...adminOnly, schema: { body: SystemCreateBody, response: { 201: SystemOut, ...WriteErrors } } }, async (request, reply) => {
      const { createdAt: _c, updatedAt: _u, ...input } = request.body
      return reply.code(201).send(systemView(await map.createSystem(staffActor(request.staff!.id), input)))
    })

    r.put('/systems/:key', { ...adminOnly, schema: { params: KeyParams, body: SystemUpdateBody, response: { 200: SystemOut, ...WriteErrors } } }, async (request) => {
      const { createdAt: _c, updatedAt: _u, ...input } = request.body
      return systemView(await map.updateSystem(staffActor(request.staff!.id), request.params.key, input))
    })

    r.delete('/systems/:key', { ...adminOnly, schema: { params: KeyParams, response: { 204: Type.Null(), ...WriteErrors } } }, async (request, reply) => {
      await map.deleteSystem(staffActor(request.staff!.id), request.params.key)
      return reply.code(204).send(null)
    })

    r.post('/systems/:key/test', { ...adminOnly, schema: { params: KeyParams, response: { 200: ConnectionTest, ...WriteErrors } } }, async (request) => {
      const system = await map.system(request.params.key)
      const result = await testConnection(system.key)
      if (!result) throw mapFail('not_connected')
      return result
    })

    r.get('/recipient-categories', { ...viewer, schema: { response: { 200: CategoryList, ...ApiErrors } } }, async () => ({ items: await map.categories() }))
  }
}
