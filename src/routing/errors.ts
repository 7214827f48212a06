import type { Localized } from './rules.js'

/** A routing or team change that cannot be made, with a message in each language and the field at fault. */
export class RoutingError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly messages: Localized,
    readonly field: string | null = null,
  ) {
    super(messages.en)
    this.name = 'RoutingError'
  }
}
