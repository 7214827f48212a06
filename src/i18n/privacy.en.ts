import type { privacySv } from './privacy.sv.js'

export const privacyEn: typeof privacySv = {
  short: 'Xtractor Interactive AB processes your email address, your name and what you write in order to handle your request, because the GDPR requires it (Art. 6(1)(c) with Art. 12). What we keep, for how long, who receives it and your rights are set out in',
  link: 'How we handle your request',
}
