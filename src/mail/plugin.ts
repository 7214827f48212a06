import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Engine } from '../views/engine.js'
import { BRAND_LOGO_CID, emailRenderer, type RenderEmail } from './render.js'
import { sealKey } from './seal.js'
import { threadedTransport } from './threaded-transport.js'
import type { InlineImage, MailTransport } from './transport.js'
import { OutboxWorker, type LinkLifetime } from './worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    renderEmail: RenderEmail
    outbox: OutboxWorker
  }
}

export interface MailPluginOptions {
  config: Config
  engine: Engine
  now: () => Date
  startWorker: boolean
  /** Where the dev mailbox prints its links. */
  print?: (line: string) => void
  transport?: MailTransport
  /** What a sent confirmation email's link needs (src/intake/links.ts); given by src/app.ts so mail imports no feature. */
  startLinkLifetime: LinkLifetime
}

/** BRAND_LOGO as an inline image for HTML emails: a PNG only (see src/mail/render.ts). */
function brandInline(config: Config): InlineImage[] {
  const logo = config.brandLogo
  return logo?.type === 'image/png' ? [{ cid: BRAND_LOGO_CID, filename: 'logo.png', contentType: 'image/png', content: logo.bytes }] : []
}

export default fp(
  async function mailPlugin(app, opts: MailPluginOptions) {
    const { config } = opts
    const print = opts.print ?? ((line) => console.log(line))
    const inline = brandInline(config)
    const transport =
      opts.transport ??
      threadedTransport(config.smtpUrl ? { kind: 'smtp', smtpUrl: config.smtpUrl, inline } : { kind: 'dev-mailbox', mailDir: config.mailDir, inline }, print)
    const worker = new OutboxWorker(app.db, transport, { from: config.mailFrom, pollMs: config.outboxPollMs, leaseMs: config.outboxLeaseMs, now: opts.now, log: app.log.child({ component: 'outbox' }), seal: sealKey(config.sessionSecret), writes: app.writes, ceiling: { kind: 'verify', perHour: config.limitEmailsPerHour }, startLinkLifetime: opts.startLinkLifetime })
    app.decorate('renderEmail', emailRenderer(opts.engine, { name: config.brandName, logo: config.brandLogo }))
    app.decorate('outbox', worker)
    if (opts.startWorker) app.addHook('onReady', async () => worker.start())
    // Lets a send that is under way finish before the database closes.
    app.addHook('preClose', async () => worker.stop())
  },
  { name: 'mail', dependencies: ['db'] },
)
