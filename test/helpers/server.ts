import type { Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { projectRoot } from '../../src/paths.js'

/**
 * The environment of every TypeScript child a test starts (`node --import tsx ...`), minus its own
 * coverage. tsx emits whitespace-minified code, so a child's coverage of a file maps through a
 * different source map than the test process's (tap's ts-node loader) for the same URL; merged,
 * the report depended on which process's map the merge met first, and moved from run to run
 * (whole files at 0%). The children's code is measured in the test processes that import it.
 * tap's own processinfo reads this switch in the child.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

export interface Started {
  child: ChildProcess
  port: number
  url: string
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Runs `node --import tsx src/server.ts` as the real server does, with only the given environment
 * (plus PATH, PORT and HOST), and waits for its "listening on" line or its exit. Killed in teardown.
 */
export async function startServer(t: Test | null, env: Record<string, string>, opts: { port?: number; preload?: string[] } = {}): Promise<Started> {
  const port = opts.port ?? (await freePort())
  // Preloaded modules (e.g. the load test's probe) get an IPC channel to talk to this process.
  const preload = (opts.preload ?? []).flatMap((p) => ['--import', p])
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, 'src/server.ts'], {
    cwd: projectRoot,
    env: childEnv({ PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ...env }),
    stdio: preload.length ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  t?.teardown(kill)
  // A test process ended by a timeout skips its teardowns: the server must not outlive it.
  process.once('exit', kill)
  void exited.then(() => process.off('exit', kill))
  await new Promise<void>((resolve) => {
    const check = () => {
      if (/listening on/.test(out) || child.exitCode !== null || child.signalCode !== null) return resolve()
      setTimeout(check, 25)
    }
    check()
  })
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited }
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
      .on('error', reject)
      .end()
  })
}

/**
 * Runs the CLI from its TypeScript source (`node --import tsx src/cli-main.ts <argv>`, what
 * `bin/dsr-portal.js` does without a build), so a stale dist/ never stands in for the code under
 * test; .ci/smoke-dist runs the built one. Resolves with its exit code and output.
 */
export function runCli(argv: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli-main.ts'), ...argv], {
      cwd: projectRoot,
      env: childEnv({ PATH: process.env.PATH ?? '', ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.stdin.end(stdin)
    child.once('exit', (code) => resolve({ code, out }))
  })
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
