import type { ColumnDefinitionBuilder, Kysely } from 'kysely'

// Frozen. Issue 19 §1: the data map moves from code (src/registers/processing-register.ts) into the
// database, where administrators keep it up to date (src/datamap):
//  - recipient_categories: the categories of recipients the privacy policy names;
//  - purposes: the purposes of processing, keyed by today's ids, with the relationships (as chosen
//    in the request form) each applies to, its legal basis — null where the policy states none:
//    undecided, never invented — and an internal note (never shown to the public);
//  - systems: where personal data is held — the portal's own two registers are seeded, of kind
//    'register' — with their owner team, data categories, recipients and transfers outside the EU/EEA;
//  - system_purposes: which purposes each system serves.
// Every {sv, en} text and every list is JSON in a 'text' column (the same on SQLite and PostgreSQL).
// The seed is copied here, not imported, so later edits to the transcription cannot change it.
// Two public texts lose a remark about the policy (an internal note, kept in the purpose's note):
// customer_service's retention and product_development's data category.

const notNull = (c: ColumnDefinitionBuilder) => c.notNull()

const SEED_CATEGORIES = [
  {
    key: 'conference_venues',
    name: { sv: 'Konferensanläggningar', en: 'Conference venues' },
    description: { sv: 'Samarbetspartners som konferensanläggningar, när vi ordnar företagsevent.', en: 'Partners such as conference venues, when we arrange company events.' },
    general: false,
    note: null,
  },
  {
    key: 'travel_agencies',
    name: { sv: 'Resebyråer', en: 'Travel agencies' },
    description: { sv: 'Samarbetspartners som resebyråer, när vi ordnar resor.', en: 'Partners such as travel agencies, when we arrange travel.' },
    general: false,
    note: null,
  },
  {
    key: 'subcontractors',
    name: { sv: 'Underkonsulter', en: 'Subcontractors' },
    description: { sv: 'Underkonsulter vi samarbetar med, till exempel manusförfattare, filmare och art directors. Vi delar bara de personuppgifter som behövs för att projektet ska kunna genomföras.', en: 'Subcontractors we work with, for example script writers, film makers and art directors. We only share the personal data needed to carry out the project.' },
    general: false,
    note: null,
  },
  {
    key: 'service_providers',
    name: { sv: 'Tjänsteleverantörer', en: 'Service providers' },
    description: { sv: 'Leverantörer av tjänster för teknisk support och kundservice. Vi samarbetar bara med företag som följer GDPR och dataskyddslagstiftningen.', en: 'Providers of technical support and customer service. We only work with companies that comply with the GDPR and data protection law.' },
    general: true,
    note: { sv: 'Policyn säger att Xtractor har personuppgiftsbiträdesavtal med alla som behandlar personuppgifter för Xtractors räkning, men inte vilka av dessa leverantörer som är biträden.', en: 'The policy says Xtractor has a data processing agreement with everyone who processes personal data on its behalf, but not which of these providers are processors.' },
  },
  {
    key: 'payment_providers_banks',
    name: { sv: 'Betaltjänstleverantörer och banker', en: 'Payment service providers and banks' },
    description: { sv: 'Betaltjänstleverantörer och banker. Vi samarbetar bara med företag som följer GDPR och dataskyddslagstiftningen.', en: 'Payment service providers and banks. We only work with companies that comply with the GDPR and data protection law.' },
    general: true,
    note: null,
  },
  {
    key: 'authorities',
    name: { sv: 'Myndigheter', en: 'Public authorities' },
    description: { sv: 'Myndigheter, men bara när en särskild lag kräver det.', en: 'Public authorities, but only where a specific law requires it.' },
    general: true,
    note: null,
  },
  {
    key: 'analytics_advertising_services',
    name: { sv: 'Analys- och annonstjänster', en: 'Analytics and advertising services' },
    description: { sv: 'Google Analytics (anonymiserad statistik) och annonstjänster som Google AdSense och LinkedIn, som använder cookies.', en: 'Google Analytics (anonymised statistics) and advertising services such as Google AdSense and LinkedIn, which use cookies.' },
    general: false,
    note: { sv: 'Policyn nämner dessa tjänster under "Statistik och annonsering", inte i avsnittet om vem Xtractor delar personuppgifter med.', en: 'The policy names these services under "Statistics and advertising", not in its section on who Xtractor shares personal data with.' },
  },
]

