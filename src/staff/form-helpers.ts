import type { Lang } from '../i18n/index.js'
import { t, type MessageKey } from '../i18n/index.js'
import type { DomainError } from '../domain/errors.js'

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

export function staffErrorKeys(errors: DomainError[]): Array<{ field: string | null; key: MessageKey }> {
  return errors.map((e) => ({ field: e.field, key: e.key }))
}
