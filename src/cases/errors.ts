/** An action on a case that cannot be done, with a message for each language. */
export class CaseError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly messages: { sv: string; en: string },
  ) {
    super(messages.en)
    this.name = 'CaseError'
  }
}

export const notFound = () => new CaseError('not_found', 404, { sv: 'Ärendet finns inte.', en: 'The case does not exist.' })
