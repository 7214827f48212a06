import type { FastifyInstance } from 'fastify'
import { ApiError, ApiErrors, IdParams, Nullable, StringEnum, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { MAX_EMAIL, MAX_NAME } from '../intake/request-types.js'
import { staffActor } from '../staff/actor.js'
import { subscribe, subscriberById } from './subscribers-service.js'
import { suppressionPage } from './suppressions-service.js'

/** A string or null as one JSON type list (not anyOf), so a wrong type names both as it always has. */
const nullableString = (maxLength: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength })

// The limits are generous on purpose: the service checks the real ones and names each field's problem.
const SubscriberBody = Type.Object(
  {
    email: Type.String({ maxLength: MAX_EMAIL + 50 }),
    name: Type.Optional(nullableString(MAX_NAME * 2)),
    phone: Type.Optional(nullableString(64)),
    source: Type.Optional(nullableString(200)),
  },
  { additionalProperties: false },
)

const Subscriber = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  status: StringEnum(['subscribed', 'unsubscribed']),
  unsubscribeUrl: Type.String({ description: 'The one-click link (RFC 8058); derived from the address, never stored.' }),
  listUnsubscribe: Type.Object({ 'List-Unsubscribe': Type.String(), 'List-Unsubscribe-Post': Type.String() }, { description: 'The mail headers to send with each newsletter.' }),
})

// The service checks these (invalid_query names every bad one), so they are only typed here.
const SuppressionQuery = Type.Object({
  since: Type.Optional(Type.String({ description: 'ISO-8601 date or timestamp; suppressions at or after it.' })),
  limit: Type.Optional(Type.String({ description: 'Page size, 1 to 10000 (default 1000).' })),
  cursor: Type.Optional(Type.String({ description: 'The nextCursor of the previous page.' })),
})

const Suppressions = Type.Object({
  items: Type.Array(Type.Object({ email: Type.String({ description: 'Normalised address.' }), reason: Type.String(), suppressedAt: Type.String() })),
  nextCursor: Nullable(Type.String()),
})

/** /api/v1/subscribers and /api/v1/suppressions, for the company's mailing tool (bearer token). */
export async function registerApiRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const viewer = { preValidation: app.requireStaff('viewer') }
  const handler = { preValidation: app.requireStaff('handler') }

  r.post('/subscribers', { ...handler, schema: { body: SubscriberBody, response: { 200: Subscriber, 201: Subscriber, 409: ApiError, ...ApiErrors } } }, async (request, reply) => {
    const { created, subscriber } = await subscribe(app.db, app.config, request.body, staffActor(request.staff!.id), app.clock())
    return reply.code(created ? 201 : 200).header('Cache-Control', 'no-store').send(subscriber)
  })

  r.get('/subscribers/:id', { ...viewer, schema: { params: IdParams, response: { 200: Subscriber, ...ApiErrors } } }, async (request, reply) => {
    return reply.header('Cache-Control', 'no-store').send(await subscriberById(app.db, app.config, request.params.id))
  })

  r.get('/suppressions', { ...viewer, schema: { querystring: SuppressionQuery, response: { 200: Suppressions, ...ApiErrors } } }, async (request, reply) => {
    return reply.header('Cache-Control', 'no-store').send(await suppressionPage(app.db, request.query))
  })
}
