import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TypeBoxTypeProvider } from '../http/schema.js'
import { isLang, t, type Lang } from '../i18n/index.js'
import { formBody, QueryFlag } from './form-body.js'
import { TEMPLATE_KEYS, isTemplateKey, loadTemplate, saveTemplateAudited } from './templates.js'

const SavedQuery = Type.Object({ saved: QueryFlag })
const TemplateForm = formBody(['key', 'lang', 'subject', 'body'])

/** Admins edit the message templates in both languages; each save is audited. */
export async function templateRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const admin = app.requireStaff('admin')

  async function render(request: FastifyRequest, reply: FastifyReply, opts: { error?: { key: string; lang: Lang; message: string; subject: string; body: string }; saved?: boolean; status?: number } = {}) {
    const lang = request.lang
    const items = []
    for (const key of TEMPLATE_KEYS) {
      for (const l of ['sv', 'en'] as const) {
        const tpl = await loadTemplate(app.db, key, l)
        const failed = opts.error && opts.error.key === key && opts.error.lang === l ? opts.error : null
        items.push({ key, lang: l, id: `${key}-${l}`, title: tpl.title, subject: failed ? failed.subject : tpl.subject, body: failed ? failed.body : tpl.body, error: failed?.message ?? null })
      }
    }
    return reply.staffPage(
      'staff-templates',
      { items, saved: opts.saved ?? false, csrf: app.staffCsrf.token(request, reply), errorList: opts.error ? [{ id: `${opts.error.key}-${opts.error.lang}-subject`, message: opts.error.message }] : [] },
      { status: opts.status ?? 200, title: t(lang, 'cases.templatesPage.title') },
    )
  }

  r.get('/admin/templates', { preValidation: admin, schema: { querystring: SavedQuery } }, async (request, reply) => render(request, reply, { saved: request.query.saved === '1' }))

  r.post('/admin/templates', { preValidation: [admin, app.staffCsrfCheck], schema: { body: TemplateForm } }, async (request, reply) => {
    const b = request.body
    const key = b.key
    const lang = b.lang
    if (!isTemplateKey(key) || !isLang(lang)) return reply.code(400).send({ error: 'bad_request' })
    const subject = typeof b.subject === 'string' ? b.subject.replace(/[\r\n]+/g, ' ').trim() : ''
    const body = typeof b.body === 'string' ? b.body.replace(/\r\n?/g, '\n').trim() : ''
    if (!subject || !body || subject.length > 300 || body.length > 20000) {
      return render(request, reply, { error: { key, lang, subject, body, message: t(request.lang, 'cases.templatesPage.required') }, status: 400 })
    }
    await saveTemplateAudited(app.db, key, lang, { subject, body }, request.staff!.id, app.clock())
    return reply.code(303).redirect('/staff/admin/templates?saved=1', 303)
  })
}
