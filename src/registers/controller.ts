/**
 * Who the controller is (Xtractor Interactive AB), its supervisory authority, and the summary of
 * the data subject's rights, as the privacy policy states them: the request form's page, the
 * privacy notice, the unsubscribe pages and the access package show them.
 *
 * What is processed, why, by whom and where is not here: that is the data map (src/datamap,
 * docs/data-map.md), which migration 015 seeded from the policy's transcription.
 */

export type Lang = 'sv' | 'en'

export type Text = { sv: string; en: string }

export function localise(text: Text, lang: Lang): string {
  return text[lang]
}

// ---------------------------------------------------------------------------
// Controller
// ---------------------------------------------------------------------------

export type Controller = {
  name: string
  orgNo: string
  email: string
  phone: string
  phoneIntl: string
  supervisoryAuthority: {
    name: Text
    url: string
    email: string
    phone: string
    note: Text
  }
}

export const controller: Controller = {
  name: 'Xtractor Interactive AB',
  orgNo: '556540-0420',
  email: 'hej@xtractor.se',
  phone: '08-588 945 00',
  phoneIntl: '+46 8 588 945 00',
  supervisoryAuthority: {
    name: {
      sv: 'Integritetsskyddsmyndigheten (IMY)',
      en: 'Swedish Authority for Privacy Protection (IMY)',
    },
    url: 'https://www.imy.se',
    email: 'imy@imy.se',
    phone: '08-657 61 00',
    note: {
      sv: 'Vår personuppgiftspolicy nämner Datainspektionen. Datainspektionen bytte namn till Integritetsskyddsmyndigheten (IMY) den 1 januari 2021.',
      en: 'Our privacy policy refers to Datainspektionen (the Swedish Data Protection Authority). It was renamed the Swedish Authority for Privacy Protection (Integritetsskyddsmyndigheten, IMY) on 1 January 2021.',
    },
  },
}

// ---------------------------------------------------------------------------
// Data subject rights
// ---------------------------------------------------------------------------

export type RightId =
  | 'access'
  | 'rectification'
  | 'erasure'
  | 'restriction'
  | 'portability'
  | 'objection'
  | 'withdraw_consent'
  | 'unsubscribe'
  | 'automated_decisions'
  | 'complaint'
  | 'court'

export type Right = {
  /** Matches the portal's request type where one exists. */
  id: RightId
  /** GDPR article(s), e.g. ['Art. 15']. */
  articles: string[]
  title: Text
  description: Text
}

