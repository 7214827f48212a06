import type { FastifyInstance } from 'fastify'
import { t } from '../i18n/index.js'
import { registerView } from './register-page.js'
import type { DataMap } from './service.js'

/** GET /register: the public record of processing, built from the data map on each request. */
export function dataMapPublicRoutes(deps: { map: DataMap }) {
  const { map } = deps
  return async function routes(app: FastifyInstance) {
    app.get('/register', async (request, reply) => {
      const lang = request.lang
      const [purposes, systems, categories] = [await map.purposes(), await map.systems(), await map.categories()]
      return reply.page('register', registerView(lang, { purposes, systems, categories }), { title: t(lang, 'site.register') })
    })
  }
}
