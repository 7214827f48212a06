/**
 * The staff API's answers about cases as schemas (src/cases/case-json.ts builds them). Fastify
 * serialises an answer by its schema and drops what the schema does not name, so every field of
 * CaseJson is here; test/contract/api-contract.test.ts proves none is lost.
 */
import { Nullable, StringEnum, Type } from '../http/schema.js'
import { CASE_STATUSES } from './state-machine.js'

const Str = Type.String()
const NullStr = Nullable(Type.String())

export const PauseJsonSchema = Type.Object({
  reason: Type.String({ description: 'identity | specify_access | unspecified (from before reasons were required)' }),
  from: Str,
  to: NullStr,
  messageId: Nullable(Type.Integer()),
})

export const AddressChangeJsonSchema = Type.Object(
  { from: Str, to: Str, confirmedAt: NullStr, expiresAt: Str, state: Type.String({ description: 'pending | confirmed | declined | expired' }) },
  { description: 'A rectification changing the email address: confirmedAt is null until the new address confirms.' },
)

export const CaseJsonSchema = Type.Object(
  {
    id: Type.Integer(),
    reference: Type.String({ description: 'DSR-YYYY-NNNNNN' }),
    type: Str,
    status: StringEnum(CASE_STATUSES),
    email: Str,
    emailWarning: Nullable(Type.Literal('mixed_scripts', { description: 'The address mixes alphabets and may imitate another (src/intake/email-address.ts).' })),
    name: NullStr,
    relationship: NullStr,
    consent: NullStr,
    details: NullStr,
    incorrect: NullStr,
    correct: NullStr,
    channel: Str,
    lang: Str,
    receivedAt: Str,
    verifiedAt: NullStr,
    dueDate: Type.String({ description: 'YYYY-MM-DD, with pauses and an extension counted' }),
    strictDueDate: Type.String({ description: 'YYYY-MM-DD, without pauses' }),
    extended: Type.Boolean(),
    extensionReason: NullStr,
    pausedDays: Type.Integer(),
    daysLeft: Type.Integer(),
    deadlineState: Str,
    assignee: NullStr,
    assigneeName: NullStr,
    closedAt: NullStr,
    createdAt: Str,
    updatedAt: Str,
    team: Nullable(Type.String({ description: 'The key of the team whose queue holds the case.' })),
    teamName: NullStr,
    routedBy: Nullable(Type.Object({ ruleId: Nullable(Type.Integer()), rule: Str, reason: Str }, { description: 'Which routing rule put the case there and why (null for cases from before routing).' })),
    escalated: Type.Boolean(),
    escalatedAt: NullStr,
    escalationReason: NullStr,
    onBehalfOfClient: Type.Boolean(),
    controller: Nullable(Type.Object({ name: Str, email: NullStr })),
    keepData: Type.Boolean(),
    minimisedAt: NullStr,
    refusalReason: Nullable(Type.String({ description: 'The reason of a rejection or an Art. 12(5) refusal, as sent to the requester.' })),
    evidence: Type.Array(Type.Integer(), { description: 'Art. 12(5): the ids of the earlier cases a refusal relies on.' }),
    partialRefusal: Nullable(Type.Object({ reason: Str }, { description: 'Completed while part of the request was refused (Art. 12(4)).' })),
    late: Type.Boolean({ description: 'Answered (or refused) after the due date.' }),
    pauses: Type.Array(PauseJsonSchema, { description: 'The recorded stops of the clock (the wait before confirmation is not one: it is in pausedDays).' }),
    onBehalfOf: Nullable(
      Type.Object({
        kind: Str,
        subjectName: NullStr,
        subjectEmail: NullStr,
        proof: Nullable(Type.Object({ name: NullStr, contentType: NullStr })),
        authorityChecked: Type.Boolean(),
        authorityCheckedAt: NullStr,
      }, { description: 'Issue 15 §5: made by a representative (the requester: email, name) for the data subject named here.' }),
    ),
    addressChange: Nullable(AddressChangeJsonSchema),
  },
  { description: 'A case' },
)

export const CaseListSchema = Type.Object({
  items: Type.Array(CaseJsonSchema),
  nextCursor: NullStr,
  notice: Type.Optional(Type.Object({ code: Str, message: Str }, { description: 'Why the list may be empty, e.g. no_teams.' })),
})

export const DeadlineAnswerSchema = Type.Object({
  receivedAt: Str,
  months: Type.Integer(),
  dueDate: Str,
  skipped: Type.Array(Type.Object({ date: Str, reason: Type.String({ description: 'saturday | sunday | holiday' }), holiday: Type.Optional(Type.Object({ sv: Str, en: Str })) })),
  confirmedAt: Type.Optional(Str),
  pausedDays: Type.Optional(Type.Integer()),
  strictDueDate: Type.Optional(Str),
})
