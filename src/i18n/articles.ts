import type { Lang } from './index.js'

/**
 * GDPR article references as each language writes them. The data keeps the English form
 * ("Art. 6(1)(b)"); Swedish text says "artikel 6.1 b", and several "artiklarna 21.2 och 21.3"
 * (the house style, as in the Swedish text of the regulation).
 */
const REF = /^Art\.\s*(\d+)((?:\(\d+\))*)(?:\(([a-z])\))?$/

function swedishNumber(ref: string): string {
  const m = REF.exec(ref.trim())
  if (!m) return ref
  const paragraphs = [...m[2].matchAll(/\((\d+)\)/g)].map((p) => '.' + p[1]).join('')
  return `${m[1]}${paragraphs}${m[3] ? ' ' + m[3] : ''}`
}

export function formatArticles(refs: readonly string[], lang: Lang): string {
  if (lang === 'en') return refs.join(', ')
  const numbers = refs.map(swedishNumber)
  if (numbers.length === 1) return `artikel ${numbers[0]}`
  return `artiklarna ${numbers.slice(0, -1).join(', ')} och ${numbers[numbers.length - 1]}`
}
