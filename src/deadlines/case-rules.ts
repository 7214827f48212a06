/** Requests that must take effect at once (Art. 21(3)): an unsubscribe, or an objection to direct marketing. */
export function isImmediate(type: string, relationship: string | null): boolean {
  return type === 'unsubscribe' || (type === 'objection' && relationship === 'newsletter')
}
