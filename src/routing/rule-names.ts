import { t, type Lang } from '../i18n/index.js'

/**
 * The six rules migration 005 seeds, by the (Swedish) name it stored. The migration is frozen and the
 * name is the rule's one stored field, which the API reads and writes as it is; so a seeded rule
 * whose name an administrator has not changed is *shown* by its catalogue key
 * (`routing.seededRules.*`) in the reader's language, and any other name is the administrator's own.
 */
const SEEDED_RULES: Readonly<Record<string, 'candidates' | 'recruitmentConsent' | 'newsletter' | 'unsubscribeObjection' | 'newsletterConsent' | 'customerContacts'>> = {
  'Jobbsökande → Rekrytering': 'candidates',
  'Samtycke rekrytering → Rekrytering': 'recruitmentConsent',
  'Nyhetsbrev → Marknadsföring': 'newsletter',
  'Avregistrering och invändning → Marknadsföring': 'unsubscribeObjection',
  'Samtycke nyhetsbrev → Marknadsföring': 'newsletterConsent',
  'Kundkontakter → Kundrelationer': 'customerContacts',
}

/** A rule's name as a person reading `lang` sees it: a seeded rule's in that language, any other as it was written. */
export function ruleLabel(lang: Lang, name: string): string {
  const key = Object.hasOwn(SEEDED_RULES, name) ? SEEDED_RULES[name] : undefined
  return key ? t(lang, `routing.seededRules.${key}`) : name
}
