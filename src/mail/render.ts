import { t, type Lang, type MessageKey } from '../i18n/index.js'
import { templateCache, type Engine } from '../views/engine.js'

export interface RenderedEmail {
  subject: string
  text: string
  html: string | null
}

/** Renders views/emails/<name>.text.hbs and, where it exists, <name>.html.hbs inside the email layout. */
export function emailRenderer(hbs: Engine) {
  const template = templateCache(hbs)
  return function render(name: string, lang: Lang, subjectKey: MessageKey, data: Record<string, unknown>, opts: { html?: boolean } = {}): RenderedEmail {
    const ctx = { ...data, lang }
    const subject = t(lang, subjectKey, data)
    const text = template(`emails/${name}.text.hbs`)(ctx).replace(/\n{3,}/g, '\n\n').trim() + '\n'
    const html = opts.html === false ? null : template('emails/layout.html.hbs')({ ...ctx, subject, body: template(`emails/${name}.html.hbs`)(ctx) })
    return { subject, text, html }
  }
}

export type RenderEmail = ReturnType<typeof emailRenderer>
