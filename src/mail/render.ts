import type { BrandLogo } from '../config.js'
import { t, type Lang, type MessageKey } from '../i18n/index.js'
import { templateCache, type Engine } from '../views/engine.js'

export interface RenderedEmail {
  subject: string
  text: string
  html: string | null
}

/**
 * The Content-ID of BRAND_LOGO in HTML emails. The logo travels in the email as an inline
 * attachment (src/mail/transport.ts) rather than as a link to /brand/logo: opening an email then
 * asks our server nothing (a remote image would tell us when and from where each email was read,
 * which a privacy portal has no business knowing), and mail programs that hold back remote images
 * still show it. Only a PNG: few mail programs draw SVG.
 */
export const BRAND_LOGO_CID = 'brand-logo@dsr-portal'

/** The brand as emails show it: the PNG logo (40 px high) with the brand name as its alt text. */
function emailBrand(brand: { name: string | null; logo: BrandLogo | null } | undefined) {
  const logo = brand?.logo
  if (!logo || logo.type !== 'image/png' || !logo.width || !logo.height) return null
  // 40 px high, or 240 px wide for a long logo, keeping its proportions.
  const scale = Math.min(40 / logo.height, 240 / logo.width)
  return { cid: BRAND_LOGO_CID, name: brand.name, width: Math.max(1, Math.round(logo.width * scale)), height: Math.max(1, Math.round(logo.height * scale)) }
}

/** Renders views/emails/<name>.text.hbs and, where it exists, <name>.html.hbs inside the email layout. */
export function emailRenderer(hbs: Engine, brand?: { name: string | null; logo: BrandLogo | null }) {
  const template = templateCache(hbs)
  const logo = emailBrand(brand)
  return function render(name: string, lang: Lang, subjectKey: MessageKey, data: Record<string, unknown>, opts: { html?: boolean } = {}): RenderedEmail {
    const ctx = { ...data, lang }
    const subject = t(lang, subjectKey, data)
    const text = template(`emails/${name}.text.hbs`)(ctx).replace(/\n{3,}/g, '\n\n').trim() + '\n'
    const brandLogo = logo ? { ...logo, alt: logo.name ?? t(lang, 'site.owner') } : null
    const html = opts.html === false ? null : template('emails/layout.html.hbs')({ ...ctx, subject, brandLogo, body: template(`emails/${name}.html.hbs`)(ctx) })
    return { subject, text, html }
  }
}

export type RenderEmail = ReturnType<typeof emailRenderer>
