import { Type } from '../http/schema.js'

/**
 * A form's body: the fields it names, each text (or several, when a browser sends a name twice,
 * as the assign form's select and button do). Other names pass (`_csrf`, `lang`); what a field
 * must hold is the service's to say, in words the page shows next to it.
 */
export function formBody(fields: readonly string[]) {
  const value = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())]))
  return Type.Object(Object.fromEntries(fields.map((f) => [f, value])))
}

/** A query string's flag (`?done=1`); repeated, it is a list. */
export const QueryFlag = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())]))
