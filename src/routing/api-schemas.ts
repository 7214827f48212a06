import { ApiError, ApiErrors, StringEnum, Type, type Static, type TSchema } from '../http/schema.js'
import { CHANNELS, CONSENT_KINDS, MAX_DETAILS, RELATIONSHIPS, REQUEST_TYPES } from '../intake/request-types.js'
import { RULE_ACTIONS } from './rules.js'

/**
 * A string or null as one JSON Schema `type` list (not TypeBox's anyOf), so a wrong value gets
 * the API's one field message "string | null", as it always has.
 */
function NullableString(opts: { maxLength?: number; enum?: readonly string[] } = {}) {
  const { enum: values, ...rest } = opts
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...rest, ...(values ? { enum: [...values, null] } : {}) })
}

const List = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })
const Conditions = Type.Object(
  { types: Type.Optional(List), relationships: Type.Optional(List), consents: Type.Optional(List), channels: Type.Optional(List), words: Type.Optional(List) },
  { additionalProperties: false, description: 'All given conditions must hold; within one, any listed value. A missing condition matches anything.' },
)

export const RuleBody = Type.Object(
  {
    // id and position are taken (a rule read back can be sent again) and ignored: the URL and the list's order decide.
    id: Type.Optional(Type.Integer()),
    position: Type.Optional(Type.Integer()),
    name: Type.String({ maxLength: 400 }),
    enabled: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(Conditions),
    action: StringEnum(RULE_ACTIONS),
    team: Type.Optional(NullableString({ maxLength: 64 })),
    assignee: Type.Optional(NullableString({ maxLength: 320 })),
  },
  { additionalProperties: false },
)
export type RuleBody = Static<typeof RuleBody>

export const RuleList = Type.Union([
  Type.Array(RuleBody, { maxItems: 200 }),
  Type.Object({ rules: Type.Array(RuleBody, { maxItems: 200 }) }, { additionalProperties: false }),
])
export type RuleList = Static<typeof RuleList>

export const TeamBody = Type.Object(
  {
    name: Type.String({ maxLength: 400 }),
    key: Type.Optional(NullableString({ maxLength: 64 })),
    members: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 500, description: 'Staff email addresses.' })),
    default: Type.Optional(Type.Boolean()),
    escalation: Type.Optional(Type.Boolean()),
    escalatesTo: Type.Optional(NullableString({ maxLength: 64 })),
  },
  { additionalProperties: false },
)
export type TeamBody = Static<typeof TeamBody>

export const TestBody = Type.Object(
  {
    type: StringEnum(REQUEST_TYPES),
    relationship: Type.Optional(NullableString({ enum: RELATIONSHIPS })),
    consent: Type.Optional(NullableString({ enum: CONSENT_KINDS })),
    channel: Type.Optional(StringEnum(CHANNELS)),
    details: Type.Optional(NullableString({ maxLength: MAX_DETAILS })),
  },
  { additionalProperties: false },
)
export type TestBody = Static<typeof TestBody>

const NullableOut = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Warning = Type.Object({ code: Type.String(), message: Type.String() })

export const TeamOut = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  name: Type.String(),
  default: Type.Boolean(),
  escalation: Type.Boolean(),
  escalatesTo: NullableOut(Type.String({ description: 'The key of the team neglected cases escalate to; null: the escalation team.' })),
  members: Type.Array(Type.Object({ email: Type.String(), name: Type.String(), active: Type.Boolean() })),
  openCases: Type.Integer(),
  escalatedCases: Type.Integer(),
})

export const RuleOut = Type.Object({
  id: Type.Integer(),
  position: Type.Integer(),
  name: Type.String(),
  enabled: Type.Boolean(),
  conditions: Type.Object({
    types: Type.Optional(Type.Array(Type.String())),
    relationships: Type.Optional(Type.Array(Type.String())),
    consents: Type.Optional(Type.Array(Type.String())),
    channels: Type.Optional(Type.Array(Type.String())),
    words: Type.Optional(Type.Array(Type.String())),
  }),
  action: Type.String(),
  team: NullableOut(Type.String()),
  assignee: NullableOut(Type.String()),
})

export const TeamList = Type.Object({ items: Type.Array(TeamOut), warnings: Type.Array(Warning) })
export const RuleListOut = Type.Object({ items: Type.Array(RuleOut), warnings: Type.Optional(Type.Array(Warning)) })

export const TestOut = Type.Object({
  rule: NullableOut(Type.Object({ id: Type.Integer(), name: Type.String() })),
  team: NullableOut(Type.Object({ key: Type.String(), name: Type.String() })),
  assignee: NullableOut(Type.Object({ email: Type.String(), name: Type.String() })),
  reason: Type.String(),
})

/** The errors a routing write may answer: the signed-in ones and 409 for a conflict with the set-up. */
export const WriteErrors = { ...ApiErrors, 409: ApiError } as const
