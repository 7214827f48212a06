import type { FastifyInstance } from 'fastify'
import { ApiError, ApiErrors, IdParams, Nullable, StringEnum, Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { MAX_EMAIL, MAX_NAME } from '../intake/request-types.js'
import { staffActor } from '../staff/actor.js'
import { subscribe, subscriberById } from './subscribers-service.js'
import { actOnRecord, type RecordActionForm } from './record-actions.js'
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
  restrictedAt: Nullable(Type.String({ description: 'Set while processing is restricted (GDPR Art. 18): send nothing to the address until it is null again.' })),
  unsubscribeUrl: Type.String({ description: 'The one-click link (RFC 8058); derived from the address, never stored.' }),
  listUnsubscribe: Type.Object({ 'List-Unsubscribe': Type.String(), 'List-Unsubscribe-Post': Type.String() }, { description: 'The mail headers to send with each newsletter.' }),
})

const RectifyBody = Type.Object(
  {
    field: StringEnum(['email', 'name', 'phone']),
    value: Type.String({ maxLength: 400 }),
  },
  { additionalProperties: false },
)
const LiftBody = Type.Object(
  { personTold: Type.Boolean({ description: 'GDPR Art. 18(3): the person has been told, before the restriction is lifted. Must be true.' }) },
  { additionalProperties: false },
)

// The service checks these (invalid_query names every bad one), so they are only typed here.
const SuppressionQuery = Type.Object({
  since: Type.Optional(Type.String({ description: 'ISO-8601 date or timestamp; suppressions at or after it.' })),
  limit: Type.Optional(Type.String({ description: 'Page size, 1 to 10000 (default 1000).' })),
  cursor: Type.Optional(Type.String({ description: 'The nextCursor of the previous page.' })),
})

const Suppressions = Type.Object({
  hashed: Type.Literal(true, { description: 'Items carry a keyed hash of the address, never the address.' }),
  keyId: Type.String({ description: 'First 8 hex digits of SHA-256(SUPPRESSION_KEY): which key the hashes were made with.' }),
  items: Type.Array(
    Type.Object({
      hash: Type.String({ description: 'HMAC-SHA256 (hex) of the normalised address under SUPPRESSION_KEY.' }),
      reason: Type.String({ description: "Why; 'restricted' while processing is restricted (Art. 18) — that entry goes when the restriction is lifted." }),
      suppressedAt: Type.String(),
    }),
  ),
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

  /** Rectify, erase, restrict and lift, as on the register pages (src/registers/record-actions.ts), by a handler's token. */
  const act = async (id: string, staffId: number, form: RecordActionForm) => {
    await actOnRecord(app.db, app.config, { ...form, register: 'subscribers', id }, null, staffId, app.clock())
  }
  const withSubscriber = (id: string) => subscriberById(app.db, app.config, id)
  const actResponse = { 200: Subscriber, 409: ApiError, ...ApiErrors }

  r.patch('/subscribers/:id', { ...handler, schema: { params: IdParams, body: RectifyBody, response: actResponse } }, async (request, reply) => {
    await act(request.params.id, request.staff!.id, { action: 'rectify', field: request.body.field, value: request.body.value })
    return reply.header('Cache-Control', 'no-store').send(await withSubscriber(request.params.id))
  })

  r.delete('/subscribers/:id', { ...handler, schema: { params: IdParams, response: { 204: Type.Null(), 409: ApiError, ...ApiErrors } } }, async (request, reply) => {
    await act(request.params.id, request.staff!.id, { action: 'erase', confirm: 'on' })
    return reply.code(204).send(null)
  })

  r.post('/subscribers/:id/restriction', { ...handler, schema: { params: IdParams, response: actResponse } }, async (request, reply) => {
    await act(request.params.id, request.staff!.id, { action: 'restrict' })
    return reply.header('Cache-Control', 'no-store').send(await withSubscriber(request.params.id))
  })

  r.post('/subscribers/:id/restriction/lift', { ...handler, schema: { params: IdParams, body: LiftBody, response: actResponse } }, async (request, reply) => {
    await act(request.params.id, request.staff!.id, { action: 'lift', told: request.body.personTold ? 'on' : '' })
    return reply.header('Cache-Control', 'no-store').send(await withSubscriber(request.params.id))
  })

  r.get('/suppressions', { ...viewer, schema: { querystring: SuppressionQuery, response: { 200: Suppressions, ...ApiErrors } } }, async (request, reply) => {
    return reply.header('Cache-Control', 'no-store').send(await suppressionPage(app.db, app.config.suppressionKey, request.query))
  })
}
