import Fastify from 'fastify'
import app from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { fastifyOptions } from './fastify-options.js'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}

const server = Fastify(fastifyOptions(config))
await server.register(app, { config })

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  server.log.info({ signal }, 'shutting down')
  // Stops taking connections, lets in-flight requests and the outbox's current send finish, then closes the database.
  const timer = setTimeout(() => {
    server.log.error('shutdown took too long, exiting')
    process.exit(1)
  }, 15_000)
  timer.unref()
  try {
    await server.close()
    process.exit(0)
  } catch (error) {
    server.log.error({ err: (error as Error).message }, 'error during shutdown')
    process.exit(1)
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

try {
  await server.listen({ port: config.port, host: config.host })
  if (!config.smtpUrl) {
    console.log(`Dev mailbox: emails are saved under ${config.mailDir} and their links printed here (set SMTP_URL to send real email).`)
  }
  console.log(`DSR portal listening on ${config.publicUrl}`)
} catch (error) {
  server.log.error({ err: (error as Error).message }, 'could not start')
  process.exit(1)
}
