import type { FastifyInstance } from 'fastify'
import { stockholmDate } from '../deadlines/stockholm.js'
import { sendMessagePage } from '../http/errors.js'
import { t } from '../i18n/index.js'
import { typeTitle } from '../intake/service.js'
import { hashToken, looksLikeToken } from '../security/tokens.js'
import { findCaseByStatusTokenHash } from './repository.js'

export async function statusRoutes(app: FastifyInstance) {
  app.get<{ Params: { token: string } }>('/status/:token', async (request, reply) => {
    const { token } = request.params
    const found = looksLikeToken(token) ? await findCaseByStatusTokenHash(app.db, hashToken(token)) : undefined
    if (!found) return sendMessagePage(reply, 404, 'errors.notFoundTitle', 'errors.notFound')
    const lang = request.lang
    return reply.page(
      'status',
      {
        case: found,
        typeTitle: typeTitle(lang, found.type),
        statusText: t(lang, `status.values.${found.status}`),
        receivedDate: stockholmDate(found.received_at),
        messages: [],
      },
      { title: t(lang, 'status.title', { reference: found.reference }) },
    )
  })
}
