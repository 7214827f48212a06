import { CaseError } from '../cases/errors.js'

/** The refusals of package work, in both languages (shown on the staff pages and in the API). */
const M = {
  not_eligible: [422, 'Ett paket kan bara sammanställas i ett ärende om tillgång eller dataportabilitet.', 'A package can only be compiled for an access or portability case.'],
  case_closed: [409, 'Ärendet är avslutat. En administratör kan öppna det igen om paketet behöver göras om.', 'The case is closed. An administrator can reopen it if the package must be redone.'],
  no_package: [409, 'Inget paket är sammanställt ännu. Sammanställ det först.', 'No package has been compiled yet. Compile it first.'],
  package_sent: [409, 'Paketet är redan skickat och kan inte ändras. Sammanställ ett nytt om ärendet öppnas igen.', 'The package has already been sent and cannot be changed. Compile a new one if the case is reopened.'],
  not_reviewed: [409, 'Paketet måste granskas innan det skickas. Öppna förhandsvisningen, kontrollera innehållet och markera det som granskat.', 'The package must be reviewed before it is sent. Open the preview, check the contents and mark it as reviewed.'],
  cover_letter_required: [400, 'Skriv ett följebrev.', 'Write a cover letter.'],
  cover_letter_too_long: [400, 'Följebrevet får vara högst 20000 tecken.', 'The cover letter may be at most 20,000 characters.'],
  file_required: [400, 'Välj en fil att lägga till, en fil åt gången. Inget har lagts till.', 'Choose one file to add, one file at a time. Nothing was added.'],
  file_empty: [400, 'Filen är tom.', 'The file is empty.'],
  file_too_large: [413, 'Filen är för stor. Största tillåtna storlek är {max}.', 'The file is too large. The largest allowed size is {max}.'],
  file_type: [415, 'Den filtypen kan inte läggas till. Tillåtna typer: {types}. Filens innehåll måste stämma med filändelsen.', 'That file type cannot be added. Allowed types: {types}. The contents must match the file name extension.'],
  file_not_found: [404, 'Filen finns inte i paketet.', 'The file is not in the package.'],
  withheld_invalid: [400, 'Det som inte tas med ska anges som en lista med beskrivning och skäl.', 'What is withheld must be a list of items with a description and a reason.'],
  withheld_too_many: [400, 'Högst {max} saker kan anges som inte medtagna.', 'At most {max} withheld items can be given.'],
  withheld_description_required: [400, 'Rad {n}: beskriv vad som inte tas med.', 'Row {n}: describe what is withheld.'],
  withheld_reason_required: [400, 'Rad {n}: ange skälet till att det inte tas med (artiklarna 12.4 och 15.4). Den registrerade ska få veta varför.', 'Row {n}: give the reason it is withheld (GDPR Articles 12(4) and 15(4)). The requester must be told why.'],
  withheld_too_long: [400, 'Rad {n}: beskrivningen får vara högst {description} tecken och skälet högst {reason}.', 'Row {n}: the description may be at most {description} characters and the reason at most {reason}.'],
  too_many_files: [409, 'Paketet har redan det största antalet filer ({max}).', 'The package already has the largest number of files ({max}).'],
} as const

export type PackageErrorCode = keyof typeof M

export function packageError(code: PackageErrorCode, params: Record<string, string | number> = {}): CaseError {
  const [status, sv, en] = M[code]
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (w, k: string) => (params[k] === undefined ? w : String(params[k])))
  return new CaseError(code, status, { sv: fill(sv), en: fill(en) })
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} kB`
  return `${n} B`
}
