import type { Config } from '../config.js'
import type { Lang } from '../i18n/index.js'
import { controller } from '../registers/controller.js'
import { RATE_EVENT_RETENTION_HOURS } from '../security/rate-limit.js'

/**
 * What the portal tells people about its own processing where it collects their data (Art. 13),
 * in layers: two sentences under every public form and on the status page (the catalogues'
 * `privacy.short`, views/partials/privacy-short.hbs), the full notice at /privacy/requests. Every number comes from the settings in force, never from copy.
 */
export interface NoticeSection {
  title: string
  paragraphs: string[]
}

type Numbers = {
  rateHours: number
  verifyHours: number
  unverifiedDays: number
  caseYears: number
  packageDays: number
  provider: string | null
}

function numbers(config: Config): Numbers {
  return {
    rateHours: RATE_EVENT_RETENTION_HOURS,
    verifyHours: config.verifyTokenTtlHours,
    unverifiedDays: config.unverifiedRetentionDays,
    caseYears: config.caseRetentionYears,
    packageDays: config.packageRetentionDays,
    provider: config.mailProviderName,
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

function sv(n: Numbers): { title: string; sections: NoticeSection[] } {
  const provider = n.provider ? `${n.provider}, som skickar e-post åt oss` : 'det företag som skickar e-post åt oss'
  return {
    title: 'Hur vi hanterar din begäran',
    sections: [
      { title: 'Personuppgiftsansvarig', paragraphs: [`${controller.name} (organisationsnummer ${controller.orgNo}) ansvarar för uppgifterna i den här portalen. Kontakt: ${controller.email}, ${controller.phone}.`] },
      { title: 'Varför vi behandlar uppgifterna', paragraphs: ['För att ta emot, bekräfta och besvara din begäran enligt dataskyddsförordningen, och för att kunna visa att vi har gjort det. Den rättsliga grunden är rättslig förpliktelse (artikel 6.1 c) tillsammans med artikel 12, som ålägger oss att hantera och besvara begäran.'] },
      {
        title: 'Vilka uppgifter vi sparar',
        paragraphs: [
          'Din e-postadress och ditt namn, vad begäran gäller och hur du har kontakt med oss, det du skriver i begäran och de meddelanden vi skickar till varandra. Om du begär för någon annans räkning sparar vi också den personens namn och e-postadress och det underlag du skickar.',
          `För att stoppa missbruk sparar vi en nyckelhashad (inte läsbar) form av din IP-adress och din e-postadress i ${plural(n.rateHours, 'timme', 'timmar')}.`,
          'Kakor: på de publika sidorna en kaka för valt språk (ett år) och en kaka som skyddar formulären mot förfalskade inskick (tills webbläsaren stängs). Personalen har dessutom en inloggningskaka. Vi använder inga kakor för statistik eller annonser i portalen.',
        ],
      },
      {
        title: 'Hur länge vi sparar uppgifterna',
        paragraphs: [
          `En begäran som inte bekräftas raderas efter ${plural(n.unverifiedDays, 'dag', 'dagar')} (länken i e-postmeddelandet gäller i ${plural(n.verifyHours, 'timme', 'timmar')}).`,
          `Ett ärende sparas i ${plural(n.caseYears, 'år', 'år')} efter att det avslutats. Därefter finns bara ärendenummer, datum, typ och utfall kvar; adress, namn, text, meddelanden och underlag raderas. En fråga raderas så snart den är besvarad, om du inte ber oss spara den.`,
          `En sammanställning av dina uppgifter (registerutdrag) och dess filer raderas ${plural(n.packageDays, 'dag', 'dagar')} efter att vi skickat den.`,
          'Loggen över vad personalen har gjort i ärendet (vem, vad och när, inte innehållet i din begäran) sparas så länge portalen används och kan inte ändras i efterhand.',
        ],
      },
      {
        title: 'Vem som får del av uppgifterna',
        paragraphs: [
          `Våra medarbetare som hanterar begäran, och ${provider}. Uppgifterna lagras inom EU/EES.`,
          'Om begäran gäller uppgifter som vi behandlar åt en kund skickar vi den vidare till kunden, som är personuppgiftsansvarig för dem.',
        ],
      },
      {
        title: 'Dina rättigheter',
        paragraphs: [
          'Du har samma rättigheter för de här uppgifterna som för andra uppgifter vi har om dig: tillgång, rättelse, radering, begränsning och invändning.',
          `Du har rätt att lämna klagomål till ${controller.supervisoryAuthority.name.sv}, ${controller.supervisoryAuthority.url.replace('https://', '')} (artikel 77).`,
        ],
      },
    ],
  }
}

function en(n: Numbers): { title: string; sections: NoticeSection[] } {
  const provider = n.provider ? `${n.provider}, which sends our email` : 'the company that sends our email'
  return {
    title: 'How we handle your request',
    sections: [
      { title: 'Controller', paragraphs: [`${controller.name} (company registration number ${controller.orgNo}) is responsible for the data in this portal. Contact: ${controller.email}, ${controller.phoneIntl}.`] },
      { title: 'Why we process the data', paragraphs: ['To receive, confirm and answer your request under the GDPR, and to be able to show that we did. The legal basis is a legal obligation (Art. 6(1)(c)) together with Art. 12, which requires us to handle and answer the request.'] },
      {
        title: 'What we keep',
        paragraphs: [
          'Your email address and name, what the request is about and how you are in contact with us, what you write in the request and the messages between us. If you ask on behalf of someone else, we also keep that person’s name and email address and the proof you send.',
          `To stop abuse we keep a keyed hash (not readable) of your IP address and your email address for ${plural(n.rateHours, 'hour', 'hours')}.`,
          'Cookies: on the public pages one cookie for the chosen language (one year) and one that protects the forms against forged submissions (until the browser is closed). Staff also have a sign-in cookie. The portal uses no cookies for statistics or advertising.',
        ],
      },
      {
        title: 'How long we keep it',
        paragraphs: [
          `A request that is not confirmed is deleted after ${plural(n.unverifiedDays, 'day', 'days')} (the link in the email works for ${plural(n.verifyHours, 'hour', 'hours')}).`,
          `A case is kept for ${plural(n.caseYears, 'year', 'years')} after it is closed. After that only its reference, dates, type and outcome remain; the address, name, text, messages and proof are deleted. A question is deleted as soon as it is answered, unless you ask us to keep it.`,
          `A copy of your data (an access package) and its files are deleted ${plural(n.packageDays, 'day', 'days')} after we send it.`,
          'The log of what staff did on the case (who, what and when, not the content of your request) is kept for as long as the portal is in use and cannot be changed afterwards.',
        ],
      },
      {
        title: 'Who receives the data',
        paragraphs: [
          `Our staff who handle the request, and ${provider}. The data is stored within the EU/EEA.`,
          'If the request concerns data we process for a client, we forward it to that client, who is the controller of that data.',
        ],
      },
      {
        title: 'Your rights',
        paragraphs: [
          'You have the same rights over this data as over any other data we hold about you: access, rectification, erasure, restriction and objection.',
          `You have the right to lodge a complaint with the ${controller.supervisoryAuthority.name.en}, ${controller.supervisoryAuthority.url.replace('https://', '')} (Art. 77).`,
        ],
      },
    ],
  }
}

export function privacyNotice(config: Config, lang: Lang) {
  return (lang === 'sv' ? sv : en)(numbers(config))
}
