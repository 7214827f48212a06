/*
 * A name is printed in our emails and pages ("Hej <name>,"): a link or an address there would let
 * anyone send our trusted words with their own link. Names holding `://`, `www.` or `@` are refused
 * wherever a name enters (forms, API, staff forms, CSV import, subscribers).
 */

// Compatibility forms folded (full-width "ｗｗｗ．", "＠") and invisible characters dropped first, so
// neither can hide the pattern from this check while a mail client still shows it as a link.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu

export function isLinkLikeName(name: string): boolean {
  const folded = name.normalize('NFKC').replace(INVISIBLE, '').toLowerCase()
  return folded.includes('://') || folded.includes('www.') || folded.includes('@')
}

/** The English text the APIs give for such a name. */
export const NAME_LINK_TEXT = 'must not contain a web address or an email address (://, www. or @)'
