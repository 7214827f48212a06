import t from 'tap'
import { DomainError, errorTable } from '../../src/domain/errors.js'
import { useApiErrors, usePageErrors } from '../../src/http/errors.js'
import { t as tr, lookup } from '../../src/i18n/index.js'
import { buildTestApp } from '../helpers/app.js'

t.test('a DomainError thrown in a scope is translated at its edge: JSON in the API, a page elsewhere', async (t) => {
  const fail = errorTable({ team_unknown: [409, 'cases.manual.invalidDate'] })
  const { app } = await buildTestApp(t, {
    beforeRegister: (f) => {
      void f.register(
        async (api) => {
          useApiErrors(api)
          api.get('/boom', async () => {
            throw fail('team_unknown', {}, 'receivedAt')
          })
        },
        { prefix: '/test-api' },
      )
      void f.register(
        async (pages) => {
          usePageErrors(pages)
          pages.get('/boom', async () => {
            throw new DomainError('gone_away', 410, 'cases.manual.future')
          })
        },
        { prefix: '/test-pages' },
      )
    },
  })
  const sv = await app.inject({ url: '/test-api/boom' })
  t.equal(sv.statusCode, 409)
  t.same(sv.json(), { error: 'team_unknown', message: tr('sv', 'cases.manual.invalidDate'), fields: { receivedAt: tr('sv', 'cases.manual.invalidDate') } })
  t.equal(sv.headers['cache-control'], 'no-store')
  const en = await app.inject({ url: '/test-api/boom', headers: { 'accept-language': 'en' } })
  t.equal(en.json().message, tr('en', 'cases.manual.invalidDate'), 'in the language the caller asked for')
  t.not(en.json().message, sv.json().message)

  const page = await app.inject({ url: '/test-pages/boom', headers: { 'accept-language': 'en' } })
  t.equal(page.statusCode, 410)
  t.match(page.headers['content-type'], 'text/html')
  t.match(page.body, tr('en', 'cases.manual.future'))
})

t.test('message keys are typed: a misspelt key does not compile, and a run-time lookup shows the key', async (t) => {
  // @ts-expect-error: no such section in the catalogue
  const typo = tr('sv', 'cases.statusez.new')
  t.equal(typo, 'cases.statusez.new', 'a missing key shows itself')
  t.equal(tr('sv', 'cases.statuses.in_progress'), 'Handläggs')
  t.equal(tr('en', `cases.statuses.${'completed' as string}`), 'Completed', 'a section with a part known at run time')
  t.equal(lookup('sv', 'no.such.key'), 'no.such.key')
  t.equal(tr('sv', 'api.tooLong', { max: 12 }).includes('12'), true, 'placeholders are filled')
})
