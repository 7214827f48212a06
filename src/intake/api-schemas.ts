import { ApiError, StringEnum, Type, type Static } from '../http/schema.js'
import { CONSENT_KINDS, MAX_DETAILS, MAX_EMAIL, MAX_NAME, MAX_VALUE, ON_BEHALF_KINDS, RELATIONSHIPS, REQUEST_TYPES } from './request-types.js'

/**
 * The public intake's JSON (POST /api/v1/requests, /verify, /verify/discard). The optional fields
 * take null as a JSON Schema list of types (`["string", "null"]`), not an anyOf, so Ajv names one
 * problem per field and the `fields` messages stay as they have always been ("string | null").
 * Lengths are generous: the service's own checks give the precise messages.
 */
const text = (maxLength: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength })
const choice = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null] })

const OnBehalfOf = Type.Object(
  {
    kind: StringEnum(ON_BEHALF_KINDS),
    subjectName: Type.String({ maxLength: MAX_NAME * 2 }),
    subjectEmail: Type.Optional(text(MAX_EMAIL + 50)),
  },
  { additionalProperties: false },
)

export const RequestBody = Type.Object(
  {
    type: StringEnum(REQUEST_TYPES),
    email: Type.String({ maxLength: MAX_EMAIL + 50 }),
    name: Type.Optional(text(MAX_NAME * 2)),
    relationship: Type.Optional(choice(RELATIONSHIPS)),
    consent: Type.Optional(choice(CONSENT_KINDS)),
    details: Type.Optional(text(MAX_DETAILS * 2)),
    incorrect: Type.Optional(text(MAX_VALUE * 2)),
    correct: Type.Optional(text(MAX_VALUE * 2)),
    lang: Type.Optional(StringEnum(['sv', 'en'])),
    /** Questions: consent to keep the details after the answer. */
    keep: Type.Optional(Type.Boolean({ description: 'Questions only: keep the details after the answer.' })),
    /** Issue 15 §5: made for someone else; the requester (email, name) is the representative. */
    onBehalfOf: Type.Optional(
      Type.Unsafe<Static<typeof OnBehalfOf> | null>({ ...OnBehalfOf, type: ['object', 'null'], description: 'Made for someone else: the requester is their representative.' }),
    ),
  },
  { additionalProperties: false },
)

export const VerifyBody = Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false })

export const Submitted = Type.Object({ status: StringEnum(['pending_verification']) }, { description: 'A confirmation link was emailed to the address' })
export const Confirmed = Type.Object({ reference: Type.String(), statusUrl: Type.String({ description: 'The requester’s page for the case' }) }, { description: 'The case is open' })

/** What a public intake route may refuse: bad input (400), an unknown (404) or spent (410) link, a body that is not JSON (415). */
export const IntakeErrors = { 400: ApiError, 404: ApiError, 410: ApiError, 413: ApiError, 415: ApiError } as const
export const Discarded = Type.Null({ description: 'The submission was deleted; its link now answers 410 token_used' })
