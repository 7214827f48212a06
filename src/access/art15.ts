import { countryName, pick, type MapExtract, type Purpose, type RecipientCategory, type Text, REQUESTS_SYSTEM } from '../datamap/model.js'
import type { Lang } from '../i18n/index.js'
import { controller, rightsSummary } from '../registers/controller.js'

/**
 * The Art. 15(1) and 15(2) information for one person, tailored to where their data was found
 * (IMY's Spotify decision, 2023): the purposes, recipients and transfers of the systems on the data
 * map that hold it (`map`, made by mapForSystems from the found keys), plus the portal's own
 * handling of their requests. Only public fields of the map are copied: an internal note never is.
 */

/**
 * The portal's own records of a person's requests (cases, messages, history). Not a system on the
 * map: the portal is where the requests are answered, and this purpose is stated here because
 * GDPR Arts. 12–22 oblige us to handle them.
 */
export { REQUESTS_SYSTEM }

const REQUESTS_NAME: Text = { sv: 'Våra ärenden om dina begäranden (denna portal)', en: 'Our records of your requests (this portal)' }

const REQUEST_HANDLING: Pick<Purpose, 'id' | 'title' | 'description' | 'legalBasis' | 'dataCategories' | 'retention' | 'source'> = {
  id: 'request_handling',
  title: { sv: 'Hantering av dina begäranden om personuppgifter', en: 'Handling your requests about personal data' },
  description: {
    sv: 'När du använder dina rättigheter enligt dataskyddsförordningen behandlar vi uppgifterna i ditt ärende för att kunna svara dig och visa att vi har gjort det.',
    en: 'When you exercise your rights under the GDPR, we process the details of your case to answer you and to show that we have done so.',
  },
  legalBasis: { article: 'Art. 6(1)(c)', text: { sv: 'Rättslig förpliktelse (artiklarna 12–22 i dataskyddsförordningen).', en: 'Legal obligation (GDPR Articles 12–22).' } },
  dataCategories: [
    { sv: 'E-postadress', en: 'Email address' },
    { sv: 'Namn, om du angav det', en: 'Name, if you gave it' },
    { sv: 'Det du skrev i din begäran och dina meddelanden', en: 'What you wrote in your request and messages' },
    { sv: 'Ärendets historik (datum, status, åtgärder)', en: 'The history of the case (dates, status, actions)' },
  ],
  retention: {
    sv: 'Så länge ärendet pågår och därefter så länge det behövs för att visa hur vi hanterade det; sedan sparas bara en minimal uppgift om ärendet.',
    en: 'While the case is open and afterwards as long as needed to show how we handled it; after that only a minimal record of the case is kept.',
  },
  source: { sv: 'Från dig.', en: 'From you.' },
}

export interface PurposeInfo {
  id: string
  title: string
  description: string
  /** null: the basis is not yet decided on the map, and no basis is claimed. */
  legalBasis: { article: string | null; text: string } | null
  dataCategories: string[]
  retention: string
  source: string
  collectedFromYou: boolean
  automatedDecisions: false
  /** The systems whose data about you made this purpose apply. */
  systems: string[]
}

export interface Art15Info {
  /** Where your data was found: the systems on the map, and the portal's own records of your requests. */
  systems: Array<{ key: string; name: string }>
  purposes: PurposeInfo[]
  /** Art. 15(1)(c), CJEU C‑154/21: the recipients recorded by name for those systems. */
  recipients: Array<{ name: string; description: string; system: string }>
  /** The systems for which the map names no recipient, with the categories of their purposes instead. */
  unnamedRecipients: Array<{ system: string; categories: string[] }>
  /** Categories of recipients, by key: those of the purposes above and the general ones. */
  recipientCategories: Array<{ key: string; name: string; description: string; general: boolean }>
  /** Art. 15(2): transfers outside the EU/EEA from those systems, with their safeguard; empty: none. */
  transfers: Array<{ country: string; countryName: string; safeguard: string; system: string }>
  rights: Array<{ id: string; articles: string[]; title: string; description: string }>
  complaint: { authority: string; url: string; email: string; phone: string }
  automatedDecisionMaking: { used: false; text: string }
  /** Where a register row says the data came from (Art. 14(2)(f)) when it was not from the person. */
  sources: Array<{ register: string; source: string }>
}

const AUTOMATED = {
  sv: 'Vi fattar inga beslut som enbart grundas på automatiserad behandling, och vi använder inte profilering (artikel 22).',
  en: 'We make no decisions based solely on automated processing, and we do not use profiling (Article 22).',
}

type PurposeFields = Pick<Purpose, 'id' | 'title' | 'description' | 'legalBasis' | 'dataCategories' | 'retention' | 'source'>

function purposeInfo(p: PurposeFields, systems: string[], lang: Lang): PurposeInfo {
  return {
    id: p.id,
    title: pick(p.title, lang),
    description: pick(p.description, lang),
    legalBasis: p.legalBasis ? { article: p.legalBasis.article, text: pick(p.legalBasis.text, lang) } : null,
    dataCategories: p.dataCategories.map((c) => pick(c, lang)),
    retention: pick(p.retention, lang),
    source: pick(p.source, lang),
    collectedFromYou: p.source.en.startsWith('From you'),
    automatedDecisions: false,
    systems,
  }
}

const category = (c: RecipientCategory, lang: Lang) => ({ key: c.key, name: pick(c.name, lang), description: pick(c.description, lang), general: c.general })

/**
 * `map`: the data map for the systems where the person's data was found; `requests`: whether the
 * portal holds requests of theirs (it always does once they asked, so the request handling shows).
 */
export function art15Info(lang: Lang, map: MapExtract, held: { requests: boolean; sources: Array<{ register: string; source: string }> }): Art15Info {
  const purposes = map.purposes.map((p) => purposeInfo(p, p.systems, lang))
  if (held.requests) purposes.push(purposeInfo(REQUEST_HANDLING, [REQUESTS_SYSTEM], lang))
  const systems = map.systems.map((s) => ({ key: s.key, name: pick(s.name, lang) }))
  if (held.requests) systems.push({ key: REQUESTS_SYSTEM, name: pick(REQUESTS_NAME, lang) })
  const unnamedRecipients = map.systems
    .filter((s) => s.recipients.length === 0)
    .map((s) => ({ system: s.key, categories: [...new Set(map.purposes.filter((p) => p.systems.includes(s.key)).flatMap((p) => p.recipientCategories))] }))
  // The general categories (support, payments, authorities) may receive data from any purpose, the portal's own included.
  const general = held.requests || map.systems.length ? map.generalCategories : []
  const categories = [...map.recipientCategories, ...general].filter((c, i, all) => all.findIndex((x) => x.key === c.key) === i)
  return {
    systems,
    purposes,
    recipients: map.recipients.map((r) => ({ name: pick(r.name, lang), description: pick(r.description, lang), system: r.system })),
    unnamedRecipients,
    recipientCategories: categories.map((c) => category(c, lang)),
    transfers: map.transfers.map((tr) => ({ country: tr.country, countryName: countryName(tr.country, lang), safeguard: pick(tr.safeguard, lang), system: tr.system })),
    rights: rightsSummary.map((r) => ({ id: r.id, articles: r.articles, title: r.title[lang], description: r.description[lang] })),
    complaint: { authority: controller.supervisoryAuthority.name[lang], url: controller.supervisoryAuthority.url, email: controller.supervisoryAuthority.email, phone: controller.supervisoryAuthority.phone },
    automatedDecisionMaking: { used: false, text: AUTOMATED[lang] },
    sources: held.sources,
  }
}
