import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import type { Config } from './config.js'
import { packageApiRoutes } from './access/api-routes.js'
import accessPackages, { withUploads } from './access/plugin.js'
import { packageStaffRoutes } from './access/staff-routes.js'
import { packageStatusRoutes } from './access/status-routes.js'
import { queueRoutes } from './cases/queue-routes.js'
import { QueueService } from './cases/queue-service.js'
import { CaseService } from './cases/service.js'
import { staffApiRoutes } from './cases/staff-api-routes.js'
import { deadlineApiRoutes } from './deadlines/api-routes.js'
import { staffCaseRoutes } from './cases/staff-routes.js'
import { templateRoutes } from './cases/template-routes.js'
import { reportRoutes } from './reports/routes.js'
import { registerApiRoutes } from './registers/api-routes.js'
import teamScope from './routing/team-scope.js'
import { registerStaffRoutes } from './registers/staff-routes.js'
import { unsubscribeRoutes } from './registers/unsubscribe-routes.js'
import { RoutingAdmin } from './routing/admin.js'
import { routingApiRoutes } from './routing/api-routes.js'
import { routingStaffRoutes } from './routing/staff-routes.js'
import { statusRoutes } from './cases/status-routes.js'
import dbPlugin from './db/plugin.js'
import { hashPlainSuppressions } from './registers/suppression-conversion.js'
import { connectorFor, testConnection } from './connectors/index.js'
import { dataMapApiRoutes } from './datamap/api-routes.js'
import { dataMapPublicRoutes } from './datamap/public-routes.js'
import { DataMap } from './datamap/service.js'
import { dataMapStaffRoutes } from './datamap/staff-routes.js'
import { healthRoutes } from './health/routes.js'
import { openApiDocument } from './http/openapi.js'
import errorPlugin, { useApiErrors, usePageErrors } from './http/errors.js'
import renderPlugin from './http/render.js'
import securityHeaders from './http/security.js'
import { apiRoutes } from './intake/api-routes.js'
import { publicRoutes } from './intake/public-routes.js'
import { IntakeService } from './intake/service.js'
import mailPlugin from './mail/plugin.js'
import { startLinkLifetime } from './intake/links.js'
import type { MailTransport } from './mail/transport.js'
import { publicDir, viewsDir } from './paths.js'
import { Scheduler } from './scheduler/scheduler.js'
import { Csrf } from './security/csrf.js'
import { staffApiRoutes as meApiRoutes } from './staff/api-routes.js'
import staffAuth, { useSessionAuth, useTokenAuth } from './staff/auth-plugin.js'
import { staffRoutes } from './staff/routes.js'
import { createEngine } from './views/engine.js'
import { brandRoutes } from './http/brand.js'
import type { ConnectorLookup } from './connectors/contract.js'
import { taskApiRoutes } from './tasks/api-routes.js'
import { taskStaffRoutes } from './tasks/staff-routes.js'
import { TaskService, type TaskServiceDeps } from './tasks/service.js'
import { taskPublicRoutes } from './tasks/public-routes.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clock: () => Date
    intake: IntakeService
    cases: CaseService
    csrf: Csrf
    /** The data map (src/datamap): purposes, systems, recipients; what other features read it through. */
    dataMap: DataMap
    /** Fulfilment tasks on cases (src/tasks). */
    tasks: TaskService
  }
}

export interface AppOptions {
  config: Config
  /** The time source; tests move it. */
  now?: () => Date
  /** Background work (outbox sending, scheduled jobs); tests may drive it by hand instead. */
  background?: boolean
  mailTransport?: MailTransport
  print?: (line: string) => void
  /** How the task engine reaches a system; tests give their own. */
  connectors?: ConnectorLookup
  /** An email or manual system's config; tests give their own until the map stores it. */
  systemConfig?: TaskServiceDeps['systemConfig']
}


/**
 * The map of the app. Shared things (database, settings, views, cookies, security headers, mail,
 * staff identity, the services) are registered at the root, visible everywhere; the routes live in
 * three encapsulated scopes, each with its own sign-in, error answers and form-token policy:
 *
 *   public  /         pages for the public; forms carry the double-submit token (src/security/csrf.ts)
 *   staff   /staff    pages for staff, signed in by cookie (src/staff/auth-plugin.ts useSessionAuth)
 *   api     /api/v1   JSON, signed in by bearer token (useTokenAuth), {error, message, fields?} errors
 *
 * A route that differs from its scope says so in its own `config` (`auth: 'public'`, `csrf`).
 */
