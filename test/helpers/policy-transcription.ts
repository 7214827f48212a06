/**
 * The privacy policy's register of processing (GDPR Art. 30) as it was transcribed into code
 * (src/registers/processing-register.ts) before the data map: migration 015 seeded the map's
 * purposes and recipient categories from it. The portal no longer reads it; tests keep it to check
 * the seed and the map against what the policy said.
 */

export type Text = { sv: string; en: string }

/** Which relationship a requester has with Xtractor (chosen in the request form). */
export type Relationship =
  | 'candidate'
  | 'newsletter'
  | 'customer_contact'
  | 'supplier'
  | 'event_participant'
  | 'employee'
  | 'other'

export const relationships: Relationship[] = [
  'candidate',
  'newsletter',
  'customer_contact',
  'supplier',
  'event_participant',
  'employee',
  'other',
]


// ---------------------------------------------------------------------------
// Recipients
// ---------------------------------------------------------------------------

export type RecipientId =
  | 'conference_venues'
  | 'travel_agencies'
  | 'subcontractors'
  | 'service_providers'
  | 'payment_providers_banks'
  | 'authorities'
  | 'analytics_advertising_services'

export type Recipient = {
  id: RecipientId
  name: Text
  description: Text
  /**
   * 'processor' = processes on Xtractor's behalf under a data processing
   * agreement; 'independent_controller' = decides its own purposes.
   * Left undefined where the policy does not let us tell.
   */
  role?: 'processor' | 'independent_controller'
  /**
   * true = the policy names this category without tying it to any particular
   * purpose, so it may receive data from any purpose. `recipientsFor`
   * includes these by default.
   */
  general: boolean
  note?: Text
}

export const recipients: Recipient[] = [
  {
    id: 'conference_venues',
    name: { sv: 'Konferensanläggningar', en: 'Conference venues' },
    description: {
      sv: 'Samarbetspartners som konferensanläggningar, när vi ordnar företagsevent.',
      en: 'Partners such as conference venues, when we arrange company events.',
    },
    general: false,
  },
  {
    id: 'travel_agencies',
    name: { sv: 'Resebyråer', en: 'Travel agencies' },
    description: {
      sv: 'Samarbetspartners som resebyråer, när vi ordnar resor.',
      en: 'Partners such as travel agencies, when we arrange travel.',
    },
    general: false,
  },
  {
    id: 'subcontractors',
    name: { sv: 'Underkonsulter', en: 'Subcontractors' },
    description: {
      sv: 'Underkonsulter vi samarbetar med, till exempel manusförfattare, filmare och art directors. Vi delar bara de personuppgifter som behövs för att projektet ska kunna genomföras.',
      en: 'Subcontractors we work with, for example script writers, film makers and art directors. We only share the personal data needed to carry out the project.',
    },
    general: false,
  },
  {
    id: 'service_providers',
    name: { sv: 'Tjänsteleverantörer', en: 'Service providers' },
    description: {
      sv: 'Leverantörer av tjänster för teknisk support och kundservice. Vi samarbetar bara med företag som följer GDPR och dataskyddslagstiftningen.',
      en: 'Providers of technical support and customer service. We only work with companies that comply with the GDPR and data protection law.',
    },
    general: true,
    note: {
      sv: 'Policyn säger att Xtractor har personuppgiftsbiträdesavtal med alla som behandlar personuppgifter för Xtractors räkning, men inte vilka av dessa leverantörer som är biträden.',
      en: 'The policy says Xtractor has a data processing agreement with everyone who processes personal data on its behalf, but not which of these providers are processors.',
    },
  },
  {
    id: 'payment_providers_banks',
    name: { sv: 'Betaltjänstleverantörer och banker', en: 'Payment service providers and banks' },
    description: {
      sv: 'Betaltjänstleverantörer och banker. Vi samarbetar bara med företag som följer GDPR och dataskyddslagstiftningen.',
      en: 'Payment service providers and banks. We only work with companies that comply with the GDPR and data protection law.',
    },
    general: true,
  },
  {
    id: 'authorities',
    name: { sv: 'Myndigheter', en: 'Public authorities' },
    description: {
      sv: 'Myndigheter, men bara när en särskild lag kräver det.',
      en: 'Public authorities, but only where a specific law requires it.',
    },
    general: true,
  },
  {
    id: 'analytics_advertising_services',
    name: { sv: 'Analys- och annonstjänster', en: 'Analytics and advertising services' },
    description: {
      sv: 'Google Analytics (anonymiserad statistik) och annonstjänster som Google AdSense och LinkedIn, som använder cookies.',
      en: 'Google Analytics (anonymised statistics) and advertising services such as Google AdSense and LinkedIn, which use cookies.',
    },
    general: false,
    note: {
      sv: 'Policyn nämner dessa tjänster under "Statistik och annonsering", inte i avsnittet om vem Xtractor delar personuppgifter med.',
      en: 'The policy names these services under "Statistics and advertising", not in its section on who Xtractor shares personal data with.',
    },
  },
]


