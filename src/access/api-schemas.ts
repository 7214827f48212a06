import { ApiError, ApiErrors, Nullable, StringEnum, Type } from '../http/schema.js'

/** The JSON shapes of /api/v1/cases/:id/package… (src/access/api-routes.ts). */

const Withheld = Type.Object({ description: Type.String(), reason: Type.String() })

export const PackageOut = Type.Object(
  {
    caseId: Type.Integer(),
    status: StringEnum(['compiled', 'reviewed', 'sent', 'deleted']),
    lang: Type.String(),
    recordCount: Type.Integer(),
    compiledAt: Type.String(),
    reviewedAt: Nullable(Type.String()),
    sentAt: Nullable(Type.String()),
    deleteAfter: Nullable(Type.String({ description: 'When a sent package is deleted.' })),
    deletedAt: Nullable(Type.String()),
    downloads: Type.Integer(),
    coverLetter: Nullable(Type.String()),
    withheld: Nullable(Type.Array(Withheld, { description: 'What is left out of the copy and why (Art. 15(4)); null once deleted.' })),
    contents: Nullable(
      Type.Object({
        newsletter: Type.Integer(),
        candidates: Type.Integer(),
        suppressions: Type.Integer(),
        cases: Type.Integer(),
        messages: Type.Integer(),
        events: Type.Integer(),
        purposes: Type.Array(Type.String()),
      }),
    ),
    files: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        type: Type.String(),
        contentType: Type.String(),
        size: Type.Integer(),
        sha256: Type.String(),
        addedAt: Type.String(),
      }),
    ),
  },
  { description: 'An access or portability package' },
)

/** A package step's refusals: the case's state (409), a file too large (413) or of a refused type (415), a case of another type (422). */
export const PackageErrors = { ...ApiErrors, 409: ApiError, 413: ApiError, 415: ApiError, 422: ApiError } as const

/** A ZIP sent as bytes: described for the OpenAPI document only (a Buffer or stream is never serialised). */
export const ZipAnswer = { description: 'The package as a ZIP file', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } } as const

export const FileParams = Type.Object({ id: Type.String(), fileId: Type.String() })

export const CompileBody = Type.Object({ lang: Type.Optional(StringEnum(['sv', 'en'], { description: 'The package language; by default the earlier compile’s or the case’s.' })) })

export const CoverLetterBody = Type.Object({
  text: Type.Optional(Type.String()),
  reset: Type.Optional(Type.Boolean({ description: 'true: take the letter afresh from the template.' })),
})

/** The list is checked row by row by the service, whose messages name the row. */
export const WithheldBody = Type.Object({ withheld: Type.Optional(Type.Unknown({ description: 'An array of {description, reason}; replaces the list.' })) })
