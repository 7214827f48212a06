import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { insertStaff } from '../helpers/cases.js'
import { apiTokenFor } from '../helpers/staff.js'

// Every access package names the portal's own handling of requests as the system `requests`
// (src/access/art15.ts): a system on the map with that key would be confused with it.
t.test('no system may take the key of the portal’s own request handling', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await apiTokenFor(app, await insertStaff(app, 'admin'))
  const post = (key: string, lang: string) =>
    app.inject({ method: 'POST', url: '/api/v1/systems', headers: { authorization: `Bearer ${token}`, 'accept-language': lang }, payload: { key, name: { sv: 'Ärenden', en: 'Requests' }, kind: 'other', purposes: ['customer_relations'] } })
  const refused = await post('requests', 'sv')
  t.equal(refused.statusCode, 400)
  t.match(refused.json().fields.key, /portalens egen hantering/)
  t.match((await post('requests', 'en')).json().fields.key, /portal’s own handling/)
  t.equal((await post('requests-archive', 'en')).statusCode, 201, 'a key that only begins with it is fine')
})
