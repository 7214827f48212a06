import type { FastifyServerOptions } from 'fastify'
import { createRequire } from 'node:module'

type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string }
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown }
type Serialize = (data: unknown) => string
type Factory<F> = (externalSchemas: unknown, options: unknown) => (route: RouteSchema) => F

// Fastify's own compilers (Ajv and fast-json-stringify), the very copies Fastify depends on,
// loaded only when a route is first used.
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'))
const ajvFactory = (() => {
  let factory: Factory<Validate> | undefined
  return (): Factory<Validate> => (factory ??= (fastifyRequire('@fastify/ajv-compiler') as () => Factory<Validate>)())
})()
const serializerFactory = (() => {
  let factory: Factory<Serialize> | undefined
  return (): Factory<Serialize> => (factory ??= (fastifyRequire('@fastify/fast-json-stringify-compiler') as () => Factory<Serialize>)())
})()

/** Compilations not yet run; `compileDeferred` runs them (tests prove every route's schemas compile). */
const pending = new Set<() => unknown>()
export function compileDeferred(): number {
  const all = [...pending]
  for (const compile of all) compile()
  return all.length
}
export function deferredCount(): number {
  return pending.size
}

function once<F>(build: () => F): () => F {
  let built: F | undefined
  const compile = () => {
    if (built === undefined) {
      built = build()
      pending.delete(compile)
    }
    return built
  }
  pending.add(compile)
  return compile
}

/**
 * Header names arrive lower-cased; Fastify lower-cases a headers schema's names for its own
 * compiler but leaves a custom compiler's schema alone, so this one does it.
 */
function lowerCaseHeaders(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema
  const s = schema as { properties?: Record<string, unknown>; required?: unknown }
  const out: Record<string, unknown> = { ...s }
  if (s.properties && typeof s.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k.toLowerCase(), v]))
  }
  if (Array.isArray(s.required)) out.required = s.required.map((name) => (typeof name === 'string' ? name.toLowerCase() : name))
  return out
}

/**
 * Fastify compiles every route's schemas while the server starts: with a schema on every route,
 * start-up would grow with the number of routes. These compilers are Fastify's own (same Ajv
 * options, same shared schemas, same error objects), but each schema is compiled on the first
 * request that needs it, so start-up does not depend on how many routes have schemas.
 */
export function deferredCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  return {
    compilersFactory: {
      buildValidator(externalSchemas: unknown, options: unknown) {
        return (route: RouteSchema) => {
          const def = route.httpPart === 'headers' ? { ...route, schema: lowerCaseHeaders(route.schema) } : route
          const compile = once(() => ajvFactory()(externalSchemas, options)(def))
          const validate: Validate = (data, context) => compile()(data, context)
          // Fastify reads the errors of the last call from the function it was given, and passes
          // the request as the parent (so Ajv may change a root value) only when it sees schemaEnv.
          Object.defineProperty(validate, 'errors', { get: () => compile().errors })
          validate.schemaEnv = true
          return validate
        }
      },
      buildSerializer(externalSchemas: unknown, options: unknown) {
        return (route: RouteSchema) => {
          const compile = once(() => serializerFactory()(externalSchemas, options)(route))
          return (data: unknown) => compile()(data)
        }
      },
    },
  } as unknown as NonNullable<FastifyServerOptions['schemaController']>
}
