import { formatBytes } from '../access/errors.js'
import { t, type Lang } from '../i18n/index.js'
import { ON_BEHALF_KINDS } from './request-types.js'


/** The "Is this request about you?" part of the public form (views/partials/behalf-fields.hbs). */
export function behalfFormView(lang: Lang, values: Record<string, string>, proofMaxBytes: number) {
  return {
    aboutOptions: [
      { value: 'self', label: t(lang, 'behalf.aboutSelf') },
      { value: 'other', label: t(lang, 'behalf.aboutOther') },
    ],
    about: values.about === 'other' ? 'other' : 'self',
    kindOptions: ON_BEHALF_KINDS.map((value) => ({ value, label: t(lang, `behalf.kinds.${value}`) })),
    proofHint: t(lang, 'behalf.proofHint', { size: formatBytes(proofMaxBytes) }),
  }
}
