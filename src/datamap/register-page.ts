import { stockholmDate } from '../deadlines/stockholm.js'
import { formatArticles } from '../i18n/articles.js'
import { t, type Lang } from '../i18n/index.js'
import { articleRefs, countryName, pick, type Purpose, type RecipientCategory, type System } from './model.js'

const unique = (list: string[]) => [...new Set(list)]

/**
 * The public record of processing (/register), built from the map (issue 19 §2). A purpose whose
 * legal basis is undecided shows no basis line; no internal note is ever shown. Transfers come
 * from the systems that serve a purpose; for a purpose no system serves yet, nothing is claimed.
 */
export function registerView(lang: Lang, map: { purposes: Purpose[]; systems: System[]; categories: RecipientCategory[] }) {
  const categories = new Map(map.categories.map((c) => [c.key, c]))
  const purposes = map.purposes.map((p) => {
    const serving = map.systems.filter((s) => s.purposes.includes(p.id))
    const named = serving.flatMap((s) => s.recipients.map((r) => pick(r.name, lang)))
    const byCategory = p.recipientCategories.flatMap((key) => {
      const c = categories.get(key)
      return c ? [pick(c.name, lang)] : []
    })
    const transfers = serving.flatMap((s) => s.transfers.map((tr) => t(lang, 'datamap.register.transfer', { country: countryName(tr.country, lang), safeguard: pick(tr.safeguard, lang) })))
    return {
      id: p.id,
      title: pick(p.title, lang),
      description: pick(p.description, lang),
      basis: p.legalBasis ? { article: p.legalBasis.article ? formatArticles(articleRefs(p.legalBasis.article), lang) : null, text: pick(p.legalBasis.text, lang) } : null,
      dataCategories: p.dataCategories.map((c) => pick(c, lang)),
      dataSubjects: pick(p.dataSubjects, lang),
      retention: pick(p.retention, lang),
      recipients: unique([...byCategory, ...named]),
      source: pick(p.source, lang),
      role: t(lang, `datamap.register.roles.${p.role}`),
      // null: no system serves the purpose yet, so the map says nothing about transfers.
      transfers: serving.length ? { items: unique(transfers) } : null,
    }
  })
  const named = map.systems.flatMap((s) => s.recipients.map((r) => ({ name: pick(r.name, lang), description: pick(r.description, lang) })))
  const recipients = [...map.categories.map((c) => ({ name: pick(c.name, lang), description: pick(c.description, lang) })), ...named].filter((r, i, all) => all.findIndex((x) => x.name === r.name) === i)
  const stamps = [...map.purposes.map((p) => p.updatedAt), ...map.systems.map((s) => s.updatedAt)].sort()
  const last = stamps[stamps.length - 1]
  return {
    heading: t(lang, 'site.register'),
    intro: t(lang, 'datamap.register.intro'),
    updated: last ? t(lang, 'datamap.register.updated', { date: stockholmDate(last) }) : null,
    purposes,
    recipients,
  }
}
