import { t, type Lang } from '../i18n/index.js'

/**
 * Art. 12(4) GDPR: when the controller does not act on a request, in whole or in part, it tells
 * the person the reasons and that they may complain to a supervisory authority (Art. 77; in
 * Sweden IMY) and seek a judicial remedy (Art. 79). The reasons are written by the handler; this
 * block is fixed and is added after the (editable) template text, so no edit can drop it.
 */
export const REFUSAL_NOTICE: Record<Lang, string> = { sv: t('sv', 'cases.refusalNotice'), en: t('en', 'cases.refusalNotice') }

/** The letters that refuse a request in whole or in part; each ends with the notice. */
export const REFUSAL_TEMPLATES: readonly string[] = ['rejection', 'partial_refusal', 'refused_excessive']

/** The letter with the notice as its last paragraph (once: an old stored template may already end with it). */
export function withRefusalNotice(body: string, lang: Lang): string {
  const notice = REFUSAL_NOTICE[lang]
  const text = body.trimEnd()
  return text.endsWith(notice) ? text : `${text}\n\n${notice}`
}
