import { IdParams, Type } from '../http/schema.js'

/**
 * The routing pages' forms and queries. Browsers send strings, and ticked boxes of one name as a
 * list; every field is optional and the services say what is wrong with a value, on the form.
 */
const Text = Type.Optional(Type.String())
const Ticked = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())]))

export { IdParams }
export const SavedQuery = Type.Object({ saved: Text })
export const RanQuery = Type.Object({ ran: Text })

export const RuleForm = Type.Object({
  name: Text,
  enabled: Text,
  words: Text,
  action: Text,
  team: Text,
  assignee: Text,
  types: Ticked,
  relationships: Ticked,
  consents: Ticked,
  channels: Ticked,
})

export const MoveForm = Type.Object({ direction: Text })
export const EmptyForm = Type.Object({})

export const TeamForm = Type.Object({ name: Text, members: Ticked, isDefault: Text, isEscalation: Text, escalatesTo: Text })

export const TestQuery = Type.Object({ type: Text, relationship: Text, consent: Text, channel: Text, details: Text })