async function app(fastify: FastifyInstance, opts: AppOptions) {
  const { config } = opts
  const now = opts.now ?? (() => new Date())
  const https = config.publicUrl.startsWith('https:')
  const engine = createEngine()

  fastify.decorate('config', config)
  fastify.decorate('clock', now)

  await fastify.register(dbPlugin, { databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize })
  // Migration 016's second half: the old plain suppression rows, hashed with the key it cannot read.
  await hashPlainSuppressions(fastify.db, config.suppressionKey)
  await fastify.register(securityHeaders, { https })
  await fastify.register(cookie, { secret: config.sessionSecret })
  await fastify.register(formbody, { bodyLimit: config.bodyLimitBytes })
  await fastify.register(view, { engine: { handlebars: engine }, root: viewsDir, layout: 'layouts/main.hbs', production: true })
  await fastify.register(renderPlugin, { secureCookies: https, brand: { name: config.brandName, logo: config.brandLogo } })
  await fastify.register(errorPlugin)
  await fastify.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h', decorateReply: false })
  await fastify.register(mailPlugin, { config, engine, now, startWorker: opts.background !== false, print: opts.print, transport: opts.mailTransport, startLinkLifetime })
  // app.staffService, app.staffCsrf, request.staff, reply.staffPage(): see src/staff/auth-plugin.ts.
  await fastify.register(staffAuth, { config, now, announce: opts.print ?? (config.env === 'test' ? null : (line: string) => console.log(line)) })

  const intake = new IntakeService({ db: fastify.db, config, now, renderEmail: fastify.renderEmail, mailQueued: () => fastify.outbox.wake(), writes: fastify.writes })
  fastify.decorate('intake', intake)
  const csrf = new Csrf(config.sessionSecret, https)
  fastify.decorate('csrf', csrf)
  const cases = new CaseService({ db: fastify.db, config, now, renderEmail: fastify.renderEmail, mailQueued: () => fastify.outbox.wake() })
  fastify.decorate('cases', cases)
  const queue = new QueueService({ db: fastify.db, now, teamScopedAccess: config.teamScopedAccess, cases })
  await fastify.register(accessPackages, { engine, now })
  const packages = fastify.accessPackages
  const routingAdmin = new RoutingAdmin({ db: fastify.db, now })
  const dataMap = new DataMap({ db: fastify.db, now, connections: config })
  fastify.decorate('dataMap', dataMap)
  // "Test connection" reaches the system through its connector (src/connectors), which reads the map.
  const systemTester = (key: string) => testConnection({ db: fastify.db, settings: config }, key)
  const tasks = new TaskService({ db: fastify.db, config, now, connectors: opts.connectors ?? connectorFor({ db: fastify.db, settings: config }), renderEmail: fastify.renderEmail, mailQueued: () => fastify.outbox.wake(), systemConfig: opts.systemConfig })
  fastify.decorate('tasks', tasks)

  await fastify.register(async function publicScope(scope) {
    // Its 404 page is the root's, which also answers what no scope routes.
    usePageErrors(scope, { notFound: false })
    await scope.register(healthRoutes)
    await scope.register(publicRoutes({ intake, csrf, verifyTtlHours: config.verifyTokenTtlHours, dataDir: config.dataDir, proofMaxBytes: config.proofMaxBytes, config }))
    await scope.register(statusRoutes({ cases, csrf }))
    await scope.register(withUploads(packageStatusRoutes(packages)))
    await scope.register(unsubscribeRoutes)
    await scope.register(dataMapPublicRoutes({ map: dataMap }))
    await scope.register(brandRoutes(config.brandLogo))
    await scope.register(taskPublicRoutes({ tasks, csrf }))
  })

  await fastify.register(
    async function staffScope(scope) {
      usePageErrors(scope)
      useSessionAuth(scope, config)
      // TEAM_SCOPED_ACCESS: before any case route is registered, so every one of them gets the check.
      await scope.register(teamScope, { api: false })
      await scope.register(staffRoutes)
      await scope.register(queueRoutes({ queue }))
      await scope.register(staffCaseRoutes({ cases }))
      await scope.register(templateRoutes)
      await scope.register(reportRoutes)
      await scope.register(registerStaffRoutes)
      await scope.register(withUploads(packageStaffRoutes(packages)))
      await scope.register(routingStaffRoutes({ admin: routingAdmin }))
      await scope.register(dataMapStaffRoutes({ map: dataMap, testConnection: systemTester }))
      await scope.register(taskStaffRoutes({ tasks }))
    },
    { prefix: '/staff' },
  )

  await fastify.register(
    async function apiScope(scope) {
      useApiErrors(scope)
      useTokenAuth(scope)
      await scope.register(teamScope, { api: true })
      // Before the routes, so the document sees each of them.
      await openApiDocument(scope, { publicUrl: config.publicUrl })
      await scope.register(apiRoutes({ intake, publicUrl: config.publicUrl }))
      await scope.register(meApiRoutes)
      await scope.register(staffApiRoutes({ cases, queue }))
      await scope.register(deadlineApiRoutes)
      await scope.register(registerApiRoutes)
      await scope.register(withUploads(packageApiRoutes(packages)))
      await scope.register(routingApiRoutes({ admin: routingAdmin }))
      await scope.register(dataMapApiRoutes({ map: dataMap, testConnection: systemTester }))
      await scope.register(taskApiRoutes({ tasks, resultMaxBytes: config.taskResultMaxBytes }))
    },
    { prefix: '/api/v1' },
  )

  const scheduler = new Scheduler(fastify, config, now)
  if (opts.background !== false) fastify.addHook('onReady', async () => scheduler.start())
  fastify.addHook('preClose', async () => scheduler.stop())
}

/** fastify-plugin only so the root decorations (app.db, app.cases, …) stay visible to the caller (tests, the CLI). */
export default fp(app, { name: 'dsr-portal' })
