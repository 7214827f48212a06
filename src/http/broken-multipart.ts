/**
 * The multipart parser (busboy) reports a body it cannot read (no boundary, cut short, a bad part
 * header) as a plain Error without a status, which would otherwise become a 500. Those are the
 * client's fault: they are recognised by where they come from and what they say, so a real fault in
 * our own code during a multipart request still counts as one.
 */
const PARSER_MESSAGES = /^(Multipart: Boundary not found|Boundary required|Unexpected end of multipart data|.* terminated early due to unexpected end of multipart data|Malformed part header|Unsupported Content-Type.*)$/

export function isBrokenMultipart(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if ((error as { statusCode?: unknown }).statusCode !== undefined) return false
  return PARSER_MESSAGES.test(error.message) && /[\\/]busboy[\\/]/.test(error.stack ?? '')
}
