// The baseline: Fastify's hello world, started as the built portal is (plain node, no loader).
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))
await app.listen({ port: Number(process.argv[2] ?? process.env.PORT), host: '127.0.0.1' })
console.log('bare fastify listening on', app.server.address())
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
