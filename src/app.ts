import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import type { Config } from './config.js'
import accessPackages from './access/plugin.js'
import { queueRoutes } from './cases/queue-routes.js'
import { CaseService } from './cases/service.js'
import { staffApiRoutes } from './cases/staff-api-routes.js'
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
import { healthRoutes } from './health/routes.js'
import errorPlugin from './http/errors.js'
import renderPlugin from './http/render.js'
import securityHeaders from './http/security.js'
import { apiRoutes } from './intake/api-routes.js'
import { publicRoutes } from './intake/public-routes.js'
import { IntakeService } from './intake/service.js'
import mailPlugin from './mail/plugin.js'
import type { MailTransport } from './mail/transport.js'
import { publicDir, viewsDir } from './paths.js'
import { Scheduler } from './scheduler/scheduler.js'
import { Csrf } from './security/csrf.js'
import staffAuth from './staff/auth-plugin.js'
import { staffHomeRoute } from './staff/home-route.js'
import { staffRoutes } from './staff/routes.js'
import { createEngine } from './views/engine.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clock: () => Date
    intake: IntakeService
    cases: CaseService
    csrf: Csrf
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
}

async function app(fastify: FastifyInstance, opts: AppOptions) {
  const { config } = opts
  const now = opts.now ?? (() => new Date())
  const https = config.publicUrl.startsWith('https:')
  const engine = createEngine()

  fastify.decorate('config', config)
  fastify.decorate('clock', now)

  await fastify.register(dbPlugin, { databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize })
  await fastify.register(securityHeaders, { https })
  await fastify.register(cookie, { secret: config.sessionSecret })
  await fastify.register(formbody, { bodyLimit: config.bodyLimitBytes })
  await fastify.register(view, { engine: { handlebars: engine }, root: viewsDir, layout: 'layouts/main.hbs', production: true })
  await fastify.register(renderPlugin, { secureCookies: https })
  await fastify.register(errorPlugin)
  await fastify.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h', decorateReply: false })
  await fastify.register(mailPlugin, { config, engine, now, startWorker: opts.background !== false, print: opts.print, transport: opts.mailTransport })
  // request.staff, app.requireStaff(), app.staffCsrf, reply.staffPage(): see src/staff/auth-plugin.ts.
  await fastify.register(staffAuth, { config, now, announce: opts.print ?? (config.env === 'test' ? null : (line: string) => console.log(line)) })
  // TEAM_SCOPED_ACCESS: before any case route is registered, so every one of them gets the check.
  await fastify.register(teamScope)

  const intake = new IntakeService({ db: fastify.db, config, now, renderEmail: fastify.renderEmail, mailQueued: () => fastify.outbox.wake(), writes: fastify.writes })
  fastify.decorate('intake', intake)
  const csrf = new Csrf(config.sessionSecret, https)
  fastify.decorate('csrf', csrf)
  const cases = new CaseService({ db: fastify.db, config, now, renderEmail: fastify.renderEmail, mailQueued: () => fastify.outbox.wake() })
  fastify.decorate('cases', cases)

  await fastify.register(healthRoutes)
  await fastify.register(publicRoutes({ intake, csrf, verifyTtlHours: config.verifyTokenTtlHours, dataDir: config.dataDir, proofMaxBytes: config.proofMaxBytes, config }))
  await fastify.register(apiRoutes({ intake, publicUrl: config.publicUrl }))
  await fastify.register(statusRoutes({ cases, csrf }))

  await fastify.register(staffRoutes)
  await fastify.register(queueRoutes)
  await fastify.register(staffCaseRoutes({ cases }))
  await fastify.register(staffApiRoutes({ cases }))
  await fastify.register(templateRoutes)
  await fastify.register(reportRoutes)
  await fastify.register(unsubscribeRoutes)
  await fastify.register(registerApiRoutes)
  await fastify.register(registerStaffRoutes)
  // Access and portability packages (compile, review, send, download with a code): src/access.
  await fastify.register(accessPackages, { engine, now })
  const routingAdmin = new RoutingAdmin({ db: fastify.db, now })
  await fastify.register(routingStaffRoutes({ admin: routingAdmin }))
  await fastify.register(routingApiRoutes({ admin: routingAdmin }))
  // Stand-in for GET /staff, added only if no plugin above registered it: keep it after all routes.
  await fastify.register(staffHomeRoute)

  const scheduler = new Scheduler(fastify, config, now)
  if (opts.background !== false) fastify.addHook('onReady', async () => scheduler.start())
  fastify.addHook('preClose', async () => scheduler.stop())
}

export default fp(app, { name: 'dsr-portal' })