// ---------------------------------------------------------------------------
// Purposes
// ---------------------------------------------------------------------------

export type PurposeId =
  | 'employment'
  | 'recruitment'
  | 'events_travel'
  | 'questions'
  | 'customer_service'
  | 'product_development'
  | 'statistics_advertising'
  | 'newsletter'
  | 'customer_relations'
  | 'processor_for_clients'

export type Purpose = {
  id: PurposeId
  title: Text
  description: Text
  legalBasis: {
    /** e.g. 'Art. 6(1)(b)'; null where the policy does not state a basis. */
    article: string | null
    text: Text
  }
  dataCategories: Text[]
  dataSubjects: Text
  retention: Text
  /** Recipients the policy ties to this purpose (see also `Recipient.general`). */
  recipientIds: RecipientId[]
  source: Text
  relationships: Relationship[]
  role: 'controller' | 'processor'
  automatedDecisions: false
  sensitive?: boolean
  note?: Text
}

/** Used where the policy gives no retention period for a purpose. */
const RETENTION_GENERAL: Text = {
  sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning.',
  en: 'For as long as there is a legal basis under the GDPR or other law.',
}

const SOURCE_YOU: Text = {
  sv: 'Från dig.',
  en: 'From you.',
}

export const purposes: Purpose[] = [
  {
    id: 'employment',
    title: { sv: 'Anställda och underkonsulter', en: 'Employees and subcontractors' },
    description: {
      sv: 'Vi behandlar personuppgifter om anställda och underkonsulter i vår roll som arbetsgivare och uppdragsgivare. Vi samlar inte in fler uppgifter än vad som behövs för att uppfylla avtalet.',
      en: 'We process personal data about employees and subcontractors in our role as employer and client. We do not collect more data than we need to fulfil the contract.',
    },
    legalBasis: {
      article: 'Art. 6(1)(b)',
      text: {
        sv: 'Avtal (anställningsavtal eller underkonsultavtal).',
        en: 'Contract (employment contract or subcontractor agreement).',
      },
    },
    dataCategories: [
      {
        sv: 'De personuppgifter som behövs för att uppfylla avtalet.',
        en: 'The personal data needed to fulfil the contract.',
      },
    ],
    dataSubjects: { sv: 'Anställda och underkonsulter.', en: 'Employees and subcontractors.' },
    retention: {
      sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning. Mer information finns i personalhandboken och underkonsultavtalet.',
      en: 'For as long as there is a legal basis under the GDPR or other law. More details are in the staff handbook and the subcontractor agreement.',
    },
    recipientIds: [],
    source: SOURCE_YOU,
    relationships: ['supplier', 'employee', 'other'],
    role: 'controller',
    automatedDecisions: false,
    note: {
      sv: 'Detaljerna finns i personalhandboken och underkonsultavtalet, inte i policyn.',
      en: 'The details are in the staff handbook and the subcontractor agreement, not in the policy.',
    },
  },
  {
    id: 'recruitment',
    title: { sv: 'Rekrytering', en: 'Recruitment' },
    description: {
      sv: 'När vi rekryterar ber vi om ditt samtycke för att spara ditt CV och dina kontaktuppgifter. Du kan när som helst höra av dig för att återkalla samtycket eller ändra dina kontaktuppgifter.',
      en: 'When we recruit, we ask for your consent to keep your CV and contact details. You can contact us at any time to withdraw your consent or change your contact details.',
    },
    legalBasis: {
      article: 'Art. 6(1)(a)',
      text: {
        sv: 'Samtycke. Du kan när som helst återkalla ditt samtycke.',
        en: 'Consent. You can withdraw your consent at any time.',
      },
    },
    dataCategories: [
      { sv: 'CV', en: 'CV' },
      { sv: 'Kontaktuppgifter', en: 'Contact details' },
    ],
    dataSubjects: { sv: 'Jobbsökande.', en: 'Job applicants.' },
    retention: {
      sv: 'I tre år, eller så länge ditt samtycke gäller.',
      en: 'For three years, or for as long as your consent lasts.',
    },
    recipientIds: [],
    source: SOURCE_YOU,
    relationships: ['candidate'],
    role: 'controller',
    automatedDecisions: false,
    note: {
      sv: 'Policyn säger "i tre år eller så länge samtycke föreligger". Den säger inte uttryckligen om tre år är en övre gräns.',
      en: 'The policy says "for three years or as long as consent exists". It does not say explicitly whether three years is an upper limit.',
    },
  },
  {
    id: 'events_travel',
    title: { sv: 'Företagsevent och resor', en: 'Company events and travel' },
    description: {
      sv: 'I samband med företagsevent eller resor kan vi behandla känsliga personuppgifter, till exempel matallergier, för att kunna beställa rätt mat.',
      en: 'For company events or travel we may process sensitive personal data, such as food allergies, so that we can order the right food.',
    },
    legalBasis: {
      article: null,
      text: {
        sv: 'Policyn anger ingen rättslig grund för denna behandling.',
        en: 'The policy does not state a legal basis for this processing.',
      },
    },
    dataCategories: [
      {
        sv: 'Känsliga personuppgifter, till exempel matallergier',
        en: 'Sensitive personal data, such as food allergies',
      },
      {
        sv: 'Personuppgifter som behövs för att ordna eventet eller resan',
        en: 'Personal data needed to arrange the event or trip',
      },
    ],
    dataSubjects: {
      sv: 'Deltagare i företagsevent och resor.',
      en: 'People taking part in company events and travel.',
    },
    retention: {
      sv: 'Inte längre än situationen kräver.',
      en: 'No longer than the situation requires.',
    },
    recipientIds: ['conference_venues', 'travel_agencies'],
    source: SOURCE_YOU,
    relationships: ['event_participant'],
    role: 'controller',
    automatedDecisions: false,
    sensitive: true,
    note: {
      sv: 'Policyn anger inte den rättsliga grunden eller vilket undantag i artikel 9 som används för uppgifter om hälsa (matallergier). Normalt krävs uttryckligt samtycke (artikel 9.2 a), men det står inte i policyn.',
      en: 'The policy does not state the legal basis or which Article 9 exception applies to health data (food allergies). Explicit consent (Art. 9(2)(a)) would normally be needed, but the policy does not say so.',
    },
  },
  {
    id: 'questions',
    title: { sv: 'Frågor från allmänheten', en: 'Questions from the public' },
    description: {
      sv: 'När du ställer en fråga eller kontaktar oss använder vi dina uppgifter för att kunna svara dig.',
      en: 'When you ask a question or contact us, we use your details to answer you.',
    },
    legalBasis: {
      article: null,
      text: {
        sv: 'Policyn anger ingen rättslig grund för att besvara frågor. Om uppgifterna ska sparas längre krävs samtycke eller annan rättslig grund.',
        en: 'The policy does not state a legal basis for answering questions. Keeping the data longer requires consent or another legal basis.',
      },
    },
    dataCategories: [
      {
        sv: 'De personuppgifter du lämnar när du kontaktar oss, till exempel via e-post',
        en: 'The personal data you give us when you contact us, for example by email',
      },
    ],
    dataSubjects: {
      sv: 'Personer som kontaktar oss med frågor.',
      en: 'People who contact us with questions.',
    },
    retention: {
      sv: 'Inte längre än vad som behövs för att besvara frågan, om det inte finns samtycke eller annan rättslig grund. Vi raderar e-postmeddelandet direkt efter att frågan har besvarats.',
      en: 'No longer than needed to answer the question, unless there is consent or another legal basis. We delete the email as soon as the question has been answered.',
    },
    recipientIds: [],
    source: SOURCE_YOU,
    relationships: ['other'],
    role: 'controller',
    automatedDecisions: false,
  },
  {
    id: 'customer_service',
    title: { sv: 'Kundservice och support', en: 'Customer service and support' },
    description: {
      sv: 'Vi sparar historik över supportärenden. Vi behöver historiken för att upprätthålla en god kundrelation och erbjuda effektiv kundservice.',
      en: 'We keep a history of support cases. We need it to maintain a good customer relationship and offer efficient customer service.',
    },
    legalBasis: {
      article: 'Art. 6(1)(f)',
      text: {
        sv: 'Intresseavvägning: vårt berättigade intresse av en god kundrelation och effektiv kundservice.',
        en: 'Legitimate interest: our interest in a good customer relationship and efficient customer service.',
      },
    },
    dataCategories: [{ sv: 'Historik över supportärenden', en: 'History of support cases' }],
    dataSubjects: {
      sv: 'Personer som kontaktar oss i supportärenden.',
      en: 'People who contact us about support cases.',
    },
    retention: {
      sv: 'Historiken sparas för att upprätthålla kundrelationen. Policyn anger ingen fast tid, utan uppgifterna sparas så länge det finns laglig grund enligt GDPR eller annan lagstiftning.',
      en: 'The history is kept to maintain the customer relationship. The policy gives no fixed period: the data is kept for as long as there is a legal basis under the GDPR or other law.',
    },
    recipientIds: [],
    source: SOURCE_YOU,
    relationships: ['customer_contact'],
    role: 'controller',
    automatedDecisions: false,
  },
  {
    id: 'product_development',
    title: { sv: 'Produktutveckling och kundundersökningar', en: 'Product development and customer surveys' },
    description: {
      sv: 'Vi gör kundundersökningar för att utveckla och förbättra våra produkter och tjänster.',
      en: 'We run customer surveys to develop and improve our products and services.',
    },
    legalBasis: {
      article: null,
      text: {
        sv: 'Policyn anger ingen rättslig grund för denna behandling.',
        en: 'The policy does not state a legal basis for this processing.',
      },
    },
    dataCategories: [
      {
        sv: 'Personuppgifter i samband med kundundersökningar (policyn anger inte vilka)',
        en: 'Personal data in connection with customer surveys (the policy does not say which)',
      },
    ],
    dataSubjects: {
      sv: 'Kunder som deltar i kundundersökningar.',
      en: 'Customers who take part in customer surveys.',
    },
    retention: RETENTION_GENERAL,
    recipientIds: [],
    source: SOURCE_YOU,
    relationships: ['customer_contact'],
    role: 'controller',
    automatedDecisions: false,
    note: {
      sv: 'Policyn anger varken rättslig grund, uppgiftskategorier eller lagringstid för kundundersökningar.',
      en: 'The policy states neither the legal basis, the data categories nor the retention period for customer surveys.',
    },
  },
  {
    id: 'statistics_advertising',
    title: { sv: 'Statistik och annonsering', en: 'Statistics and advertising' },
    description: {
      sv: 'Vi använder anonymiserad statistik från Google Analytics, till exempel för att se vilken teknisk produkt besökare använder, så att webbplatsen fungerar bra. Vi använder cookies när vi annonserar via annonstjänster som Google AdSense och LinkedIn.',
      en: 'We use anonymised statistics from Google Analytics, for example to see which device visitors use, so that the website works well. We use cookies when we advertise through services such as Google AdSense and LinkedIn.',
    },
    legalBasis: {
      article: null,
      text: {
        sv: 'Statistiken är anonymiserad. Policyn anger ingen rättslig grund för cookies i samband med annonsering. Om vi behandlar personuppgifter gör vi det enligt GDPR.',
        en: 'The statistics are anonymised. The policy does not state a legal basis for advertising cookies. If we do process personal data, we do so under the GDPR.',
      },
    },
    dataCategories: [
      {
        sv: 'Anonymiserad statistik om webbplatsbesök, till exempel vilken teknisk produkt du använder',
        en: 'Anonymised statistics about website visits, such as the device you use',
      },
      {
        sv: 'Cookies för annonsering (Google AdSense, LinkedIn)',
        en: 'Advertising cookies (Google AdSense, LinkedIn)',
      },
    ],
    dataSubjects: { sv: 'Besökare på vår webbplats.', en: 'Visitors to our website.' },
    retention: RETENTION_GENERAL,
    recipientIds: ['analytics_advertising_services'],
    source: {
      sv: 'Från dig, via din webbläsare när du besöker vår webbplats.',
      en: 'From you, through your browser when you visit our website.',
    },
    relationships: ['other'],
    role: 'controller',
    automatedDecisions: false,
    note: {
      sv: 'Policyn anger ingen rättslig grund eller lagringstid för annonscookies.',
      en: 'The policy states no legal basis or retention period for advertising cookies.',
    },
  },
  {
    id: 'newsletter',
    title: { sv: 'Nyhetsbrev och marknadsföring via e-post', en: 'Newsletter and email marketing' },
    description: {
      sv: 'Vi skickar nyhetsbrev och erbjudanden via e-post till personer som visar intresse för våra produkter och tjänster. Du kan när som helst avsäga dig utskicken genom att klicka på länken i e-postmeddelandet eller skriva till oss.',
      en: 'We send newsletters and offers by email to people who show interest in our products and services. You can unsubscribe at any time by clicking the link in the email or by emailing us.',
    },
    legalBasis: {
      article: 'Art. 6(1)(f)',
      text: {
        sv: 'Intresseavvägning: vi behöver kunna marknadsföra oss för att bedriva verksamhet på lång sikt.',
        en: 'Legitimate interest: we need to be able to market ourselves to run our business in the long term.',
      },
    },
    dataCategories: [
      { sv: 'Namn', en: 'Name' },
      { sv: 'E-postadress', en: 'Email address' },
      { sv: 'Telefonnummer', en: 'Phone number' },
    ],
    dataSubjects: {
      sv: 'Personer som visar intresse för våra produkter och tjänster.',
      en: 'People who show interest in our products and services.',
    },
    retention: {
      sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning. Du kan när som helst avsäga dig framtida utskick.',
      en: 'For as long as there is a legal basis under the GDPR or other law. You can unsubscribe from future mailings at any time.',
    },
    recipientIds: [],
    source: SOURCE_YOU,
    relationships: ['newsletter'],
    role: 'controller',
    automatedDecisions: false,
  },
  {
    id: 'customer_relations',
    title: { sv: 'Kundrelationer', en: 'Customer relationships' },
    description: {
      sv: 'Vi behandlar personuppgifter om kontaktpersoner hos våra kunder för att kunna leverera tjänster och produkter och genomföra projekt. Vi behandlar bara de uppgifter som behövs.',
      en: "We process personal data about contact persons at our customers so that we can deliver services and products and carry out projects. We only process the data we need.",
    },
    legalBasis: {
      article: null,
      text: {
        sv: 'Policyn anger ingen rättslig grund för denna behandling.',
        en: 'The policy does not state a legal basis for this processing.',
      },
    },
    dataCategories: [
      { sv: 'Kontaktpersonens namn', en: "Contact person's name" },
      { sv: 'E-postadress', en: 'Email address' },
      { sv: 'Telefonnummer', en: 'Phone number' },
      {
        sv: 'Vilket företag eller vilken organisation kontaktpersonen hör till',
        en: 'The company or organisation the contact person belongs to',
      },
    ],
    dataSubjects: {
      sv: 'Kontaktpersoner hos kunder.',
      en: 'Contact persons at customers.',
    },
    retention: RETENTION_GENERAL,
    recipientIds: ['subcontractors'],
    source: SOURCE_YOU,
    relationships: ['customer_contact'],
    role: 'controller',
    automatedDecisions: false,
    note: {
      sv: 'Policyn anger inte den rättsliga grunden för kundrelationer. Den säger inte heller uttryckligen om uppgifterna kan komma från kontaktpersonens arbetsgivare.',
      en: "The policy does not state the legal basis for customer relationships. Nor does it say whether the data may come from the contact person's employer.",
    },
  },
  {
    id: 'processor_for_clients',
    title: { sv: 'Behandling för kunders räkning', en: 'Processing on behalf of clients' },
    description: {
      sv: 'Ibland behandlar vi personuppgifter för en kunds räkning. Då är kunden personuppgiftsansvarig och vi är personuppgiftsbiträde. Vi har då ett personuppgiftsbiträdesavtal med kunden och agerar bara efter kundens instruktioner.',
      en: "Sometimes we process personal data on behalf of a client. The client is then the controller and we are the processor. We then have a data processing agreement with the client and act only on the client's instructions.",
    },
    legalBasis: {
      article: null,
      text: {
        sv: 'Kunden, som är personuppgiftsansvarig, ansvarar för den rättsliga grunden. Vi behandlar uppgifterna enligt ett personuppgiftsbiträdesavtal.',
        en: 'The client, as controller, is responsible for the legal basis. We process the data under a data processing agreement.',
      },
    },
    dataCategories: [
      {
        sv: 'De personuppgifter kunden ger oss i uppdrag att behandla',
        en: 'The personal data the client instructs us to process',
      },
    ],
    dataSubjects: {
      sv: 'Personer vars uppgifter kunden ger oss i uppdrag att behandla.',
      en: 'People whose data the client instructs us to process.',
    },
    retention: {
      sv: 'Enligt kundens instruktioner i personuppgiftsbiträdesavtalet.',
      en: "According to the client's instructions in the data processing agreement.",
    },
    recipientIds: ['subcontractors'],
    source: {
      sv: 'Från vår kund, som är personuppgiftsansvarig.',
      en: 'From our client, who is the controller.',
    },
    relationships: ['other'],
    role: 'processor',
    automatedDecisions: false,
    note: {
      sv: 'Här är kunden personuppgiftsansvarig. Frågor om dina rättigheter bör i första hand ställas till kunden. Vi hjälper kunden att svara.',
      en: 'Here the client is the controller. Requests about your rights should primarily go to the client. We help the client to respond.',
    },
  },
]
