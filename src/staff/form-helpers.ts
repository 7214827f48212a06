import type { Lang } from '../i18n/index.js'
import { t, type MessageKey } from '../i18n/index.js'
import type { StaffError } from './errors.js'

export function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

export function bodyOf(request: { body: unknown }): Record<string, unknown> {
  return request.body !== null && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {}
}

/** Field errors as the views take them: a map by field and the list for the error summary. */
export interface FormErrors {
  map: Record<string, string>
  list: Array<{ id: string; message: string }>
}

export function formErrors(lang: Lang, errors: Array<{ field: string | null; key: MessageKey }>): FormErrors {
  const map: Record<string, string> = {}
  const list: Array<{ id: string; message: string }> = []
  for (const e of errors) {
    const id = e.field ?? 'form'
    if (map[id]) continue
    const message = t(lang, e.key)
    map[id] = message
    list.push({ id, message })
  }
  return { map, list }
}

export function staffErrorKeys(errors: StaffError[]): Array<{ field: string | null; key: MessageKey }> {
  return errors.map((e) => ({ field: e.field, key: `staff.errors.${e.code}` as const }))
}
