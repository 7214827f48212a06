import type { Lang } from '../i18n/index.js'
import { controller, purposes, purposesFor, recipientsFor, rightsSummary, type Purpose, type Relationship, relationships } from '../registers/processing-register.js'

/**
 * The Art. 15(1) information for one person: which purposes apply to them (from what the portal
 * holds and the relationship they stated), with categories, recipients, retention, source, their
 * rights, the right to complain to IMY and that no automated decisions are made.
 */

/**
 * The portal's own processing: answering requests. The policy's register predates the portal,
 * so this purpose is stated here (GDPR Arts. 12–22 oblige us to handle requests).
 */
const REQUEST_HANDLING = {
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
  recipientIds: [] as string[],
  source: { sv: 'Från dig.', en: 'From you.' },
  automatedDecisions: false as const,
}

export type AppliesBecause = 'newsletter' | 'candidate' | 'requests' | `relationship:${Relationship}`

export interface PurposeInfo {
  id: string
  title: string
  description: string
  legalBasis: { article: string | null; text: string }
  dataCategories: string[]
  retention: string
  recipients: Array<{ id: string; name: string; description: string }>
  source: string
  collectedFromYou: boolean
  automatedDecisions: false
  appliesBecause: AppliesBecause[]
}

export interface Art15Info {
  purposes: PurposeInfo[]
  recipients: Array<{ id: string; name: string; description: string }>
  rights: Array<{ id: string; articles: string[]; title: string; description: string }>
  complaint: { authority: string; url: string; email: string; phone: string }
  automatedDecisionMaking: { used: false; text: string }
  storage: string
  /** Where a register row says the data came from (Art. 14(2)(f)) when it was not from the person. */
  sources: Array<{ register: string; source: string }>
}

const AUTOMATED = {
  sv: 'Vi fattar inga beslut som enbart grundas på automatiserad behandling, och vi använder inte profilering (artikel 22).',
  en: 'We make no decisions based solely on automated processing, and we do not use profiling (Article 22).',
}

export function art15Info(lang: Lang, held: { newsletter: boolean; candidate: boolean; requests: boolean; relationships: string[]; sources: Array<{ register: string; source: string }> }): Art15Info {
  const reasons = new Map<string, Set<AppliesBecause>>()
  const add = (id: string, why: AppliesBecause) => {
    if (!reasons.has(id)) reasons.set(id, new Set())
    reasons.get(id)!.add(why)
  }
  if (held.newsletter) add('newsletter', 'newsletter')
  if (held.candidate) add('recruitment', 'candidate')
  for (const r of held.relationships) {
    if (!(relationships as string[]).includes(r)) continue
    for (const p of purposesFor(r as Relationship)) add(p.id, `relationship:${r as Relationship}`)
  }
  const fromRegister = purposes.filter((p) => reasons.has(p.id))
  const all: Array<Pick<Purpose, 'title' | 'description' | 'legalBasis' | 'dataCategories' | 'retention' | 'source'> & { id: string; recipientIds: string[] }> = [...fromRegister]
  if (held.requests) {
    all.push(REQUEST_HANDLING)
    add(REQUEST_HANDLING.id, 'requests')
  }
  const registerIds = fromRegister.map((p) => p.id)
  const everyone = recipientsFor(registerIds.length ? registerIds : [], { includeGeneral: true })
  // The general recipients (support, payments, authorities) may receive data from any purpose, the portal's included.
  const general = recipientsFor(['questions'], { includeGeneral: true }).filter((r) => r.general)
  const recipientList = [...everyone, ...general.filter((g) => !everyone.some((e) => e.id === g.id))]
  const show = (r: { id: string; name: { sv: string; en: string }; description: { sv: string; en: string } }) => ({ id: r.id, name: r.name[lang], description: r.description[lang] })
  return {
    purposes: all.map((p) => ({
      id: p.id,
      title: p.title[lang],
      description: p.description[lang],
      legalBasis: { article: p.legalBasis.article, text: p.legalBasis.text[lang] },
      dataCategories: p.dataCategories.map((c) => c[lang]),
      retention: p.retention[lang],
      recipients: [...recipientsFor(p.id === REQUEST_HANDLING.id ? [] : [p.id], { includeGeneral: false }), ...general].map(show),
      source: p.source[lang],
      collectedFromYou: p.source.en.startsWith('From you'),
      automatedDecisions: false,
      appliesBecause: [...(reasons.get(p.id) ?? [])],
    })),
    recipients: recipientList.map(show),
    rights: rightsSummary.map((r) => ({ id: r.id, articles: r.articles, title: r.title[lang], description: r.description[lang] })),
    complaint: { authority: controller.supervisoryAuthority.name[lang], url: controller.supervisoryAuthority.url, email: controller.supervisoryAuthority.email, phone: controller.supervisoryAuthority.phone },
    automatedDecisionMaking: { used: false, text: AUTOMATED[lang] },
    storage: controller.storage[lang],
    sources: held.sources,
  }
}
