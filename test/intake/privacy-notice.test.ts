import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { loadConfig, ConfigError } from '../../src/config.js'
import { REQUEST_TYPES } from '../../src/intake/request-types.js'

// Issue 15 §6: the portal tells people about its own processing where it collects their data
// (GDPR Art. 13(1)(a), (c), (e), 13(2)(a), (d)), in layers, with the numbers of the settings in force.

const ENV = {
  CASE_RETENTION_YEARS: '3',
  PACKAGE_RETENTION_DAYS: '14',
  UNVERIFIED_RETENTION_DAYS: '4',
  VERIFY_TOKEN_TTL_HOURS: '12',
  MAIL_PROVIDER_NAME: 'Postmark (ActiveCampaign LLC)',
}

t.test('Art. 13: /privacy/requests names controller, purpose and basis, data, retention from the settings, recipients and the right to complain (sv and en)', async (t) => {
  const { app } = await buildTestApp(t, { env: ENV })
  const sv = await app.inject({ url: '/privacy/requests?lang=sv' })
  t.equal(sv.statusCode, 200)
  for (const text of [
    'Hur vi hanterar din begäran',
    'Xtractor Interactive AB (organisationsnummer 556540-0420)', // Art. 13(1)(a)
    'rättslig förpliktelse (artikel 6.1 c) tillsammans med artikel 12', // Art. 13(1)(c)
    'Din e-postadress och ditt namn',
    'din IP-adress och din e-postadress i 24 timmar',
    'Kakor: på de publika sidorna en kaka för valt språk',
    'raderas efter 4 dagar (länken i e-postmeddelandet gäller i 12 timmar)', // Art. 13(2)(a)
    'Ett ärende sparas i 3 år efter att det avslutats',
    'raderas 14 dagar efter att vi skickat den',
    'Postmark (ActiveCampaign LLC), som skickar e-post åt oss', // Art. 13(1)(e)
    'Integritetsskyddsmyndigheten (IMY), www.imy.se (artikel 77)', // Art. 13(2)(d)
  ]) t.match(sv.body, text)
  t.notMatch(sv.body, '5 år', 'not the default retention')
  t.notMatch(sv.body, '30 dagar')

  const en = await app.inject({ url: '/privacy/requests?lang=en' })
  for (const text of [
    'How we handle your request',
    'a legal obligation (Art. 6(1)(c)) together with Art. 12',
    'for 24 hours',
    'is deleted after 4 days (the link in the email works for 12 hours)',
    'A case is kept for 3 years after it is closed',
    'deleted 14 days after we send it',
    'Postmark (ActiveCampaign LLC), which sends our email',
    'Swedish Authority for Privacy Protection (IMY), www.imy.se (Art. 77)',
  ]) t.match(en.body, text)
})

t.test('Art. 13 (layered): every public form and the status page carry the two-sentence notice and link the full one', async (t) => {
  const ctx = await buildTestApp(t, { env: ENV })
  const { app } = ctx
  for (const type of REQUEST_TYPES) {
    const sv = await app.inject({ url: `/request/${type}?lang=sv` })
    t.match(sv.body, /<p class="privacy-short"[^>]*>Xtractor Interactive AB behandlar din e-postadress[^<]*\(artikel 6\.1 c och artikel 12\)\.[^<]*<a href="\/privacy\/requests">Hur vi hanterar din begäran<\/a>/, `${type} (sv)`)
    const en = await app.inject({ url: `/request/${type}?lang=en` })
    t.match(en.body, /<p class="privacy-short"[^>]*>Xtractor Interactive AB processes[^<]*\(Art\. 6\(1\)\(c\) with Art\. 12\)\.[^<]*<a href="\/privacy\/requests">How we handle your request<\/a>/, `${type} (en)`)
  }
  const { statusToken } = await openCase(ctx, { type: 'access' })
  const status = await app.inject({ url: `/status/${statusToken}` })
  t.match(status.body, '<a href="/privacy/requests">Hur vi hanterar din begäran</a>')
})

t.test('MAIL_PROVIDER_NAME is one plain line; unset, the notice still names the role', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'test', MAIL_PROVIDER_NAME: 'A <script>' }), ConfigError)
  t.throws(() => loadConfig({ NODE_ENV: 'test', MAIL_PROVIDER_NAME: 'x'.repeat(201) }), ConfigError)
  t.equal(loadConfig({ NODE_ENV: 'test' }).mailProviderName, null)
  const { app } = await buildTestApp(t)
  const sv = await app.inject({ url: '/privacy/requests?lang=sv' })
  t.match(sv.body, 'det företag som skickar e-post åt oss')
  t.match(sv.body, 'Ett ärende sparas i 5 år')
})