export const rightsSummary: Right[] = [
  {
    id: 'access',
    articles: ['Art. 15'],
    title: { sv: 'Rätt till tillgång', en: 'Right of access' },
    description: {
      sv: 'Du har rätt att få veta om vi behandlar personuppgifter om dig. I så fall får du en kopia av uppgifterna och information om hur vi använder dem.',
      en: 'You have the right to know whether we process personal data about you. If we do, you get a copy of the data and information about how we use it.',
    },
  },
  {
    id: 'rectification',
    articles: ['Art. 16'],
    title: { sv: 'Rätt till rättelse', en: 'Right to rectification' },
    description: {
      sv: 'Du har rätt att få felaktiga uppgifter om dig rättade och ofullständiga uppgifter kompletterade.',
      en: 'You have the right to have incorrect data about you corrected and incomplete data completed.',
    },
  },
  {
    id: 'erasure',
    articles: ['Art. 17'],
    title: { sv: 'Rätt till radering', en: 'Right to erasure' },
    description: {
      sv: 'Du har rätt att få dina uppgifter raderade, till exempel när de inte längre behövs eller när du återkallar ditt samtycke. Ibland måste vi spara uppgifter för att en lag kräver det.',
      en: 'You have the right to have your data erased, for example when it is no longer needed or when you withdraw your consent. Sometimes we must keep data because a law requires it.',
    },
  },
  {
    id: 'restriction',
    articles: ['Art. 18'],
    title: { sv: 'Rätt till begränsning', en: 'Right to restriction' },
    description: {
      sv: 'Du har rätt att begära att vi tillfälligt begränsar hur vi använder dina uppgifter, till exempel medan vi kontrollerar om de är korrekta.',
      en: 'You have the right to ask us to limit how we use your data for a while, for example while we check whether it is correct.',
    },
  },
  {
    id: 'portability',
    articles: ['Art. 20'],
    title: { sv: 'Rätt till dataportabilitet', en: 'Right to data portability' },
    description: {
      sv: 'Om vi behandlar uppgifter som du själv har lämnat med stöd av samtycke eller avtal, har du rätt att få dem i ett maskinläsbart format och föra över dem till någon annan.',
      en: 'If we process data you gave us based on consent or a contract, you have the right to get it in a machine-readable format and move it to someone else.',
    },
  },
  {
    id: 'objection',
    articles: ['Art. 21'],
    title: { sv: 'Rätt att invända', en: 'Right to object' },
    description: {
      sv: 'Du har rätt att invända mot behandling som grundas på intresseavvägning. Då slutar vi, om vi inte har tvingande skäl som väger tyngre. Mot direktmarknadsföring, som vårt nyhetsbrev, kan du alltid invända. Då slutar vi alltid.',
      en: 'You have the right to object to processing based on legitimate interest. We then stop, unless we have compelling reasons that outweigh your interests. You can always object to direct marketing, such as our newsletter. We will then always stop.',
    },
  },
  {
    id: 'withdraw_consent',
    articles: ['Art. 7(3)'],
    title: { sv: 'Rätt att återkalla samtycke', en: 'Right to withdraw consent' },
    description: {
      sv: 'Om vi behandlar dina uppgifter med stöd av samtycke, till exempel vid rekrytering, kan du när som helst återkalla samtycket. Det påverkar inte behandlingen som skett innan.',
      en: 'If we process your data based on consent, for example in recruitment, you can withdraw your consent at any time. This does not affect processing that took place before.',
    },
  },
  {
    id: 'unsubscribe',
    articles: ['Art. 21(2)', 'Art. 21(3)'],
    title: { sv: 'Avsluta nyhetsbrevet', en: 'Unsubscribe from the newsletter' },
    description: {
      sv: 'Du kan när som helst avsäga dig vårt nyhetsbrev och andra utskick via e-post. Klicka på länken i e-postmeddelandet eller skriva till oss på hej@xtractor.se.',
      en: 'You can unsubscribe from our newsletter and other email mailings at any time. Click the link in the email or email us at hej@xtractor.se.',
    },
  },
  {
    id: 'automated_decisions',
    articles: ['Art. 22'],
    title: {
      sv: 'Rätt att inte bli föremål för automatiserade beslut',
      en: 'Right not to be subject to automated decisions',
    },
    description: {
      sv: 'Du har rätt att inte bli föremål för beslut som enbart grundas på automatiserad behandling, om beslutet har rättsliga följder för dig eller påverkar dig på liknande sätt. Vi fattar inga sådana beslut.',
      en: 'You have the right not to be subject to decisions based solely on automated processing if they have legal or similarly significant effects on you. We do not make such decisions.',
    },
  },
  {
    id: 'complaint',
    articles: ['Art. 77'],
    title: { sv: 'Rätt att klaga till IMY', en: 'Right to complain to IMY' },
    description: {
      sv: 'Om du tycker att vi behandlar dina uppgifter felaktigt kan du klaga till Integritetsskyddsmyndigheten (IMY), www.imy.se. Kontakta gärna oss först.',
      en: 'If you think we process your data wrongly, you can complain to the Swedish Authority for Privacy Protection (IMY), www.imy.se. Feel free to contact us first.',
    },
  },
  {
    id: 'court',
    articles: ['Art. 79'],
    title: { sv: 'Rätt att gå till domstol', en: 'Right to go to court' },
    description: {
      sv: 'Du har också rätt att gå till domstol om du anser att dina rättigheter har kränkts.',
      en: 'You also have the right to go to court if you think your rights have been infringed.',
    },
  },
]