const SEED_PURPOSES = [
  {
    id: 'employment',
    title: { sv: 'Anställda och underkonsulter', en: 'Employees and subcontractors' },
    description: { sv: 'Vi behandlar personuppgifter om anställda och underkonsulter i vår roll som arbetsgivare och uppdragsgivare. Vi samlar inte in fler uppgifter än vad som behövs för att uppfylla avtalet.', en: 'We process personal data about employees and subcontractors in our role as employer and client. We do not collect more data than we need to fulfil the contract.' },
    legalBasis: { article: 'Art. 6(1)(b)', text: { sv: 'Avtal (anställningsavtal eller underkonsultavtal).', en: 'Contract (employment contract or subcontractor agreement).' } },
    dataCategories: [
      { sv: 'De personuppgifter som behövs för att uppfylla avtalet.', en: 'The personal data needed to fulfil the contract.' },
    ],
    dataSubjects: { sv: 'Anställda och underkonsulter.', en: 'Employees and subcontractors.' },
    retention: { sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning. Mer information finns i personalhandboken och underkonsultavtalet.', en: 'For as long as there is a legal basis under the GDPR or other law. More details are in the staff handbook and the subcontractor agreement.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['supplier', 'employee', 'other'],
    role: 'controller',
    sensitive: false,
    recipientCategories: [],
    note: { sv: 'Detaljerna finns i personalhandboken och underkonsultavtalet, inte i policyn.', en: 'The details are in the staff handbook and the subcontractor agreement, not in the policy.' },
  },
  {
    id: 'recruitment',
    title: { sv: 'Rekrytering', en: 'Recruitment' },
    description: { sv: 'När vi rekryterar ber vi om ditt samtycke för att spara ditt CV och dina kontaktuppgifter. Du kan när som helst höra av dig för att återkalla samtycket eller ändra dina kontaktuppgifter.', en: 'When we recruit, we ask for your consent to keep your CV and contact details. You can contact us at any time to withdraw your consent or change your contact details.' },
    legalBasis: { article: 'Art. 6(1)(a)', text: { sv: 'Samtycke. Du kan när som helst återkalla ditt samtycke.', en: 'Consent. You can withdraw your consent at any time.' } },
    dataCategories: [
      { sv: 'CV', en: 'CV' },
      { sv: 'Kontaktuppgifter', en: 'Contact details' },
    ],
    dataSubjects: { sv: 'Jobbsökande.', en: 'Job applicants.' },
    retention: { sv: 'I tre år, eller så länge ditt samtycke gäller.', en: 'For three years, or for as long as your consent lasts.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['candidate'],
    role: 'controller',
    sensitive: false,
    recipientCategories: [],
    note: { sv: 'Policyn säger "i tre år eller så länge samtycke föreligger". Den säger inte uttryckligen om tre år är en övre gräns.', en: 'The policy says "for three years or as long as consent exists". It does not say explicitly whether three years is an upper limit.' },
  },
  {
    id: 'events_travel',
    title: { sv: 'Företagsevent och resor', en: 'Company events and travel' },
    description: { sv: 'I samband med företagsevent eller resor kan vi behandla känsliga personuppgifter, till exempel matallergier, för att kunna beställa rätt mat.', en: 'For company events or travel we may process sensitive personal data, such as food allergies, so that we can order the right food.' },
    legalBasis: null,
    dataCategories: [
      { sv: 'Känsliga personuppgifter, till exempel matallergier', en: 'Sensitive personal data, such as food allergies' },
      { sv: 'Personuppgifter som behövs för att ordna eventet eller resan', en: 'Personal data needed to arrange the event or trip' },
    ],
    dataSubjects: { sv: 'Deltagare i företagsevent och resor.', en: 'People taking part in company events and travel.' },
    retention: { sv: 'Inte längre än situationen kräver.', en: 'No longer than the situation requires.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['event_participant'],
    role: 'controller',
    sensitive: true,
    recipientCategories: ['conference_venues', 'travel_agencies'],
    note: { sv: 'Policyn anger inte den rättsliga grunden eller vilket undantag i artikel 9 som används för uppgifter om hälsa (matallergier). Normalt krävs uttryckligt samtycke (artikel 9.2 a), men det står inte i policyn.', en: 'The policy does not state the legal basis or which Article 9 exception applies to health data (food allergies). Explicit consent (Art. 9(2)(a)) would normally be needed, but the policy does not say so.' },
  },
  {
    id: 'questions',
    title: { sv: 'Frågor från allmänheten', en: 'Questions from the public' },
    description: { sv: 'När du ställer en fråga eller kontaktar oss använder vi dina uppgifter för att kunna svara dig.', en: 'When you ask a question or contact us, we use your details to answer you.' },
    legalBasis: null,
    dataCategories: [
      { sv: 'De personuppgifter du lämnar när du kontaktar oss, till exempel via e-post', en: 'The personal data you give us when you contact us, for example by email' },
    ],
    dataSubjects: { sv: 'Personer som kontaktar oss med frågor.', en: 'People who contact us with questions.' },
    retention: { sv: 'Inte längre än vad som behövs för att besvara frågan, om det inte finns samtycke eller annan rättslig grund. Vi raderar e-postmeddelandet direkt efter att frågan har besvarats.', en: 'No longer than needed to answer the question, unless there is consent or another legal basis. We delete the email as soon as the question has been answered.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['other'],
    role: 'controller',
    sensitive: false,
    recipientCategories: [],
    note: { sv: 'Policyn anger ingen rättslig grund för att besvara frågor. Om uppgifterna ska sparas längre krävs samtycke eller annan rättslig grund.', en: 'The policy does not state a legal basis for answering questions. Keeping the data longer requires consent or another legal basis.' },
  },
  {
    id: 'customer_service',
    title: { sv: 'Kundservice och support', en: 'Customer service and support' },
    description: { sv: 'Vi sparar historik över supportärenden. Vi behöver historiken för att upprätthålla en god kundrelation och erbjuda effektiv kundservice.', en: 'We keep a history of support cases. We need it to maintain a good customer relationship and offer efficient customer service.' },
    legalBasis: { article: 'Art. 6(1)(f)', text: { sv: 'Intresseavvägning: vårt berättigade intresse av en god kundrelation och effektiv kundservice.', en: 'Legitimate interest: our interest in a good customer relationship and efficient customer service.' } },
    dataCategories: [
      { sv: 'Historik över supportärenden', en: 'History of support cases' },
    ],
    dataSubjects: { sv: 'Personer som kontaktar oss i supportärenden.', en: 'People who contact us about support cases.' },
    retention: { sv: 'Historiken sparas för att upprätthålla kundrelationen, så länge det finns laglig grund enligt GDPR eller annan lagstiftning.', en: 'The history is kept to maintain the customer relationship, for as long as there is a legal basis under the GDPR or other law.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['customer_contact'],
    role: 'controller',
    sensitive: false,
    recipientCategories: [],
    note: null,
  },
  {
    id: 'product_development',
    title: { sv: 'Produktutveckling och kundundersökningar', en: 'Product development and customer surveys' },
    description: { sv: 'Vi gör kundundersökningar för att utveckla och förbättra våra produkter och tjänster.', en: 'We run customer surveys to develop and improve our products and services.' },
    legalBasis: null,
    dataCategories: [
      { sv: 'Personuppgifter i samband med kundundersökningar', en: 'Personal data in connection with customer surveys' },
    ],
    dataSubjects: { sv: 'Kunder som deltar i kundundersökningar.', en: 'Customers who take part in customer surveys.' },
    retention: { sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning.', en: 'For as long as there is a legal basis under the GDPR or other law.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['customer_contact'],
    role: 'controller',
    sensitive: false,
    recipientCategories: [],
    note: { sv: 'Policyn anger varken rättslig grund, uppgiftskategorier eller lagringstid för kundundersökningar.', en: 'The policy states neither the legal basis, the data categories nor the retention period for customer surveys.' },
  },
  {
    id: 'statistics_advertising',
    title: { sv: 'Statistik och annonsering', en: 'Statistics and advertising' },
    description: { sv: 'Vi använder anonymiserad statistik från Google Analytics, till exempel för att se vilken teknisk produkt besökare använder, så att webbplatsen fungerar bra. Vi använder cookies när vi annonserar via annonstjänster som Google AdSense och LinkedIn.', en: 'We use anonymised statistics from Google Analytics, for example to see which device visitors use, so that the website works well. We use cookies when we advertise through services such as Google AdSense and LinkedIn.' },
    legalBasis: null,
    dataCategories: [
      { sv: 'Anonymiserad statistik om webbplatsbesök, till exempel vilken teknisk produkt du använder', en: 'Anonymised statistics about website visits, such as the device you use' },
      { sv: 'Cookies för annonsering (Google AdSense, LinkedIn)', en: 'Advertising cookies (Google AdSense, LinkedIn)' },
    ],
    dataSubjects: { sv: 'Besökare på vår webbplats.', en: 'Visitors to our website.' },
    retention: { sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning.', en: 'For as long as there is a legal basis under the GDPR or other law.' },
    source: { sv: 'Från dig, via din webbläsare när du besöker vår webbplats.', en: 'From you, through your browser when you visit our website.' },
    relationships: ['other'],
    role: 'controller',
    sensitive: false,
    recipientCategories: ['analytics_advertising_services'],
    note: { sv: 'Policyn anger ingen rättslig grund eller lagringstid för annonscookies.', en: 'The policy states no legal basis or retention period for advertising cookies.' },
  },
  {
    id: 'newsletter',
    title: { sv: 'Nyhetsbrev och marknadsföring via e-post', en: 'Newsletter and email marketing' },
    description: { sv: 'Vi skickar nyhetsbrev och erbjudanden via e-post till personer som visar intresse för våra produkter och tjänster. Du kan när som helst avsäga dig utskicken genom att klicka på länken i e-postmeddelandet eller skriva till oss.', en: 'We send newsletters and offers by email to people who show interest in our products and services. You can unsubscribe at any time by clicking the link in the email or by emailing us.' },
    legalBasis: { article: 'Art. 6(1)(f)', text: { sv: 'Intresseavvägning: vi behöver kunna marknadsföra oss för att bedriva verksamhet på lång sikt.', en: 'Legitimate interest: we need to be able to market ourselves to run our business in the long term.' } },
    dataCategories: [
      { sv: 'Namn', en: 'Name' },
      { sv: 'E-postadress', en: 'Email address' },
      { sv: 'Telefonnummer', en: 'Phone number' },
    ],
    dataSubjects: { sv: 'Personer som visar intresse för våra produkter och tjänster.', en: 'People who show interest in our products and services.' },
    retention: { sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning. Du kan när som helst avsäga dig framtida utskick.', en: 'For as long as there is a legal basis under the GDPR or other law. You can unsubscribe from future mailings at any time.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['newsletter'],
    role: 'controller',
    sensitive: false,
    recipientCategories: [],
    note: null,
  },
  {
    id: 'customer_relations',
    title: { sv: 'Kundrelationer', en: 'Customer relationships' },
    description: { sv: 'Vi behandlar personuppgifter om kontaktpersoner hos våra kunder för att kunna leverera tjänster och produkter och genomföra projekt. Vi behandlar bara de uppgifter som behövs.', en: 'We process personal data about contact persons at our customers so that we can deliver services and products and carry out projects. We only process the data we need.' },
    legalBasis: null,
    dataCategories: [
      { sv: 'Kontaktpersonens namn', en: "Contact person's name" },
      { sv: 'E-postadress', en: 'Email address' },
      { sv: 'Telefonnummer', en: 'Phone number' },
      { sv: 'Vilket företag eller vilken organisation kontaktpersonen hör till', en: 'The company or organisation the contact person belongs to' },
    ],
    dataSubjects: { sv: 'Kontaktpersoner hos kunder.', en: 'Contact persons at customers.' },
    retention: { sv: 'Så länge det finns laglig grund enligt GDPR eller annan lagstiftning.', en: 'For as long as there is a legal basis under the GDPR or other law.' },
    source: { sv: 'Från dig.', en: 'From you.' },
    relationships: ['customer_contact'],
    role: 'controller',
    sensitive: false,
    recipientCategories: ['subcontractors'],
    note: { sv: 'Policyn anger inte den rättsliga grunden för kundrelationer. Den säger inte heller uttryckligen om uppgifterna kan komma från kontaktpersonens arbetsgivare.', en: "The policy does not state the legal basis for customer relationships. Nor does it say whether the data may come from the contact person's employer." },
  },
  {
    id: 'processor_for_clients',
    title: { sv: 'Behandling för kunders räkning', en: 'Processing on behalf of clients' },
    description: { sv: 'Ibland behandlar vi personuppgifter för en kunds räkning. Då är kunden personuppgiftsansvarig och vi är personuppgiftsbiträde. Vi har då ett personuppgiftsbiträdesavtal med kunden och agerar bara efter kundens instruktioner.', en: "Sometimes we process personal data on behalf of a client. The client is then the controller and we are the processor. We then have a data processing agreement with the client and act only on the client's instructions." },
    legalBasis: { article: null, text: { sv: 'Kunden, som är personuppgiftsansvarig, ansvarar för den rättsliga grunden. Vi behandlar uppgifterna enligt ett personuppgiftsbiträdesavtal.', en: 'The client, as controller, is responsible for the legal basis. We process the data under a data processing agreement.' } },
    dataCategories: [
      { sv: 'De personuppgifter kunden ger oss i uppdrag att behandla', en: 'The personal data the client instructs us to process' },
    ],
    dataSubjects: { sv: 'Personer vars uppgifter kunden ger oss i uppdrag att behandla.', en: 'People whose data the client instructs us to process.' },
    retention: { sv: 'Enligt kundens instruktioner i personuppgiftsbiträdesavtalet.', en: "According to the client's instructions in the data processing agreement." },
    source: { sv: 'Från vår kund, som är personuppgiftsansvarig.', en: 'From our client, who is the controller.' },
    relationships: ['other'],
    role: 'processor',
    sensitive: false,
    recipientCategories: ['subcontractors'],
    note: { sv: 'Här är kunden personuppgiftsansvarig. Frågor om dina rättigheter bör i första hand ställas till kunden. Vi hjälper kunden att svara.', en: 'Here the client is the controller. Requests about your rights should primarily go to the client. We help the client to respond.' },
  },
]

const SEED_SYSTEMS = [
  {
    key: 'newsletter',
    name: { sv: 'Nyhetsbrevsregistret', en: 'Newsletter register' },
    team: 'marketing',
    purposes: ['newsletter'],
    dataCategories: [
      { sv: 'Namn', en: 'Name' },
      { sv: 'E-postadress', en: 'Email address' },
      { sv: 'Telefonnummer', en: 'Phone number' },
      { sv: 'Var anmälan kom ifrån', en: 'Where the sign-up came from' },
      { sv: 'När du anmälde och avanmälde dig', en: 'When you signed up and unsubscribed' },
    ],
  },
  {
    key: 'candidates',
    name: { sv: 'Kandidatregistret', en: 'Candidate register' },
    team: 'recruitment',
    purposes: ['recruitment'],
    dataCategories: [
      { sv: 'Namn', en: 'Name' },
      { sv: 'E-postadress', en: 'Email address' },
      { sv: 'Telefonnummer', en: 'Phone number' },
      { sv: 'CV', en: 'CV' },
      { sv: 'När du lämnade och återkallade ditt samtycke', en: 'When you gave and withdrew your consent' },
    ],
  },
]

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recipient_categories')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('description', 'text', notNull)
    .addColumn('general', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', notNull)
    .execute()

  await db.schema
    .createTable('purposes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', notNull)
    .addColumn('title', 'text', notNull)
    .addColumn('description', 'text', notNull)
    // JSON {article, text: {sv, en}}; null: undecided.
    .addColumn('legal_basis', 'text')
    .addColumn('data_categories', 'text', notNull)
    .addColumn('data_subjects', 'text', notNull)
    .addColumn('retention', 'text', notNull)
    .addColumn('source', 'text', notNull)
    // JSON list of relationships (src/intake/request-types.ts RELATIONSHIPS).
    .addColumn('relationships', 'text', notNull)
    .addColumn('role', 'text', notNull)
    .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON list of recipient_categories keys.
    .addColumn('recipient_categories', 'text', notNull)
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', notNull)
    .execute()

  await db.schema
    .createTable('systems')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', notNull)
    .addColumn('kind', 'text', notNull)
    .addColumn('owner_team_id', 'integer', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('data_categories', 'text', notNull)
    // JSON [{name: {sv, en}, description: {sv, en}}].
    .addColumn('recipients', 'text', notNull)
    // JSON [{country: ISO 3166-1 alpha-2, safeguard: {sv, en}}].
    .addColumn('transfers', 'text', notNull)
    .addColumn('created_at', 'text', notNull)
    .addColumn('updated_at', 'text', notNull)
    .execute()

  await db.schema
    .createTable('system_purposes')
    .addColumn('system_key', 'text', (c) => c.notNull().references('systems.key').onDelete('cascade'))
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addPrimaryKeyConstraint('system_purposes_pk', ['system_key', 'purpose_id'])
    .execute()
  await db.schema.createIndex('system_purposes_purpose_idx').on('system_purposes').column('purpose_id').execute()

  const at = new Date().toISOString()
  const json = (v: unknown) => JSON.stringify(v)
  for (const [i, c] of SEED_CATEGORIES.entries()) {
    await db
      .insertInto('recipient_categories')
      .values({ key: c.key, position: i + 1, name: json(c.name), description: json(c.description), general: c.general ? 1 : 0, note: c.note ? json(c.note) : null, updated_at: at })
      .execute()
  }
  for (const [i, p] of SEED_PURPOSES.entries()) {
    await db
      .insertInto('purposes')
      .values({
        id: p.id,
        position: i + 1,
        title: json(p.title),
        description: json(p.description),
        legal_basis: p.legalBasis ? json(p.legalBasis) : null,
        data_categories: json(p.dataCategories),
        data_subjects: json(p.dataSubjects),
        retention: json(p.retention),
        source: json(p.source),
        relationships: json(p.relationships),
        role: p.role,
        sensitive: p.sensitive ? 1 : 0,
        recipient_categories: json(p.recipientCategories),
        note: p.note ? json(p.note) : null,
        updated_at: at,
      })
      .execute()
  }
  for (const s of SEED_SYSTEMS) {
    // The teams seeded by 005 that routing sends these registers' cases to; none if renamed since.
    const team = (await db.selectFrom('teams').select('id').where('key', '=', s.team).executeTakeFirst()) as { id: number } | undefined
    await db
      .insertInto('systems')
      .values({ key: s.key, name: json(s.name), kind: 'register', owner_team_id: team?.id ?? null, data_categories: json(s.dataCategories), recipients: '[]', transfers: '[]', created_at: at, updated_at: at })
      .execute()
    for (const purpose of s.purposes) await db.insertInto('system_purposes').values({ system_key: s.key, purpose_id: purpose }).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['system_purposes', 'systems', 'purposes', 'recipient_categories']) await db.schema.dropTable(table).execute()
}
