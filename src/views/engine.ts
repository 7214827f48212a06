import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Handlebars from 'handlebars'
import { lookup, type Lang } from '../i18n/index.js'
import { formatArticles } from '../i18n/articles.js'
import { viewsDir } from '../paths.js'

export type Engine = typeof Handlebars

/** One Handlebars instance, shared by pages and emails, with the partials under views/partials. */
export function createEngine(): Engine {
  const hbs = Handlebars.create()

  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const lang = (options.data?.root?.lang ?? 'sv') as Lang
    return lookup(lang, key, options.hash)
  })
  // GDPR references as the page's language writes them: data keeps "Art. 6(1)(f)", Swedish says "artikel 6.1 f".
  hbs.registerHelper('articles', function (this: unknown, refs: unknown, options: Handlebars.HelperOptions) {
    const lang = (options.data?.root?.lang ?? 'sv') as Lang
    const list = (Array.isArray(refs) ? refs : [refs]).filter((r): r is string => typeof r === 'string')
    return formatArticles(list, lang)
  })
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b)
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean))
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean))
  hbs.registerHelper('not', (a: unknown) => !a)
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''))
  /** Looks a field's value up in a map by a computed name (values.email etc.). */
  hbs.registerHelper('get', (obj: unknown, key: unknown) =>
    obj !== null && typeof obj === 'object' && typeof key === 'string' ? (obj as Record<string, unknown>)[key] : undefined,
  )

  const partialsDir = join(viewsDir, 'partials')
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), ownParameters(hbs.compile(readFileSync(join(partialsDir, file), 'utf8'))))
  }
  return hbs
}

/**
 * A partial given parameters (`{{> field-text id="name" label=…}}`) sees those parameters only,
 * and @root. Handlebars' own rule merges them over the caller's context, so a parameter left out
 * is looked up in the page: the request form's `type` became the Name input's `type` (issue 18).
 * A partial given none (`{{> site-header}}`) still reads the page it is in.
 */
function ownParameters(template: Handlebars.TemplateDelegate): Handlebars.TemplateDelegate {
  return (context: unknown, options?: Handlebars.RuntimeOptions & { hash?: Record<string, unknown> }) => {
    const params = options?.hash
    return template(params && Object.keys(params).length > 0 ? params : context, { data: options?.data })
  }
}

/** Compiles a template file once and keeps it. */
export function templateCache(hbs: Engine) {
  const cache = new Map<string, Handlebars.TemplateDelegate>()
  return (name: string): Handlebars.TemplateDelegate => {
    let tpl = cache.get(name)
    if (!tpl) {
      // Plain-text emails are not HTML: escaping would turn & into &amp; in a name.
      tpl = hbs.compile(readFileSync(join(viewsDir, name), 'utf8'), { noEscape: name.endsWith('.text.hbs') })
      cache.set(name, tpl)
    }
    return tpl
  }
}
