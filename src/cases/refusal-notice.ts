import type { Lang } from '../i18n/index.js'

/**
 * Art. 12(4) GDPR: when the controller does not act on a request, in whole or in part, it tells
 * the person the reasons and that they may complain to a supervisory authority (Art. 77; in
 * Sweden IMY) and seek a judicial remedy (Art. 79). The reasons are written by the handler; this
 * block is fixed and is added after the (editable) template text, so no edit can drop it.
 */
export const REFUSAL_NOTICE: Record<Lang, string> = {
  sv: 'Om du inte är nöjd med beslutet har du rätt att klaga hos Integritetsskyddsmyndigheten (IMY), www.imy.se, och att begära prövning i domstol (artiklarna 12.4, 77 och 79 i dataskyddsförordningen).',
  en: 'If you are not satisfied with this decision, you have the right to lodge a complaint with the Swedish Authority for Privacy Protection (Integritetsskyddsmyndigheten, IMY), www.imy.se, and to seek a judicial remedy in court (GDPR Articles 12(4), 77 and 79).',
}

/** The letters that refuse a request in whole or in part; each ends with the notice. */
export const REFUSAL_TEMPLATES: readonly string[] = ['rejection', 'partial_refusal', 'refused_excessive']

/** The letter with the notice as its last paragraph (once: an old stored template may already end with it). */
export function withRefusalNotice(body: string, lang: Lang): string {
  const notice = REFUSAL_NOTICE[lang]
  const text = body.trimEnd()
  return text.endsWith(notice) ? text : `${text}\n\n${notice}`
}
