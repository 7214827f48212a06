import { ApiError, ApiErrors, Nullable, StringEnum, Type, type Static } from '../http/schema.js'
import { ERASURE_STRATEGIES, RELATIONSHIPS, ROLES, SYSTEM_KINDS } from './model.js'
import { LIMITS } from './validate.js'

/**
 * The data map's API bodies and answers. Every text people read is bilingual, `{sv, en}`, both
 * required; lists of texts are lists of such pairs. Answers can be sent back as they came: the
 * fields the server keeps (`id`, `systems`, `createdAt`, `updatedAt`) are taken and ignored.
 */
const TextOf = (max: number, description?: string) =>
  Type.Object({ sv: Type.String({ maxLength: max }), en: Type.String({ maxLength: max }) }, { additionalProperties: false, description: description ?? 'The text in Swedish and in English.' })
const Texts = (max: number, description: string) => Type.Array(TextOf(max), { maxItems: LIMITS.rows, description })
const Keys = (description: string) => Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200, description })
const Stamp = Type.String({ description: 'ISO 8601, UTC.' })

const LegalBasis = Type.Object(
  {
    article: Nullable(Type.String({ maxLength: LIMITS.article, description: 'As the data writes it: "Art. 6(1)(f)"; several separated by ", ".' })),
    text: TextOf(LIMITS.text),
  },
  { additionalProperties: false, description: 'A decided legal basis; article null where no article is ours (processing on a client\'s behalf).' },
)

const purposeFields = {
  title: TextOf(LIMITS.title),
  description: TextOf(LIMITS.text),
  legalBasis: Nullable(LegalBasis),
  dataCategories: Texts(LIMITS.item, 'Categories of personal data, at least one.'),
  dataSubjects: TextOf(LIMITS.item),
  retention: TextOf(LIMITS.text),
  source: TextOf(LIMITS.item),
  relationships: Type.Array(StringEnum(RELATIONSHIPS), { maxItems: 20, description: 'The relationships (as chosen in the request form) the purpose applies to.' }),
  role: StringEnum(ROLES),
  sensitive: Type.Boolean({ description: 'Special categories of data (Art. 9).' }),
  recipientCategories: Keys('Keys of recipient categories (GET /api/v1/recipient-categories).'),
  note: Nullable(TextOf(LIMITS.text, 'For staff only: never shown to the public.')),
}

export const PurposeOut = Type.Object({
  id: Type.String(),
  ...purposeFields,
  legalBasis: Type.Union([LegalBasis, Type.Null()], { description: 'null: undecided (the public page shows no basis; `dsr-portal doctor` lists it).' }),
  systems: Type.Array(Type.String(), { description: 'Keys of the systems that serve the purpose.' }),
  updatedAt: Stamp,
})
export const PurposeList = Type.Object({ items: Type.Array(PurposeOut) })

/** PUT /api/v1/purposes/:id: any of the fields; one left out keeps its value. */
export const PurposeBody = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    title: Type.Optional(purposeFields.title),
    description: Type.Optional(purposeFields.description),
    legalBasis: Type.Optional(purposeFields.legalBasis),
    dataCategories: Type.Optional(purposeFields.dataCategories),
    dataSubjects: Type.Optional(purposeFields.dataSubjects),
    retention: Type.Optional(purposeFields.retention),
    source: Type.Optional(purposeFields.source),
    relationships: Type.Optional(purposeFields.relationships),
    role: Type.Optional(purposeFields.role),
    sensitive: Type.Optional(purposeFields.sensitive),
    recipientCategories: Type.Optional(purposeFields.recipientCategories),
    note: Type.Optional(purposeFields.note),
    systems: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
    updatedAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
)

