/**
 * The pieces route schemas are built from (TypeBox, through @fastify/type-provider-typebox), so
 * a handler's input is typed by its schema and the OpenAPI document (src/http/openapi.ts) comes
 * from the same objects. A route module takes its scope typed once:
 *
 *   const r = app.withTypeProvider<TypeBoxTypeProvider>()
 *   r.post('/cases/:id/notes', { schema: { params: IdParams, body: Note, response: { 201: NoteOut, ...ApiErrors } } }, …)
 */
import { Type, type Static, type TSchema, type TUnsafe } from 'typebox'

export { Type, type Static, type TSchema }
export type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'

/**
 * A string from a fixed list as a JSON Schema `enum` (TypeBox's Union would be an `anyOf` of
 * consts), so Ajv names the allowed values and the API's field message lists them.
 */
export function StringEnum<const T extends readonly string[]>(values: T, opts: { description?: string; default?: T[number] } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts })
}

/** A value that may be null (JSON Schema 3.1 style: a list of types). */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

/** `:id` in a path, as text: a loader answers 404 for one that is not a known number, as the API always has. */
export const IdParams = Type.Object({ id: Type.String() })

/** The API's error answer: {error, message, fields?} (src/http/errors.ts). */
export const ApiError = Type.Object(
  {
    error: Type.String({ description: 'A stable code, e.g. not_found, invalid_body, tasks_open.' }),
    message: Type.String({ description: "In the caller's language (Accept-Language, sv or en)." }),
    fields: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { description: 'An error' },
)

/** The error answers every signed-in API route may give, for a route's `response`. */
export const ApiErrors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError } as const
