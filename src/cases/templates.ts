import { appendAudit } from '../audit/log.js'
import type { Db, Executor } from '../db/connection.js'
import { findTemplate, upsertTemplate } from './template-repository.js'
import type { Lang } from '../i18n/index.js'

export interface TemplateText {
  title: string
  subject: string
  body: string
}

export const TEMPLATE_KEYS = ['request_info', 'confirm_identity', 'answer', 'completed', 'rejection', 'extension', 'access_package', 'question_answer', 'forward_controller', 'forward_requester', 'partial_refusal', 'refused_excessive'] as const
export type TemplateKey = (typeof TEMPLATE_KEYS)[number]
/** Templates used by their own actions (answering a question, forwarding, refusing), not offered as free messages. */
export const ACTION_TEMPLATE_KEYS: readonly TemplateKey[] = ['question_answer', 'forward_controller', 'forward_requester', 'partial_refusal', 'refused_excessive']
export const MESSAGE_TEMPLATE_KEYS = TEMPLATE_KEYS.filter((k) => !ACTION_TEMPLATE_KEYS.includes(k))

/**
 * Used until an admin edits a template; placeholders are {{name}}, {{reference}}, {{dueDate}}, {{type}}.
 * The refusal letters (rejection, partial_refusal, refused_excessive) say nothing about IMY and the
 * courts here: that block is fixed and added after the text (src/cases/refusal-notice.ts).
 */
