/** The short layer of the notice about the portal's own processing (Art. 13); the full one: src/intake/privacy-notice.ts. */
export const privacySv = {
  short: 'Xtractor Interactive AB behandlar din e-postadress, ditt namn och det du skriver för att hantera din begäran, eftersom dataskyddsförordningen kräver det (artikel 6.1 c och artikel 12). Vad vi sparar, hur länge, vem som får del av det och dina rättigheter står i',
  link: 'Hur vi hanterar din begäran',
}