const Recipient = Type.Object(
  { name: TextOf(LIMITS.title), description: TextOf(LIMITS.item, 'Both languages, or both empty.') },
  { additionalProperties: false, description: 'An actual recipient, by name.' },
)
const Transfer = Type.Object(
  { country: Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2, outside the EU/EEA: "US".' }), safeguard: TextOf(LIMITS.item, 'E.g. the EU–US Data Privacy Framework, standard contractual clauses.') },
  { additionalProperties: false, description: 'A transfer outside the EU/EEA (Art. 15(2)).' },
)

const systemFields = {
  name: TextOf(LIMITS.title),
  kind: StringEnum(SYSTEM_KINDS, { description: "'register': one of the portal's own registers (never created or deleted by hand); 'other': a system with nothing to connect; 'sql', 'webhook', 'email', 'manual': reached by the portal's fulfilment tasks, with a `config`." }),
  ownerTeam: Nullable(Type.String({ maxLength: 64, description: "The owner team's key (GET /api/v1/teams)." })),
  purposes: Keys('Ids of the purposes the system serves.'),
  dataCategories: Texts(LIMITS.item, 'Categories of personal data held in the system.'),
  recipients: Type.Array(Recipient, { maxItems: LIMITS.rows }),
  transfers: Type.Array(Transfer, { maxItems: LIMITS.rows }),
}
const Key = Type.String({ maxLength: 64, description: 'a–z and 0–9, words joined by _ or -; fixed once made.' })

const Columns = Type.Array(Type.String(), { description: 'Column names.' })
const SqlTableOut = Type.Object({
  table: Type.String(),
  emailColumn: Type.String(),
  access: Columns,
  erasure: Type.Object({ strategy: StringEnum(ERASURE_STRATEGIES), columns: Type.Optional(Columns) }),
  rectify: Type.Optional(Columns),
  restrict: Type.Optional(Type.Object({ column: Type.String(), value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]) })),
})
const ConfigOut = Type.Union(
  [
    Type.Object({ url: Type.String({ description: 'postgres://… without its password, or a SQLite path under DATA_DIR.' }), passwordSet: Type.Boolean(), tables: Type.Array(SqlTableOut) }),
    Type.Object({ url: Type.String(), secretSet: Type.Boolean({ description: 'The signing secret is never returned.' }) }),
    Type.Object({ to: Type.String() }),
    Type.Object({ instructions: Type.String() }),
    Type.Null(),
  ],
  { description: 'The connection (sql, webhook, email, manual); null for register and other. Secrets are never returned.' },
)
/**
 * In: sql `{url, tables: [{table, emailColumn, access, erasure: {strategy, columns?}, rectify?, restrict?: {column, value}}]}`,
 * webhook `{url, secret}`, email `{to}`, manual `{instructions}`; checked field by field (`config.tables.0.access.1`).
 * A secret (a URL's password, the webhook secret) left out keeps the stored one.
 */
const ConfigIn = Nullable(
  Type.Object({}, { additionalProperties: true, description: 'sql {url, tables}, webhook {url, secret}, email {to}, manual {instructions}. A password or secret left out keeps the stored one.' }),
)

export const SystemOut = Type.Object({ key: Type.String(), ...systemFields, config: ConfigOut, createdAt: Stamp, updatedAt: Stamp })
export const SystemList = Type.Object({ items: Type.Array(SystemOut) })

const optionalSystemFields = {
  kind: Type.Optional(systemFields.kind),
  ownerTeam: Type.Optional(systemFields.ownerTeam),
  purposes: Type.Optional(systemFields.purposes),
  dataCategories: Type.Optional(systemFields.dataCategories),
  recipients: Type.Optional(systemFields.recipients),
  transfers: Type.Optional(systemFields.transfers),
  config: Type.Optional(ConfigIn),
  createdAt: Type.Optional(Type.String({ maxLength: 40 })),
  updatedAt: Type.Optional(Type.String({ maxLength: 40 })),
}

/** POST /api/v1/systems: a key and a name at least. */
export const SystemCreateBody = Type.Object({ key: Key, name: systemFields.name, ...optionalSystemFields }, { additionalProperties: false })
/** PUT /api/v1/systems/:key: any of the fields; one left out keeps its value. */
export const SystemUpdateBody = Type.Object({ key: Type.Optional(Key), name: Type.Optional(systemFields.name), ...optionalSystemFields }, { additionalProperties: false })

export const CategoryList = Type.Object({
  items: Type.Array(Type.Object({ key: Type.String(), name: TextOf(LIMITS.title), description: TextOf(LIMITS.text), general: Type.Boolean({ description: 'Named without a purpose: may receive data from any purpose.' }), note: Nullable(TextOf(LIMITS.text)) })),
})

export const KeyParams = Type.Object({ key: Type.String() })

/** POST /api/v1/systems/:key/test: each check a table (sql) or the endpoint (webhook). */
export const ConnectionTest = Type.Object({
  ok: Type.Boolean({ description: 'Every check passed.' }),
  checks: Type.Array(Type.Object({ table: Type.String({ description: 'The table, the endpoint\'s host, or empty when the system could not be reached.' }), ok: Type.Boolean(), message: Type.String() })),
})

/** What "Test connection" runs: given by the app (src/connectors), null for a system with nothing to connect to. */
export type ConnectionTester = (key: string) => Promise<Static<typeof ConnectionTest> | null>

/** The errors a change may answer: the signed-in ones and 409 (a key taken, a register kept). */
export const WriteErrors = { ...ApiErrors, 409: ApiError } as const

export type PurposeBody = Static<typeof PurposeBody>
export type SystemCreateBody = Static<typeof SystemCreateBody>
export type SystemUpdateBody = Static<typeof SystemUpdateBody>