export const DEFAULT_TEMPLATES: Record<TemplateKey, Record<Lang, TemplateText>> = {
  request_info: {
    sv: { title: 'Be om förtydligande', subject: 'Fråga om ditt ärende {{reference}}', body: 'Hej {{name}}!\n\nFör att kunna hantera din begäran ({{type}}) behöver vi veta mer: \n\n[Skriv frågan här]\n\nSvara via länken nedan.' },
    en: { title: 'Ask for clarification', subject: 'A question about your case {{reference}}', body: 'Hello {{name}},\n\nTo handle your request ({{type}}) we need to know more:\n\n[Write the question here]\n\nPlease answer through the link below.' },
  },
  confirm_identity: {
    sv: { title: 'Be om identitetsbekräftelse', subject: 'Bekräfta din identitet – ärende {{reference}}', body: 'Hej {{name}}!\n\nFör att skydda dina uppgifter behöver vi försäkra oss om att det verkligen är du som begär dem. Svara via länken nedan med [uppgift som behövs].\n\nVi frågar bara efter det som behövs.' },
    en: { title: 'Ask to confirm identity', subject: 'Please confirm your identity – case {{reference}}', body: 'Hello {{name}},\n\nTo protect your data we need to make sure it is really you asking for it. Please answer through the link below with [the information needed].\n\nWe only ask for what is needed.' },
  },
  answer: {
    sv: { title: 'Svar', subject: 'Svar i ditt ärende {{reference}}', body: 'Hej {{name}}!\n\n[Skriv svaret här]\n\nDen första kopian av dina uppgifter är kostnadsfri.' },
    en: { title: 'Answer', subject: 'An answer in your case {{reference}}', body: 'Hello {{name}},\n\n[Write the answer here]\n\nThe first copy of your data is free of charge.' },
  },
  completed: {
    sv: { title: 'Ärendet är klart', subject: 'Ditt ärende {{reference}} är klart', body: 'Hej {{name}}!\n\nVi har nu genomfört din begäran ({{type}}).\n\n[Beskriv vad som gjorts]' },
    en: { title: 'Case completed', subject: 'Your case {{reference}} is completed', body: 'Hello {{name}},\n\nWe have now carried out your request ({{type}}).\n\n[Describe what was done]' },
  },
  rejection: {
    sv: { title: 'Avslag', subject: 'Beslut i ditt ärende {{reference}}', body: 'Hej {{name}}!\n\nVi kan inte tillmötesgå din begäran ({{type}}).\n\nSkäl: {{reason}}' },
    en: { title: 'Rejection', subject: 'Decision in your case {{reference}}', body: 'Hello {{name}},\n\nWe cannot comply with your request ({{type}}).\n\nReason: {{reason}}' },
  },
  partial_refusal: {
    sv: { title: 'Delvis avslag', subject: 'Beslut i ditt ärende {{reference}}', body: 'Hej {{name}}!\n\nVi har genomfört din begäran ({{type}}), men en del av den kan vi inte tillmötesgå.\n\nSkäl: {{reason}}' },
    en: { title: 'Partial refusal', subject: 'Decision in your case {{reference}}', body: 'Hello {{name}},\n\nWe have carried out your request ({{type}}), but we cannot comply with part of it.\n\nReason: {{reason}}' },
  },
  refused_excessive: {
    sv: { title: 'Avslag: uppenbart ogrundad eller orimlig begäran', subject: 'Beslut i ditt ärende {{reference}}', body: 'Hej {{name}}!\n\nVi tillmötesgår inte din begäran ({{type}}), eftersom den är uppenbart ogrundad eller orimlig (artikel 12.5 i dataskyddsförordningen).\n\nSkäl: {{reason}}' },
    en: { title: 'Refusal: manifestly unfounded or excessive request', subject: 'Decision in your case {{reference}}', body: 'Hello {{name}},\n\nWe will not act on your request ({{type}}), because it is manifestly unfounded or excessive (GDPR Article 12(5)).\n\nReason: {{reason}}' },
  },
  // The cover letter of an access/portability package (src/access); {{retentionDays}} is PACKAGE_RETENTION_DAYS.
  access_package: {
    sv: {
      title: 'Följebrev till kopia av uppgifter',
      subject: 'Din kopia av dina personuppgifter – ärende {{reference}}',
      body: 'Hej {{name}}!\n\nHär är den kopia av dina personuppgifter som du bad om ({{type}}, ärende {{reference}}).\n\nPaketet är en ZIP-fil med en läsbar rapport som du kan öppna i webbläsaren och skriva ut, samma uppgifter i maskinläsbar form (data.json) som du kan ta med dig till någon annan, och eventuella filer från våra andra system. Rapporten berättar också varför vi behandlar uppgifterna, vilka som kan få del av dem, hur länge vi sparar dem, var de kommer ifrån, att vi inte fattar automatiserade beslut, vilka rättigheter du har och att du kan klaga hos Integritetsskyddsmyndigheten (IMY).\n\nDen första kopian är kostnadsfri.\n\nDu hämtar paketet på din ärendesida, som länken i vårt e-postmeddelande öppnar: välj ”Hämta din kopia”, be om en engångskod (vi skickar den med e-post till den här adressen) och skriv in den. Paketet finns att hämta i {{retentionDays}} dagar; därefter raderas det.',
    },
    en: {
      title: 'Cover letter for a copy of data',
      subject: 'Your copy of your personal data – case {{reference}}',
      body: 'Hello {{name}},\n\nHere is the copy of your personal data that you asked for ({{type}}, case {{reference}}).\n\nThe package is a ZIP file with a readable report that you can open in your browser and print, the same data in machine-readable form (data.json) that you can take to someone else, and any files from our other systems. The report also tells you why we process the data, who may receive it, how long we keep it, where it comes from, that we make no automated decisions, what your rights are and that you can complain to the Swedish Authority for Privacy Protection (IMY).\n\nThe first copy is free of charge.\n\nYou download the package on your case page, which the link in our email opens: choose “Get your copy”, ask for a one-time code (we email it to this address) and enter it. The package can be downloaded for {{retentionDays}} days; after that it is deleted.',
    },
  },
  extension: {
    sv: { title: 'Förlängd svarstid', subject: 'Vi behöver mer tid för ditt ärende {{reference}}', body: 'Hej {{name}}!\n\nVi behöver förlänga tiden för att svara på din begäran ({{type}}), enligt artikel 12.3 i dataskyddsförordningen.\n\nSkäl: {{reason}}\n\nVi svarar senast {{dueDate}}.' },
    en: { title: 'Extended time limit', subject: 'We need more time for your case {{reference}}', body: 'Hello {{name}},\n\nWe need to extend the time to answer your request ({{type}}), as Article 12(3) of the GDPR allows.\n\nReason: {{reason}}\n\nWe will answer by {{dueDate}}.' },
  },
  question_answer: {
    sv: { title: 'Svar på en fråga', subject: 'Svar på din fråga – ärende {{reference}}', body: 'Hej {{name}}!\n\n{{answer}}\n\nEnligt vår personuppgiftspolicy raderar vi nu din fråga och dina kontaktuppgifter, om du inte har bett oss spara dem.' },
    en: { title: 'Answer to a question', subject: 'The answer to your question – case {{reference}}', body: 'Hello {{name}},\n\n{{answer}}\n\nAs our privacy policy says, we now delete your question and your contact details, unless you asked us to keep them.' },
  },
  forward_controller: {
    sv: {
      title: 'Vidarebefordran till kunden (personuppgiftsansvarig)',
      subject: 'Begäran från en registrerad – vårt ärende {{reference}}',
      body: 'Hej {{controller}}!\n\nVi behandlar personuppgifter för er räkning enligt vårt personuppgiftsbiträdesavtal och får bara agera efter era instruktioner. Vi har fått en begäran som gäller er behandling och skickar den därför vidare till er som personuppgiftsansvarig.\n\nÄrende: {{reference}}\nBegäran: {{type}}\nMottagen: {{received}}\nNamn: {{name}}\nE-post: {{email}}\n\nBeskrivning:\n{{details}}\n\nDen registrerade har fått veta att begäran har skickats till er. Hör av er om ni vill att vi hjälper till, till exempel med att ta fram eller radera uppgifter.',
    },
    en: {
      title: 'Forwarding to the client (controller)',
      subject: 'A request from a data subject – our case {{reference}}',
      body: 'Hello {{controller}},\n\nWe process personal data on your behalf under our data processing agreement and may only act on your instructions. We have received a request concerning that processing and therefore pass it on to you as the controller.\n\nCase: {{reference}}\nRequest: {{type}}\nReceived: {{received}}\nName: {{name}}\nEmail: {{email}}\n\nDetails:\n{{details}}\n\nThe requester has been told that the request was passed on to you. Let us know if you want our help, for example to find or erase the data.',
    },
  },
  forward_requester: {
    sv: { title: 'Besked om vidarebefordran', subject: 'Din begäran har skickats till {{controller}} – ärende {{reference}}', body: 'Hej {{name}}!\n\nUppgifterna som din begäran ({{type}}) gäller behandlar vi för en kunds räkning. Det är kunden, {{controller}}, som är personuppgiftsansvarig, och vi får bara agera efter kundens instruktioner.\n\nVi har därför skickat din begäran vidare till {{controller}} ({{controllerEmail}}), som svarar dig. Du kan också kontakta dem direkt.' },
    en: { title: 'Notice of forwarding', subject: 'Your request has been passed on to {{controller}} – case {{reference}}', body: 'Hello {{name}},\n\nWe process the data your request ({{type}}) concerns on behalf of a client. The client, {{controller}}, is the controller, and we may only act on their instructions.\n\nWe have therefore passed your request on to {{controller}} ({{controllerEmail}}), who will answer you. You can also contact them directly.' },
  },
}

