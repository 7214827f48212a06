export const REQUEST_TYPES = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'portability',
  'objection',
  'withdraw_consent',
  'unsubscribe',
  // A general question about how the company handles personal data (not a right under the GDPR).
  'question',
] as const
export type RequestType = (typeof REQUEST_TYPES)[number]

export const RELATIONSHIPS = ['candidate', 'newsletter', 'customer_contact', 'supplier', 'event_participant', 'employee', 'other'] as const
export type Relationship = (typeof RELATIONSHIPS)[number]

/** Who asks for someone else (issue 15 §5): a child's guardian, a holder of a power of attorney, another representative. */
export const ON_BEHALF_KINDS = ['guardian', 'power_of_attorney', 'representative'] as const
export type OnBehalfKind = (typeof ON_BEHALF_KINDS)[number]

export const CONSENT_KINDS = ['recruitment', 'newsletter', 'other'] as const
export type ConsentKind = (typeof CONSENT_KINDS)[number]

export const CHANNELS = ['web', 'api', 'email', 'phone', 'letter', 'in_person'] as const
export type Channel = (typeof CHANNELS)[number]

export const MAX_DETAILS = 5000
export const MAX_NAME = 200
export const MAX_EMAIL = 254
export const MAX_VALUE = 2000

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (REQUEST_TYPES as readonly string[]).includes(value)
}
