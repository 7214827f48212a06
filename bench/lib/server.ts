/**
 * Starts a real portal (or any script) in its own process, so the load generator in this process
 * does not share an event loop with the server it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { projectRoot } from '../../src/paths.js'

export interface Started {
  url: string
  port: number
  child: ChildProcess
  stop: () => Promise<void>
}

export async function freePort(): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  srv.close()
  await once(srv, 'close')
  return port
}

/**
 * Runs `script` under the project and waits until `ready` matches its output: a TypeScript file
 * through tsx (the bench's helpers), a .js file (the built server under dist/) with plain node,
 * as `npm start` runs it.
 */
export async function startProcess(script: string, env: Record<string, string>, ready = /listening on/i): Promise<Started> {
  const port = Number(env.PORT ?? (await freePort()))
  const args = script.endsWith('.ts') ? ['--import', 'tsx', join(projectRoot, script)] : [join(projectRoot, script)]
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s:\n${output.slice(-2000)}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (ready.test(output)) {
        clearTimeout(timer)
        // Keep draining the pipes so a chatty server never blocks on a full buffer.
        output = ''
        resolve()
      }
      if (output.length > 100_000) output = output.slice(-10_000)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code}:\n${output.slice(-2000)}`))
    })
  })
  const stop = async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
  return { url: `http://127.0.0.1:${port}`, port, child, stop }
}