export function isTemplateKey(value: unknown): value is TemplateKey {
  return typeof value === 'string' && (TEMPLATE_KEYS as readonly string[]).includes(value)
}

/** A stored edit wins over the default. */
export async function loadTemplate(db: Executor, key: TemplateKey, lang: Lang): Promise<TemplateText> {
  return (await findTemplate(db, key, lang)) ?? DEFAULT_TEMPLATES[key][lang]
}

export async function saveTemplate(db: Executor, key: TemplateKey, lang: Lang, text: TemplateText, staffId: number, at: string): Promise<void> {
  await upsertTemplate(db, key, lang, text, staffId, at)
}

/** An admin's edit: the text (keeping the template's title) and its audit entry commit together. */
export async function saveTemplateAudited(db: Db, key: TemplateKey, lang: Lang, edit: { subject: string; body: string }, staffId: number, now: Date): Promise<void> {
  const current = await loadTemplate(db, key, lang)
  await db.transaction().execute(async (trx) => {
    await saveTemplate(trx, key, lang, { title: current.title, ...edit }, staffId, now.toISOString())
    await appendAudit(trx, { actorType: 'staff', actorId: staffId, action: 'template.save', target: `${key}:${lang}`, at: now })
  })
}

/** Plain replacement, not a template language: an admin's template cannot run code. */
export function fillPlaceholders(text: string, values: Record<string, string | null | undefined>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => {
    const v = values[key]
    return v === undefined ? whole : (v ?? '')
  })
}
