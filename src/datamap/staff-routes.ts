import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { domainMessage } from '../http/errors.js'
import type { TypeBoxTypeProvider } from '../http/schema.js'
import { t, type MessageKey } from '../i18n/index.js'
import { staffActor } from '../staff/actor.js'
import { DomainError } from './errors.js'
import type { Purpose } from './model.js'
import type { ConnectionTester } from './api-schemas.js'
import type { ConnectionCheck } from '../connectors/contract.js'
import { connectionForm, NO_ERRORS, overviewPage, pageErrors, purposePage, readinessPage, systemFormValues, systemPage, type PageErrors } from './page-data.js'
import { configFromForm, EMPTY_CONFIG, IdParams, KeyParams, MapForm, purposeFromForm, SavedQuery, systemFromForm, type PurposeFormValues, type SystemFormValues } from './page-forms.js'
import { Type } from '../http/schema.js'
import type { DataMap } from './service.js'

const SAVED: Record<string, MessageKey> = { purpose: 'datamap.admin.saved.purpose', system: 'datamap.admin.saved.system', created: 'datamap.admin.saved.created', deleted: 'datamap.admin.saved.deleted' }

/** /staff/admin/map (purposes, systems, recipient categories) and /staff/admin/readiness: administrators only. */
export function dataMapStaffRoutes(deps: { map: DataMap; testConnection: ConnectionTester }) {
  const { map, testConnection } = deps
  return async function routes(app: FastifyInstance) {
    const adminOnly = app.requireStaff('admin')
    const csrf = app.staffCsrfCheck
    const r = app.withTypeProvider<TypeBoxTypeProvider>()

    /** A change the rules refuse, as problems at the fields; anything else is the scope's to answer. */
    function refused(error: unknown, lang: 'sv' | 'en'): { errors: PageErrors; status: number } {
      if (!(error instanceof DomainError) || error.status === 404) throw error
      const fields = error.field ? { [error.field]: [error.key, error.params] as const } : error.fields
      const errors = Object.keys(fields).length ? pageErrors(lang, fields) : { map: {}, list: [{ id: 'map-form', message: domainMessage(error, lang) }] }
      return { errors, status: error.status }
    }

    r.get('/admin/map', { preValidation: adminOnly, schema: { querystring: SavedQuery } }, async (request, reply) => {
      const lang = request.lang
      const saved = request.query.saved && Object.hasOwn(SAVED, request.query.saved) ? t(lang, SAVED[request.query.saved]) : null
      const data = overviewPage(lang, { purposes: await map.purposes(), systems: await map.systems(), categories: await map.categories() })
      return reply.staffPage('staff/map', { ...data, saved }, { title: t(lang, 'datamap.admin.title') })
    })

    // ── Purposes ──

    async function purposeForm(request: FastifyRequest, reply: FastifyReply, purpose: Purpose, o: { values?: PurposeFormValues; errors?: PageErrors; status?: number } = {}) {
      const lang = request.lang
      const errors = o.errors ?? NO_ERRORS
      const form = purposePage(lang, o.values ?? purpose, { categories: await map.categories(), errors })
      const title = t(lang, 'datamap.admin.purpose.title', { name: purpose.title[lang] })
      return reply.staffPage('staff/map-purpose', { form, id: purpose.id, heading: title, errorList: errors.list, csrf: app.staffCsrf.token(request, reply) }, { status: o.status, title: errors.list.length ? `${t(lang, 'form.errorSummary')}: ${title}` : title })
    }

    r.get('/admin/map/purposes/:id', { preValidation: adminOnly, schema: { params: IdParams } }, async (request, reply) => purposeForm(request, reply, await map.purpose(request.params.id)))

    r.post('/admin/map/purposes/:id', { preValidation: [adminOnly, csrf], schema: { params: IdParams, body: MapForm } }, async (request, reply) => {
      const purpose = await map.purpose(request.params.id)
      const values = purposeFromForm(request.body)
      try {
        await map.updatePurpose(staffActor(request.staff!.id), purpose.id, values)
      } catch (error) {
        return purposeForm(request, reply, purpose, { values, ...refused(error, request.lang) })
      }
      return reply.redirect('/staff/admin/map?saved=purpose', 303)
    })

    // ── Systems ──

    async function systemForm(request: FastifyRequest, reply: FastifyReply, o: { key: string | null; values: SystemFormValues; kind?: string; errors?: PageErrors; status?: number; test?: { ok: boolean; checks: ConnectionCheck[] } }) {
      const lang = request.lang
      const errors = o.errors ?? NO_ERRORS
      const stored = o.key === null ? null : await map.system(o.key)
      const form = systemPage(lang, o.values, { isNew: o.key === null, purposes: await map.purposes(), teams: await map.teams(), errors })
      const connection = connectionForm(lang, o.values.kind, o.values.config, errors, stored?.config ?? null)
      const title = stored === null ? t(lang, 'datamap.admin.system.newTitle') : t(lang, 'datamap.admin.system.title', { name: stored.name[lang] })
      const test = o.test ? { ok: o.test.ok, summary: t(lang, o.test.ok ? 'datamap.admin.system.testOk' : 'datamap.admin.system.testFailed'), checks: o.test.checks.map((c) => ({ ...c, table: c.table || t(lang, 'datamap.admin.system.testAll') })) } : null
      return reply.staffPage(
        'staff/map-system',
        { form, connection, test, key: o.key, isRegister: o.kind === 'register', action: o.key === null ? '/staff/admin/map/systems' : `/staff/admin/map/systems/${o.key}`, heading: title, errorList: errors.list, csrf: app.staffCsrf.token(request, reply) },
        { status: o.status, title: errors.list.length ? `${t(lang, 'form.errorSummary')}: ${title}` : title },
      )
    }

    const EMPTY_SYSTEM: SystemFormValues = { key: '', kind: 'other', config: EMPTY_CONFIG, name: { sv: '', en: '' }, ownerTeam: '', purposes: [], dataCategories: [], recipients: [], transfers: [] }
    const KindQuery = Type.Object({ kind: Type.Optional(Type.String({ maxLength: 20 })) })

    // The kind is chosen first (a GET form on the page), so the form shows that kind's connection fields, without scripts.
    r.get('/admin/map/new-system', { preValidation: adminOnly, schema: { querystring: KindQuery } }, async (request, reply) =>
      systemForm(request, reply, { key: null, values: { ...EMPTY_SYSTEM, kind: ['sql', 'webhook', 'email', 'manual'].includes(request.query.kind ?? '') ? request.query.kind! : 'other' } }),
    )

    r.post('/admin/map/systems', { preValidation: [adminOnly, csrf], schema: { body: MapForm } }, async (request, reply) => {
      const values = systemFromForm(request.body)
      try {
        const { config, ...rest } = values
        await map.createSystem(staffActor(request.staff!.id), { ...rest, ownerTeam: values.ownerTeam || null, config: configFromForm(values.kind, config) ?? null })
      } catch (error) {
        return systemForm(request, reply, { key: null, values, ...refused(error, request.lang) })
      }
      return reply.redirect('/staff/admin/map?saved=created', 303)
    })

    r.get('/admin/map/systems/:key', { preValidation: adminOnly, schema: { params: KeyParams } }, async (request, reply) => {
      const system = await map.system(request.params.key)
      return systemForm(request, reply, { key: system.key, kind: system.kind, values: systemFormValues(system) })
    })

    r.post('/admin/map/systems/:key', { preValidation: [adminOnly, csrf], schema: { params: KeyParams, body: MapForm } }, async (request, reply) => {
      const system = await map.system(request.params.key)
      const { key: _key, kind: _kind, config, ...values } = systemFromForm(request.body)
      try {
        await map.updateSystem(staffActor(request.staff!.id), system.key, { ...values, ownerTeam: values.ownerTeam || null, config: configFromForm(system.kind, config) })
      } catch (error) {
        return systemForm(request, reply, { key: system.key, kind: system.kind, values: { ...values, key: system.key, kind: system.kind, config }, ...refused(error, request.lang) })
      }
      return reply.redirect('/staff/admin/map?saved=system', 303)
    })

    r.post('/admin/map/systems/:key/delete', { preValidation: [adminOnly, csrf], schema: { params: KeyParams, body: MapForm } }, async (request, reply) => {
      const system = await map.system(request.params.key)
      try {
        await map.deleteSystem(staffActor(request.staff!.id), system.key)
      } catch (error) {
        return systemForm(request, reply, { key: system.key, kind: system.kind, values: systemFormValues(system), ...refused(error, request.lang) })
      }
      return reply.redirect('/staff/admin/map?saved=deleted', 303)
    })

    r.post('/admin/map/systems/:key/test', { preValidation: [adminOnly, csrf], schema: { params: KeyParams, body: MapForm } }, async (request, reply) => {
      const system = await map.system(request.params.key)
      const test = await testConnection(system.key)
      return systemForm(request, reply, { key: system.key, kind: system.kind, values: systemFormValues(system), test: test ?? { ok: false, checks: [] } })
    })

    // ── Readiness ──

    r.get('/admin/readiness', { preValidation: adminOnly }, async (request, reply) => {
      const lang = request.lang
      return reply.staffPage('staff/map-readiness', readinessPage(lang, await map.readiness()), { title: t(lang, 'datamap.readiness.title') })
    })
  }
}
