import type { Lang } from '../i18n/index.js'
import type { RenderedEmail, RenderEmail } from '../mail/render.js'
import { newToken } from '../security/tokens.js'

/** What a confirmation email says besides its link: the same for every submission of a type in a language. */
export interface VerifyEmailParts {
  lang: Lang
  type: string
  typeTitle: string
  /** The confirmation page's address without the token: `${publicUrl}/verify/`. */
  linkBase: string
  hours: number
}

/** A rendered email cut at each place its stand-in token stood; null where substituting it was found not to be exact. */
type Cut = { subject: string[]; text: string[]; html: string[] | null }

const cut = (mail: RenderedEmail, standIn: string): Cut => ({ subject: mail.subject.split(standIn), text: mail.text.split(standIn), html: mail.html === null ? null : mail.html.split(standIn) })
const join = (parts: string[], token: string) => parts.join(token)
const same = (a: RenderedEmail, b: RenderedEmail) => a.subject === b.subject && a.text === b.text && a.html === b.html

/**
 * The confirmation email of a submission, rendered by the templates once per language and type
 * and then given each submission's token. Rendering it (Handlebars, the layout, the texts) was
 * some 6% of the server's CPU under a burst of submissions, and only the token differs between
 * two of them. A token is base64url, which the templates print unchanged (nothing to escape), so
 * putting it where a stand-in token stood gives exactly what rendering it would. That is checked
 * once per language and type: rendered with a second stand-in, the email must equal the first
 * with the stand-in swapped; if a template ever treats the link otherwise, every email of that
 * kind is rendered in full as before. The templates are given nothing but these parts (no date,
 * no name), so nothing else in them can differ from one submission to the next.
 */
export function verifyEmailRenderer(render: RenderEmail): (parts: VerifyEmailParts, token: string) => RenderedEmail {
  const cache = new Map<string, Cut | null>()
  const full = (p: VerifyEmailParts, token: string) => render('verify', p.lang, 'email.verifySubject', { typeTitle: p.typeTitle, link: p.linkBase + token, hours: p.hours })
  return (p, token) => {
    const key = `${p.lang}\u0000${p.type}\u0000${p.typeTitle}\u0000${p.linkBase}\u0000${p.hours}`
    let entry = cache.get(key)
    if (entry === undefined) {
      const [a, b] = [newToken(), newToken()]
      const first = full(p, a)
      const parts = cut(first, a)
      const exact = parts.text.length > 1 && same(full(p, b), { subject: join(parts.subject, b), text: join(parts.text, b), html: parts.html && join(parts.html, b) })
      entry = exact ? parts : null
      cache.set(key, entry)
    }
    if (entry === null) return full(p, token)
    return { subject: join(entry.subject, token), text: join(entry.text, token), html: entry.html && join(entry.html, token) }
  }
}
